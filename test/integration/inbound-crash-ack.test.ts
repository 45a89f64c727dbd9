import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { once } from 'node:events';
import { testedDialects } from '../support/databases.js';
import { testRuntime } from '../support/runtime.js';
import { repoRoot } from '../support/corpus.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { openRawSpool } from '../../src/app/ingest/receive-mail.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { startSmtpListener } from '../../src/inbound/sources/smtp-listener.js';
import { recipientFilter } from '../../src/start-inbound.js';
import { plainMail, smtplibSend } from '../support/mail-builders.js';

for (const dialect of testedDialects()) {
  describe(`T4 on ${dialect}`, () => {
    test('T4: killed after the commit, before 250 → the sender retries; one mail, processed once, one receipt', async () => {
      const rt = await testRuntime(dialect);
      try {
        await addUser(rt.ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna' });
        const c = await openCase(rt.ctx, { customer: 'anna@kunde.example', subject: 'Export', body: 'x' });
        const raw = plainMail({ from: 'anna@kunde.example', to: 'support@support.example.com', subject: `Re: [Case #${c.number}] Export`, body: 'Einmal, bitte.' });

        const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/fixtures/smtp-crash-listener.ts')], { env: { ...process.env, ...rt.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
        const [first] = (await once(child.stdout, 'data')) as [Buffer];
        const { port } = JSON.parse(first.toString()) as { port: number };
        await assert.rejects(smtplibSend(port, 'anna@kunde.example', ['support@support.example.com'], raw), 'the sender got no answer');
        const [, signal] = await exited;
        assert.equal(signal, 'SIGKILL');
        assert.equal((await rt.ctx.store.inbound.list({})).length, 1, 'the mail was committed before the crash');

        // The restarted server; the sender's retry.
        const l = await startSmtpListener({ host: '127.0.0.1', port: 0, lmtp: false, maxMessageBytes: rt.config.maxMessageBytes, acceptsRecipient: recipientFilter(rt), openSpool: (envelope) => openRawSpool(rt.ctx, envelope), log: rt.log });
        try {
          const retry = await smtplibSend(l.port, 'anna@kunde.example', ['support@support.example.com'], raw);
          assert.equal(retry.code, 250, retry.detail);
        } finally {
          await l.stopAccepting();
        }
        const deps = createIngestDeps(rt.config);
        while ((await runInboundJobsOnce(rt.ctx, deps, { workerId: 'w' })).processed.length > 0);
        const mails = await rt.ctx.store.inbound.list({});
        assert.deepEqual(mails.map((m) => m.status).sort(), ['accepted', 'duplicate']);
        const receipts = (await rt.ctx.store.outbound.list({})).filter((o) => o.kind === 'receipt');
        assert.equal(receipts.length, 1);
        const messages = await rt.ctx.store.messages.listByCase(c.id);
        assert.equal(messages.filter((m) => m.bodyText === 'Einmal, bitte.').length, 1);
      } finally {
        await closeParseWorkers();
        await rt.dispose();
      }
    });
  });
}

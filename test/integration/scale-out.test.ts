import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime } from '../../src/composition.js';
import { testRuntime } from '../support/runtime.js';
import { dialectLeftOut, testedDialects } from '../support/databases.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { runOutboxOnce } from '../../src/app/outbound/outbox-relay.js';
import { createGroupCommit } from '../../src/app/group-commit.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import type { MailTransport } from '../../src/app/outbound/mail-transport.js';
import { plainMail } from '../support/mail-builders.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/corpus.js';

const MAILS = 120;

/**
 * Several `serve` processes share one database (RELIABILITY C5; the handbook's scale-out). On
 * PostgreSQL each worker here has its own connection pool, as a process would; SQLite connections
 * in one thread would wait on each other synchronously, so its workers are real processes. They
 * drain the same queues at the same time. Every mail must be processed exactly once, with exactly one receipt, and every
 * outbound mail handed to the relay exactly once.
 */
describe('C5: three worker processes on one SQLite file (busy_timeout, BEGIN IMMEDIATE)', { skip: dialectLeftOut('sqlite') }, () => {
  test('every mail stored and processed exactly once, one receipt each', async () => {
    const rt = await testRuntime('sqlite', { SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '10000' });
    try {
      await addUser(rt.ctx, { role: 'customer', email: 'kim@example.org', name: 'Kim' });
      const c = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Scale', body: 'x' });
      const run = (tag: string) =>
        new Promise<{ code: number; out: string; err: string }>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/fixtures/ingest-worker.ts')], {
            env: { ...process.env, ...rt.env, INGEST_COUNT: '30', INGEST_CASE: String(c.number), INGEST_TAG: tag },
          });
          let out = '';
          let err = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (err += d));
          p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
        });
      const results = await Promise.all(['a', 'b', 'c'].map(run));
      for (const r of results) assert.equal(r.code, 0, r.err);
      const processed = results.flatMap((r) => (JSON.parse(r.out.trim().split('\n').pop()!) as { processed: string[] }).processed);
      assert.equal(processed.length, 90);
      assert.equal(new Set(processed).size, 90, 'no mail processed twice');
      const mails = await rt.ctx.store.inbound.list({ limit: 1000 });
      assert.equal(mails.filter((m) => m.status === 'accepted').length, 90);
      const receipts = (await rt.ctx.store.outbound.list({ limit: 1000 })).filter((o) => o.kind === 'receipt');
      assert.equal(new Set(receipts.map((r) => r.inboundMailId)).size, 90);
      assert.equal(receipts.length, 90);
    } finally {
      await rt.dispose();
    }
  });
});

for (const dialect of testedDialects(['postgres'])) {
  describe(`C5: three workers on one ${dialect} database`, () => {
    test('inbound jobs and outbox rows are each taken by exactly one worker', async () => {
      const rt = await testRuntime(dialect, { SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '10000', SUPPORTAL_RELAY_URL: 'smtp://127.0.0.1:1' });
      const workers = await Promise.all([0, 1, 2].map(() => createRuntime({ env: rt.env, createSecret: false })));
      try {
        await addUser(rt.ctx, { role: 'customer', email: 'kim@example.org', name: 'Kim' });
        const c = await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Scale', body: 'x' });
        await Promise.all(
          Array.from({ length: MAILS }, (_, i) =>
            receiveMail(workers[i % 3]!.ctx, {
              raw: plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: `Re: [Case #${c.number}] Scale`, body: `Reply ${i}` }),
              channel: 'smtp',
              envelopeFrom: 'kim@example.org',
              envelopeTo: ['support@support.example.com'],
            }),
          ),
        );
        const deps = createIngestDeps(rt.config);
        const processedBy = new Map<string, number>();
        await Promise.all(
          workers.map(async (w, wi) => {
            const commits = createGroupCommit(w.ctx.store, { maxBatch: 8 });
            for (;;) {
              const r = await runInboundJobsOnce(w.ctx, deps, { workerId: `w${wi}`, limit: 8, commits });
              for (const o of r.processed) processedBy.set(o.mailId, (processedBy.get(o.mailId) ?? 0) + 1);
              assert.deepEqual(r.deferred, [], 'no job fails because another worker holds the database');
              if (r.processed.length === 0) break;
            }
          }),
        );
        assert.equal(processedBy.size, MAILS);
        assert.ok([...processedBy.values()].every((n) => n === 1), 'no mail processed twice');
        const mails = await rt.ctx.store.inbound.list({ limit: 1000 });
        assert.equal(mails.filter((m) => m.status === 'accepted').length, MAILS);
        const receipts = (await rt.ctx.store.outbound.list({ limit: 1000 })).filter((o) => o.kind === 'receipt');
        assert.equal(receipts.length, MAILS);
        assert.equal(new Set(receipts.map((r) => r.inboundMailId)).size, MAILS, 'one receipt per mail');

        // The outbox: three workers, one relay that counts what it is handed.
        const handed = new Map<string, number>();
        const relay: MailTransport = {
          async send(_env, raw) {
            const id = /^Message-ID:\s*<([^>]+)>/im.exec(raw.toString('latin1').replace(/\r\n\s+/g, ' '))![1]!;
            handed.set(id, (handed.get(id) ?? 0) + 1);
            await new Promise((r) => setTimeout(r, 1));
            return { response: '250 ok' };
          },
          close() {},
        };
        await Promise.all(
          workers.map(async (w) => {
            for (;;) {
              const r = await runOutboxOnce(w.ctx, relay, { limit: 10 });
              if (r.items.length === 0) break;
            }
          }),
        );
        assert.equal(handed.size, MAILS);
        assert.ok([...handed.values()].every((n) => n === 1), 'no outbound mail sent twice');
        assert.equal((await rt.ctx.store.outbound.list({ status: 'sent', limit: 1000 })).length, MAILS);
      } finally {
        await Promise.all(workers.map((w) => w.close()));
        await closeParseWorkers();
        await rt.dispose();
      }
    });
  });
}

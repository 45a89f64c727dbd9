import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliAsync } from '../support/cli.js';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { corpusOutcomes, corpusOutcomesFile } from '../golden/corpus-outcomes.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { plainMail } from '../support/mail-builders.js';
import { createInstallationSettingsStore } from '../../src/db/stores/settings.js';

for (const dialect of testedDialects()) {
  describe(`pipe ingest on ${dialect}`, () => {
    let rt: TestRuntime;
    let replyTo: string;
    let caseNumber: number;
    before(async () => {
      rt = await testRuntime(dialect);
      await addUser(rt.ctx, { role: 'customer', email: 'kim@example.org', name: 'Kim', lang: 'en' });
      await addUser(rt.ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Agent' });
      caseNumber = (await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Pipe', body: 'x' })).number;
      replyTo = (await addAgentReply(rt.ctx, { caseNumber, agent: 'agent@vendor.example', body: 'Answer' })).messageId;
    });
    after(async () => {
      await closeParseWorkers();
      await rt.dispose();
    });

    test('supportal ingest processes one mail to its outcome and prints one JSON line', async () => {
      const raw = plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: 'Re: whatever', body: 'Thanks!', headers: { 'In-Reply-To': `<${replyTo}>` } });
      const r = await cliAsync(['ingest'], rt.env, raw);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim());
      assert.deepEqual({ status: out.status, reason: out.reason, case: out.case }, { status: 'accepted', reason: null, case: caseNumber });
      const again = JSON.parse((await cliAsync(['ingest'], rt.env, raw)).stdout.trim());
      assert.equal(again.status, 'duplicate');
      const file = join(rt.env.SUPPORTAL_DATA_DIR!, "m.eml");
      writeFileSync(file, plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: 'no ref', body: 'x' }));
      const rej = JSON.parse((await cliAsync(['ingest', '--file', file], rt.env)).stdout.trim());
      assert.deepEqual([rej.status, rej.reason], ['rejected', 'no_case_reference']);
    });

    test('a 3 MiB mail on stdin is streamed into 1 MiB chunks, byte for byte, and processed', async () => {
      const lines = Array.from({ length: 50_000 }, (_, i) => `Logzeile ${i}: alles in Ordnung, nichts passiert.`).join('\n');
      const raw = plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: 'Re: log', body: lines, headers: { 'In-Reply-To': `<${replyTo}>` } });
      assert.ok(raw.length > 2 * 1024 * 1024 && raw.length < 3 * 1024 * 1024, `${raw.length} bytes`);
      const r = await cliAsync(['ingest'], rt.env, raw);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim());
      assert.deepEqual([out.status, out.reason, out.case], ['accepted', null, caseNumber]);
      const chunks = await rt.db.db.selectFrom('inbound_mail_chunks').select('seq').where('mail_id', '=', out.mail).execute();
      assert.equal(chunks.length, 3);
      assert.ok((await rt.ctx.store.inbound.raw(out.mail))!.equals(raw), 'stored as read');
    });

    test('the pipe applies the size limit an admin lowered in the web UI', async () => {
      const settings = createInstallationSettingsStore(rt.db);
      await settings.put('max_message_bytes', 2000, new Date().toISOString(), null);
      try {
        const raw = plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: 'Re: big', body: 'x'.repeat(3000), headers: { 'In-Reply-To': `<${replyTo}>` } });
        const out = JSON.parse((await cliAsync(['ingest'], rt.env, raw)).stdout.trim());
        assert.deepEqual([out.status, out.reason], ['quarantined', 'too_large']);
      } finally {
        await settings.put('max_message_bytes', null, new Date().toISOString(), null);
      }
    });

    test('T9: the database down → exit 75 (EX_TEMPFAIL), so the MTA retries', async () => {
      const env = { ...rt.env, SUPPORTAL_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
      const r = await cliAsync(['ingest'], env, plainMail({ from: 'kim@example.org', to: 'x@y', subject: 's', body: 'b' }));
      assert.equal(r.status, 75, r.stderr);
    });

    test('every corpus mail, re-addressed as a reply to a test case, ends in exactly its recorded outcome', async () => {
      // test/golden/corpus-outcomes.json holds each file's outcome; `npm run golden -- --update` rewrites it for review.
      const expected = JSON.parse(readFileSync(corpusOutcomesFile, 'utf8')) as Record<string, string>;
      const actual = await corpusOutcomes(rt.ctx, createIngestDeps(rt.config), 'kim@example.org', replyTo, caseNumber);
      assert.ok(Object.keys(actual).length >= 150, `found ${Object.keys(actual).length} corpus mails`);
      assert.deepEqual(actual, expected);
      const counts: Record<string, number> = {};
      for (const o of Object.values(actual)) counts[o] = (counts[o] ?? 0) + 1;
      console.log(`corpus outcomes over ${Object.keys(actual).length} mails: ${JSON.stringify(counts)}`);
    });
  });
}

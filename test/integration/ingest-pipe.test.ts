import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliAsync } from '../support/cli.js';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { corpusDir } from '../support/corpus.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
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

    test('every corpus mail, re-addressed as a reply to a test case, ends in a decided outcome', async () => {
      const deps = createIngestDeps(rt.config);
      const files: string[] = [];
      const walk = (d: string) => {
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.(eml|txt)$/.test(n) && !/LICENSE|COPYING|README/i.test(n)) files.push(p);
        }
      };
      for (const d of ['cpython-email', 'nodemailer-mailparser', 'postal-mime', 'mimekit/UnitTests/TestData/messages', 'fiedl-extended_email_reply_parser', 'stalwart-mail-parser/resources/eml']) walk(corpusDir(d));
      const firstLine = (f: string) => readFileSync(f).subarray(0, 200).toString('latin1').split(/\r?\n/)[0] ?? '';
      const mails = files.filter((f) => /^[\x21-\x7e]+:/.test(firstLine(f)) || firstLine(f).startsWith('From '));
      assert.ok(mails.length >= 150, `found ${mails.length} corpus mails`);
      const outcomes = new Map<string, number>();
      const allowed = new Set(['accepted', 'rejected:attachment_type', 'rejected:too_many_archives', 'rejected:bad_archive', 'rejected:encrypted', 'rejected:rich_text', 'ignored:auto_reply', 'ignored:bounce', 'ignored:loop', 'quarantined:malformed']);
      for (const f of mails) {
        const original = readFileSync(f);
        // Our headers first: parsers take the first From/In-Reply-To; the original ones are renamed.
        const renamed = Buffer.from(original.toString('latin1').replace(/^(From|In-Reply-To|References|Reply-To|Sender|Message-ID):/gim, 'X-Original-$1:'), 'latin1');
        const raw = Buffer.concat([Buffer.from(`From: Kim <kim@example.org>\r\nIn-Reply-To: <${replyTo}>\r\nMessage-ID: <corpus-${outcomes.size}-${Math.random()}@example.org>\r\n`), renamed]);
        const received = await receiveMail(rt.ctx, { raw, channel: 'pipe', envelopeFrom: 'kim@example.org', envelopeTo: ['support@support.example.com'] });
        if (received.duplicateOf) continue;
        const o = await processInboundMail(rt.ctx, deps, received.mailId, null);
        const key = o.reason ? `${o.status}:${o.reason}` : o.status;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        assert.ok(allowed.has(key), `${f}: unexpected outcome ${key} (${o.detail})`);
        if (o.status === 'accepted') assert.equal(o.caseNumber, caseNumber, f);
      }
      console.log(`corpus outcomes over ${mails.length} mails: ${JSON.stringify(Object.fromEntries(outcomes))}`);
      assert.ok((outcomes.get('accepted') ?? 0) >= mails.length / 3, 'most plain corpus mails are accepted');
    });
  });
}

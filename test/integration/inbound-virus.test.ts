import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { testedDialects } from '../support/databases.js';
import { testRuntime, manualClock, type TestRuntime } from '../support/runtime.js';
import { startClamd, EICAR, type ClamdHandle } from '../support/clamd.js';
import { pythonReply } from '../support/mail-builders.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import type { IngestDeps, VirusScanner } from '../../src/app/ingest/ports.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { createClamdScanner } from '../../src/inbound/clamav/clamd-client.js';
import { parseMail } from '../../src/inbound/parse/mime-parser.js';
import { buildZip } from '../support/zip-writer.js';
import { LIMITS } from '../../src/config/limits.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');
const CUSTOMER = 'anna@kunde.example';

for (const dialect of testedDialects()) {
  describe(`virus scanning with a real clamd on ${dialect}`, () => {
    let rt: TestRuntime;
    let clamd: ClamdHandle;
    let deps: IngestDeps;
    let agentMail: Buffer;
    let caseNumber: number;
    const clock = manualClock();
    // The scanner follows `target`, so that the test can point it at a new clamd (A10).
    let target = '';
    const scanner: VirusScanner = { scan: (content) => createClamdScanner(target, { timeoutMs: 10_000 }).scan(content) };

    before(async () => {
      clamd = await startClamd();
      target = clamd.target;
      rt = await testRuntime(dialect, { SUPPORTAL_CLAMAV: clamd.target }, clock);
      deps = createIngestDeps(rt.config, { scanner, parser: { parse: (raw) => parseMail(raw) } });
      await addUser(rt.ctx, { role: 'customer', email: CUSTOMER, name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'en' });
      await addUser(rt.ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Alex Agent' });
      caseNumber = (await openCase(rt.ctx, { customer: CUSTOMER, subject: 'Export fails', body: 'The export fails.' })).number;
      const r = await addAgentReply(rt.ctx, { caseNumber, agent: 'agent@vendor.example', body: 'Please send a screenshot.' });
      agentMail = (await rt.ctx.store.outbound.raw(r.outboundId))!;
    });
    after(async () => {
      await clamd.stop();
      await rt.dispose();
    });

    async function deliver(body: string, attachments: Array<{ filename: string; content: Buffer; maintype: string; subtype: string }>): Promise<string> {
      const raw = pythonReply(agentMail, { from: `Anna Kunde <${CUSTOMER}>`, body, attachments });
      const r = await receiveMail(rt.ctx, { raw, channel: 'smtp', envelopeFrom: CUSTOMER, envelopeTo: ['support@support.example.com'], remoteIp: '127.0.0.1' });
      assert.equal(r.duplicateOf, null);
      return r.mailId;
    }

    async function messagesOf(mailId: string) {
      const c = (await rt.ctx.store.cases.findByNumber(caseNumber))!;
      return (await rt.ctx.store.messages.listByCase(c.id)).filter((m) => m.inboundMailId === mailId);
    }

    test('A9: a ZIP with EICAR → quarantined as virus, nothing added, a notice naming the file', async () => {
      const zip = buildZip([{ name: 'logs/readme.txt', data: Buffer.from('the log') }, { name: 'tools/eicar.com', data: EICAR }]);
      const id = await deliver('Here are the logs.', [{ filename: 'werkzeuge.zip', content: zip, maintype: 'application', subtype: 'zip' }]);
      const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: 'virus' });
      assert.deepEqual(r.deferred, []);
      const m = await rt.ctx.store.inbound.findById(id);
      assert.deepEqual([m?.status, m?.reason], ['quarantined', 'virus']);
      assert.match(m?.detail ?? '', /werkzeuge\.zip: .*EICAR/);
      assert.notEqual(m?.scan, 'clean');
      assert.deepEqual(await messagesOf(id), [], 'nothing on the case');
      const out = (await rt.ctx.store.outbound.list({ limit: 10_000 })).filter((o) => o.inboundMailId === id);
      assert.deepEqual(out.map((o) => o.kind), ['notice']);
      assert.deepEqual(out[0]!.recipients, [CUSTOMER]);
      const notice = await simpleParser((await rt.ctx.store.outbound.raw(out[0]!.id))!);
      assert.match(notice.text ?? '', /Malware was found/);
      assert.match(notice.text ?? '', /File\(s\) concerned: werkzeuge\.zip/);
    });

    test('a clean PNG → accepted; the attachment and the log say "clean"', async () => {
      const id = await deliver('Screenshot attached.', [{ filename: 'screen.png', content: PNG, maintype: 'image', subtype: 'png' }]);
      await runInboundJobsOnce(rt.ctx, deps, { workerId: 'clean' });
      const m = await rt.ctx.store.inbound.findById(id);
      assert.equal(m?.status, 'accepted', JSON.stringify(m?.decisions));
      assert.equal(m?.scan, 'clean');
      const [msg] = await messagesOf(id);
      assert.ok(msg);
      const atts = (await rt.ctx.store.attachments.listByCase(msg.caseId)).filter((a) => a.messageId === msg.id);
      assert.deepEqual(atts.map((a) => [a.filename, a.scan]), [['screen.png', 'clean']]);
    });

    test('A10: clamd down → deferred/scan_unavailable, nothing shown as clean; with clamd back the mail is accepted', async () => {
      await clamd.stop();
      const id = await deliver('Second screenshot.', [{ filename: 'screen2.png', content: PNG, maintype: 'image', subtype: 'png' }]);
      const r = await runInboundJobsOnce(rt.ctx, deps, { workerId: 'down' });
      assert.deepEqual(r.processed, []);
      assert.deepEqual(r.deferred.map((d) => [d.mailId, d.dead]), [[id, false]]);
      let m = await rt.ctx.store.inbound.findById(id);
      assert.deepEqual([m?.status, m?.reason], ['deferred', 'scan_unavailable']);
      assert.notEqual(m?.scan, 'clean');
      assert.deepEqual(m?.decisions.at(-1), { step: '100-virus-scan', verdict: 'defer', reason: 'scan_unavailable', note: m?.decisions.at(-1)?.note });
      assert.deepEqual(await messagesOf(id), [], 'not on the case, so never served');
      assert.deepEqual((await rt.ctx.store.outbound.list({ limit: 10_000 })).filter((o) => o.inboundMailId === id), [], 'no receipt, no notice');

      clamd = await startClamd();
      target = clamd.target;
      clock.advance(LIMITS.retryBaseMs * 1.25 + 1000);
      const again = await runInboundJobsOnce(rt.ctx, deps, { workerId: 'back' });
      assert.deepEqual(again.processed.map((p) => [p.mailId, p.status]), [[id, 'accepted']]);
      m = await rt.ctx.store.inbound.findById(id);
      assert.equal(m?.scan, 'clean');
      const [msg] = await messagesOf(id);
      const atts = (await rt.ctx.store.attachments.listByCase(msg!.caseId)).filter((a) => a.messageId === msg!.id);
      assert.deepEqual(atts.map((a) => a.scan), ['clean']);
      assert.deepEqual((await rt.ctx.store.outbound.list({ limit: 10_000 })).filter((o) => o.inboundMailId === id).map((o) => o.kind), ['receipt']);
    });
  });
}

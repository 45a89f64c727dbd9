import { describe, test, before, after } from 'node:test';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { pythonReply } from '../support/mail-builders.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const SUPPORT = 'support@support.example.com';
const MIB = 1024 * 1024;

/** A multipart/form-data body as a browser sends it. */
function multipart(fields: Record<string, string>, files: Array<{ name: string; content: Buffer; type?: string }>): { body: Buffer; headers: Record<string, string> } {
  const b = `----supportal${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'image/png'}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

for (const dialect of testedDialects()) {
  describe(`installation settings edited by admins on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    let deps: IngestDeps;
    let agentMail: Buffer;
    const as: Record<'admin' | 'agent' | 'alice', Client> = {} as never;

    /** A reply by Alice to the agent's mail, taken in through the pipe and processed as serve would. */
    async function pipeReply(body: string, attachments: Parameters<typeof pythonReply>[1]['attachments'] = []) {
      const raw = pythonReply(agentMail, { from: w.alice.email, body, attachments });
      const received = await receiveMail(h.ctx, { raw, channel: 'pipe', envelopeFrom: w.alice.email, envelopeTo: [SUPPORT] });
      return { raw, outcome: await processInboundMail(h.ctx, deps, received.mailId, null) };
    }

    async function patch(body: unknown) {
      return as.admin.request('PATCH', '/api/admin/settings', body);
    }

    before(async () => {
      h = await httpHarness(dialect);
      w = await seedWorld(h);
      for (const name of ['admin', 'agent', 'alice'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
      // The same settings instance the app edits, as serve hands it to the pipeline.
      deps = createIngestDeps(h.rt.config, { settings: h.app.installation });
      const sent = (await h.ctx.store.outbound.list({ caseId: w.aliceCase.id })).find((o) => o.kind === 'agent_reply')!;
      agentMail = (await h.ctx.store.outbound.raw(sent.id))!;
    });
    after(async () => {
      await closeParseWorkers();
      await h.dispose();
    });

    test('the settings view: values in effect, the ceiling, limits, built-in wording; addresses read-only', async () => {
      const res = await as.admin.request('GET', '/api/admin/settings');
      assert.equal(res.statusCode, 200, res.body);
      const s = res.json().settings;
      assert.equal(s.maxMessageBytes, 25 * MIB);
      assert.equal(s.maxMessageBytesCeiling, 25 * MIB);
      assert.ok(s.attachmentPolicy.allowedImageTypes.includes('image/gif'));
      assert.equal(s.addresses.support, SUPPORT);
      assert.deepEqual(s.changed, {});
      assert.ok(s.limits.templateVariables.receipt.includes('caseToken'));
      assert.match(s.builtInTemplates.receipt.en.text, /has reached case \{\{caseToken\}\}/);
      assert.match(s.builtInTemplates.notice.de.subject, /^Nicht verarbeitet: \{\{subject\}\}$/);
      // The addresses are not editable: the API refuses them as unknown keys.
      const r = await patch({ addresses: { support: 'other@example.org' } });
      assert.equal(r.statusCode, 400, r.body);
    });

    test('a non-admin gets 403 for reading, changing and live-previewing settings', async () => {
      for (const who of ['agent', 'alice'] as const) {
        assert.equal((await as[who].request('GET', '/api/admin/settings')).statusCode, 403, who);
        assert.equal((await as[who].request('PATCH', '/api/admin/settings', { maxMessageBytes: 2048 })).statusCode, 403, who);
        assert.equal((await as[who].request('POST', '/api/admin/templates/receipt/preview', { lang: 'en', text: 'x' })).statusCode, 403, who);
      }
      assert.equal((await as.admin.request('GET', '/api/admin/settings')).json().settings.maxMessageBytes, 25 * MIB, 'nothing changed');
    });

    test('invalid values → 400 invalid_input naming the field; nothing is saved', async () => {
      const cases: Array<[unknown, string]> = [
        [{ maxMessageBytes: 25 * MIB + 1 }, 'maxMessageBytes'],
        [{ maxMessageBytes: 100 }, 'maxMessageBytes'],
        [{ maxMessageBytes: 'lots' }, 'maxMessageBytes'],
        [{ attachmentPolicy: { allowedImageTypes: ['image/png', 'image/svg+xml'] } }, 'attachmentPolicy.allowedImageTypes.1'],
        [{ attachmentPolicy: { maxArchives: 11 } }, 'attachmentPolicy.maxArchives'],
        [{ attachmentPolicy: { zip: { maxEntries: 5000 } } }, 'attachmentPolicy.zip.maxEntries'],
        [{ attachmentPolicy: { zip: { maxRatio: 1000 } } }, 'attachmentPolicy.zip.maxRatio'],
        [{ templates: { receipt: { en: { text: 'Hello {{customerPassword}}' } } } }, 'templates.receipt.en.text'],
        [{ templates: { receipt: { de: { html: '<p>{{{subject}}}</p>' } } } }, 'templates.receipt.de.html'],
        [{ templates: { notice: { en: { subject: 'Case {{caseToken}}' } } } }, 'templates.notice.en.subject'],
        [{ templates: { notice: { en: { subject: 'two\nlines' } } } }, 'templates.notice.en.subject'],
        [{ templates: { notice: { en: { text: 'open {{subject' } } } }, 'templates.notice.en.text'],
        [{ templates: { signup: { en: { text: 'x' } } } }, 'templates'],
      ];
      for (const [body, field] of cases) {
        const res = await patch(body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.statusCode} ${res.body}`);
        const e = res.json().error;
        assert.equal(e.code, 'invalid_input');
        assert.equal(e.details.field, field, `${JSON.stringify(body)}: ${e.message}`);
      }
      // The admin's language is the installation's default, German: the message is in it.
      assert.match((await patch({ templates: { receipt: { en: { text: 'Hello {{customerPassword}}' } } } })).json().error.message, /unbekannte Variable \{\{customerPassword\}\}/);
      const s = (await as.admin.request('GET', '/api/admin/settings')).json().settings;
      assert.deepEqual([s.maxMessageBytes, s.templates, s.changed], [25 * MIB, {}, {}]);
    });

    test('an admin lowers the size limit: a pipe-ingested mail over it becomes too_large, one under it is accepted; uploads follow', async () => {
      const ok = await pipeReply('Short answer before the change.');
      assert.equal(ok.outcome.status, 'accepted', ok.outcome.detail ?? '');
      const res = await patch({ maxMessageBytes: 8192 });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().settings.maxMessageBytes, 8192);

      const big = await pipeReply(`A long log follows.\n${'log line 0123456789 abcdefghij\n'.repeat(400)}`);
      assert.ok(big.raw.length > 8192 && big.raw.length < 25 * MIB);
      assert.deepEqual([big.outcome.status, big.outcome.reason], ['quarantined', 'too_large']);
      assert.match(big.outcome.detail ?? '', /the limit is 8192/);
      const small = await pipeReply('Still short.');
      assert.equal(small.outcome.status, 'accepted');

      const m = multipart({ payload: JSON.stringify({ body: 'big file' }) }, [{ name: 'big.png', content: Buffer.concat([PNG, Buffer.alloc(9000)]) }]);
      const up = await as.alice.request('POST', `/api/cases/${w.aliceCase.number}/replies`, m.body, m.headers);
      assert.equal(up.statusCode, 413, up.body);
      assert.equal(up.json().error.details.limitBytes, 8192);

      assert.equal((await patch({ maxMessageBytes: null })).json().settings.maxMessageBytes, 25 * MIB, 'null goes back to the configured limit');
      assert.equal((await pipeReply(`Again long.\n${'log line 0123456789 abcdefghij\n'.repeat(400)}`)).outcome.status, 'accepted');
    });

    test('an admin disallows GIF: a GIF reply is rejected attachment_type, and so is a GIF upload; PNG still passes', async () => {
      const before = await pipeReply('A GIF while allowed.', [{ filename: 'anim.gif', content: GIF, maintype: 'image', subtype: 'gif' }]);
      assert.equal(before.outcome.status, 'accepted', before.outcome.detail ?? '');

      const types = (await as.admin.request('GET', '/api/admin/settings')).json().settings.attachmentPolicy.allowedImageTypes as string[];
      const res = await patch({ attachmentPolicy: { allowedImageTypes: types.filter((t) => t !== 'image/gif') } });
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!res.json().settings.attachmentPolicy.allowedImageTypes.includes('image/gif'));
      assert.equal(res.json().settings.attachmentPolicy.maxArchives, 1, 'the other fields keep their values');

      const after = await pipeReply('A GIF now.', [{ filename: 'anim.gif', content: GIF, maintype: 'image', subtype: 'gif' }]);
      assert.deepEqual([after.outcome.status, after.outcome.reason], ['rejected', 'attachment_type']);
      assert.equal((await pipeReply('A PNG.', [{ filename: 'shot.png', content: PNG, maintype: 'image', subtype: 'png' }])).outcome.status, 'accepted');

      const m = multipart({ payload: JSON.stringify({ body: 'gif' }) }, [{ name: 'anim.gif', content: GIF, type: 'image/gif' }]);
      const up = await as.alice.request('POST', `/api/cases/${w.aliceCase.number}/replies`, m.body, m.headers);
      assert.equal(up.statusCode, 422, up.body);
      assert.deepEqual(up.json().error.details.files.map((f: { name: string; reason: string }) => [f.name, f.reason]), [['anim.gif', 'attachment_type']]);

      await patch({ attachmentPolicy: null });
      assert.equal((await pipeReply('GIF again.', [{ filename: 'anim.gif', content: GIF, maintype: 'image', subtype: 'gif' }])).outcome.status, 'accepted');
    });

    test('a template override changes the receipt text; the preview shows it; null brings the built-in text back', async () => {
      const lang = w.alice.language;
      const text = 'RECEIPT-OVERRIDE: your mail about "{{subject}}" is in case {{caseToken}}.\n{{caseUrl}}';
      const res = await patch({ templates: { receipt: { [lang]: { subject: 'Got it: {{subject}}', text, html: '' } } } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().settings.templates, { receipt: { [lang]: { subject: 'Got it: {{subject}}', text } } });

      const r = await pipeReply('Receipt with my own words, please.');
      assert.equal(r.outcome.status, 'accepted');
      const receipts = (await h.ctx.store.outbound.list({ caseId: w.aliceCase.id })).filter((o) => o.kind === 'receipt' && o.inboundMailId === r.outcome.mailId);
      assert.equal(receipts.length, 1);
      const mail = await simpleParser((await h.ctx.store.outbound.raw(receipts[0]!.id))!);
      // A piped mail is not authenticated: {{subject}} stands for "your e-mail", never the case's subject (RELIABILITY E1).
      assert.match(mail.text ?? '', new RegExp(`RECEIPT-OVERRIDE: your mail about "(Ihre E-Mail|your e-mail)" is in case #${w.aliceCase.number}\\.`));
      assert.match(mail.subject ?? '', /Got it: (Ihre E-Mail|your e-mail)/);
      assert.doesNotMatch(mail.subject ?? '', /MARKER-A-SUBJECT/);
      // The HTML part was not overridden: the built-in one, still with the case link.
      assert.match(String(mail.html), new RegExp(`/cases/${w.aliceCase.number}`));

      const preview = (await as.admin.request('GET', `/api/admin/templates/receipt/preview?lang=${lang}`)).json();
      assert.match(preview.text, /^RECEIPT-OVERRIDE: your mail about "/);
      const other = lang === 'de' ? 'en' : 'de';
      assert.doesNotMatch((await as.admin.request('GET', `/api/admin/templates/receipt/preview?lang=${other}`)).json().text, /RECEIPT-OVERRIDE/, 'the other language keeps its wording');

      const draft = await as.admin.request('POST', '/api/admin/templates/notice/preview', { lang: 'en', text: 'DRAFT {{reasonText}} <b>' });
      assert.equal(draft.statusCode, 200, draft.body);
      assert.match(draft.json().text, /^DRAFT .+ <b>/);
      assert.match(draft.json().subject, /^\[Case #10042\] Not processed: /, 'the subject was not in the draft: built-in');
      const bad = await as.admin.request('POST', '/api/admin/templates/notice/preview', { lang: 'en', text: '{{nope}}' });
      assert.deepEqual([bad.statusCode, bad.json().error.details.field], [400, 'text']);
      assert.equal((await as.admin.request('POST', '/api/admin/templates/signup/preview', { lang: 'en', text: 'x' })).statusCode, 400, 'only receipt and notice can be reworded');
      assert.doesNotMatch((await as.admin.request('GET', '/api/admin/templates/notice/preview?lang=en')).json().text, /DRAFT/, 'a draft is never saved');

      await patch({ templates: { receipt: { [lang]: null } } });
      assert.deepEqual((await as.admin.request('GET', '/api/admin/settings')).json().settings.templates, {});
      assert.doesNotMatch((await as.admin.request('GET', `/api/admin/templates/receipt/preview?lang=${lang}`)).json().text, /RECEIPT-OVERRIDE/);
    });

    test('every change is in the audit log with the admin and the new value', async () => {
      const rows = await h.rt.db.db.selectFrom('audit_log').selectAll().where('action', 'like', 'admin.settings.%').orderBy('id').execute();
      const seen = rows.map((r) => `${r.action} ${r.target}`);
      for (const e of ['admin.settings.update max_message_bytes', 'admin.settings.reset max_message_bytes', 'admin.settings.update attachment_policy', 'admin.settings.reset attachment_policy', 'admin.settings.update templates', 'admin.settings.reset templates']) {
        assert.ok(seen.includes(e), `${e} in ${seen.join(', ')}`);
      }
      assert.ok(rows.every((r) => r.actor === w.admin.id));
      const size = rows.find((r) => r.action === 'admin.settings.update' && r.target === 'max_message_bytes')!;
      assert.deepEqual(JSON.parse(size.detail!), { value: 8192 });
    });
  });
}

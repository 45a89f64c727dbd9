// What agents see of a rejected mail and the one-click actions that let it in (issue 13 §4):
// each action through the API, recorded in the audit log and the case history, the mail through
// the real pipeline again, and the receipt to the sender once it is accepted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testedDialects } from '../support/databases.js';
import { corpusDir } from '../support/corpus.js';
import { Client, httpHarness, PASSWORD, type Harness } from './http-harness.js';
import { addUser } from '../../src/app/users.js';
import { closeCase, openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';
import type { Case } from '../../src/domain/entities.js';

const PNG = readFileSync(corpusDir('cpython-email/Lib/test/test_email/data/python.png'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** A reply as a mail client writes it, with optional attachments (multipart/mixed). */
function reply(from: string, inReplyTo: string, text: string, files: Array<{ name: string; type: string; content: Buffer }> = []): Buffer {
  const head = `From: ${from}\r\nTo: support@support.example.com\r\nSubject: Re: Drucker\r\nIn-Reply-To: <${inReplyTo}>\r\nMessage-ID: <${randomUUID()}@client.example>\r\nMIME-Version: 1.0\r\n`;
  if (files.length === 0) return Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
  const b = 'b-' + randomUUID();
  const parts = files.map((f) => `--${b}\r\nContent-Type: ${f.type}\r\nContent-Disposition: attachment; filename="${f.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${f.content.toString('base64')}\r\n`);
  return Buffer.from(`${head}Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n${parts.join('')}--${b}--\r\n`);
}

for (const dialect of testedDialects()) {
  describe(`rejected mails in the desk on ${dialect}`, () => {
    let h: Harness;
    let deps: IngestDeps;
    let agent: Client;
    let customer: Client;
    let theCase: Case;
    let answer: string;

    /** As the SMTP listener hands a mail over: stored with its job, which the worker then runs. */
    async function deliver(raw: Buffer, envelopeFrom: string): Promise<string> {
      const { mailId } = await receiveMail(h.rt.ctx, { raw, channel: 'smtp', envelopeFrom, envelopeTo: ['support@support.example.com'], remoteIp: '192.0.2.1' });
      assert.deepEqual((await runInboundJobsOnce(h.rt.ctx, deps, { workerId: 'test' })).processed.map((o) => o.mailId), [mailId]);
      return mailId;
    }
    async function outbound(mailId: string) {
      return h.rt.db.db.selectFrom('outbound_mails').select(['kind', 'recipients']).where('inbound_mail_id', '=', mailId).orderBy('created_at').execute();
    }
    async function audit(mailId: string) {
      return (await h.rt.db.db.selectFrom('audit_log').select(['action', 'actor']).where('target', '=', mailId).execute()).map((r) => r.action);
    }

    before(async () => {
      h = await httpHarness(dialect);
      deps = createIngestDeps(h.rt.config);
      await addUser(h.ctx, { role: 'customer', email: 'kim@kunde.example', name: 'Kim', org: 'Kunde GmbH', password: PASSWORD, lang: 'de' });
      await addUser(h.ctx, { role: 'customer', email: 'bob@other.example', name: 'Bob', org: 'Other AG', password: PASSWORD });
      await addUser(h.ctx, { role: 'agent', email: 'agent@support.example', name: 'Agnes', password: PASSWORD });
      theCase = await openCase(h.ctx, { customer: 'kim@kunde.example', subject: 'Drucker', body: 'Der Drucker raucht.' });
      answer = (await addAgentReply(h.ctx, { caseNumber: theCase.number, agent: 'agent@support.example', body: 'Bitte neu starten.' })).messageId;
      agent = new Client(h.app);
      assert.equal((await agent.login('agent@support.example', PASSWORD)).statusCode, 200);
      customer = new Client(h.app);
      assert.equal((await customer.login('kim@kunde.example', PASSWORD)).statusCode, 200);
    });
    after(async () => {
      await closeParseWorkers();
      await h.dispose();
    });

    test('unknown sender: the agent reads the text and the reason, adds the sender as a contact of the organisation, and the mail is accepted with a receipt', async () => {
      const mailId = await deliver(reply('Lena Neu <lena@kunde.example>', answer, 'Ich bin die neue Kollegin von Kim.\n\nLena\n\n> Bitte neu starten.'), 'lena@kunde.example');
      const view = await agent.request('GET', `/api/mails/${mailId}/content`);
      assert.equal(view.statusCode, 200, view.body);
      const v = view.json();
      assert.deepEqual([v.mail.status, v.mail.reason, v.actions, v.organisation?.name], ['rejected', 'unknown_sender', ['add_contact'], 'Kunde GmbH']);
      assert.equal(v.content.replyText, 'Ich bin die neue Kollegin von Kim.\n\nLena');
      assert.equal(v.content.quotedText, '> Bitte neu starten.');
      assert.ok(v.mail.explanation.de.text && v.mail.explanation.en.text, 'the reason in both languages');
      // Customers never reach an agent's view of a mail, not even their own.
      assert.equal((await customer.request('GET', `/api/mails/${mailId}/content`)).statusCode, 403);
      assert.equal((await customer.request('POST', `/api/mails/${mailId}/accept`, { action: 'add_contact' })).statusCode, 403);

      const wrong = await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'reopen_case' });
      assert.equal(wrong.statusCode, 409);
      assert.deepEqual([wrong.json().error.code, wrong.json().error.details.action], ['mail_not_acceptable', 'add_contact']);

      const accepted = await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'add_contact' });
      assert.equal(accepted.statusCode, 202, accepted.body);
      assert.equal(accepted.json().mail.status, 'received');
      const lena = await h.rt.ctx.store.users.findByEmail('lena@kunde.example');
      assert.deepEqual([lena?.role, lena?.organisationId], ['customer', theCase.organisationId]);
      const tick = await runInboundJobsOnce(h.rt.ctx, deps, { workerId: 'test' });
      assert.deepEqual(tick.processed.map((o) => [o.mailId, o.status, o.replyQueued]), [[mailId, 'accepted', 'receipt']]);
      const messages = await h.rt.ctx.store.messages.listByCase(theCase.id);
      assert.equal(messages.find((m) => m.inboundMailId === mailId)?.bodyText, 'Ich bin die neue Kollegin von Kim.\n\nLena');
      // The stranger's envelope sender is her From (no sender check ran), so she was told of the
      // refusal, without her subject (RELIABILITY E1); the receipt follows once accepted.
      const sent = await outbound(mailId);
      assert.deepEqual(sent.map((o) => o.kind), ['notice', 'receipt']);
      assert.ok(sent.every((o) => o.recipients.includes('lena@kunde.example')));
      assert.deepEqual((await audit(mailId)).filter((a) => a.startsWith('inbound.accept')), ['inbound.accept.add_contact']);
      assert.match((await h.rt.ctx.store.inbound.findById(mailId))!.detail ?? '', /let in by an agent/, 'the mail log says who let it in');
      const events = await h.rt.ctx.store.cases.events(theCase.id);
      assert.ok(events.some((e) => e.kind === 'mail_accepted' && e.detail === 'add_contact'), JSON.stringify(events));
      // Once accepted, the action is gone and a second click is refused.
      assert.deepEqual((await agent.request('GET', `/api/mails/${mailId}/content`)).json().actions, []);
      assert.equal((await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'add_contact' })).statusCode, 409);
    });

    test('an unknown sender who has an account elsewhere is not moved: 409 sender_has_account, the mail stays rejected', async () => {
      const bobBefore = await h.rt.ctx.store.users.findByEmail('bob@other.example');
      const mailId = await deliver(reply('bob@other.example', answer, 'Ich mische mich ein.'), 'bob@other.example');
      const r = await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'add_contact' });
      assert.equal(r.statusCode, 409);
      assert.equal(r.json().error.code, 'sender_has_account');
      assert.equal((await h.rt.ctx.store.inbound.findById(mailId))?.status, 'rejected');
      assert.equal((await h.rt.ctx.store.users.findByEmail('bob@other.example'))?.organisationId, bobBefore?.organisationId);
      assert.notEqual(bobBefore?.organisationId, theCase.organisationId);
      assert.deepEqual(await audit(mailId), []);
    });

    test('closed case: the agent reopens the case with one click, the mail is accepted and Kim gets a receipt', async () => {
      await closeCase(h.ctx, theCase.number);
      const mailId = await deliver(reply('kim@kunde.example', answer, 'Er raucht wieder!'), 'kim@kunde.example');
      const v = (await agent.request('GET', `/api/mails/${mailId}/content`)).json();
      assert.deepEqual([v.mail.reason, v.actions, v.content.replyText], ['case_closed', ['reopen_case'], 'Er raucht wieder!']);
      assert.equal((await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'reopen_case' })).statusCode, 202);
      assert.equal((await h.rt.ctx.store.cases.findById(theCase.id))?.status, 'open');
      const tick = await runInboundJobsOnce(h.rt.ctx, deps, { workerId: 'test' });
      assert.deepEqual(tick.processed.map((o) => [o.status, o.replyQueued]), [['accepted', 'receipt']]);
      assert.deepEqual((await outbound(mailId)).map((o) => o.kind), ['notice', 'receipt']);
      assert.deepEqual((await audit(mailId)).filter((a) => a.startsWith('inbound.accept')), ['inbound.accept.reopen_case']);
      const events = await h.rt.ctx.store.cases.events(theCase.id);
      assert.ok(events.some((e) => e.kind === 'reopened' && e.actorId !== null && e.detail === 'to accept a mail'));
    });

    test('refused attachment: listed with its type and verdict, downloadable only as a file, and the mail is accepted without it', async () => {
      const mailId = await deliver(reply('kim@kunde.example', answer, 'Foto und Bericht anbei.', [{ name: 'foto.png', type: 'image/png', content: PNG }, { name: 'bericht.pdf', type: 'application/pdf', content: PDF }]), 'kim@kunde.example');
      const v = (await agent.request('GET', `/api/mails/${mailId}/content`)).json();
      assert.deepEqual([v.mail.reason, v.actions], ['attachment_type', ['without_attachments']]);
      assert.deepEqual(v.content.attachments.map((a: { part: number; name: string; detectedType: string; verdict: string }) => [a.part, a.name, a.detectedType, a.verdict]), [
        [0, 'foto.png', 'image/png', 'allowed'],
        [1, 'bericht.pdf', 'application/pdf', 'refused'],
      ]);
      const file = await agent.request('GET', `/api/mails/${mailId}/parts/1`);
      assert.equal(file.statusCode, 200);
      assert.equal(file.headers['content-type'], 'application/octet-stream');
      assert.match(String(file.headers['content-disposition']), /^attachment; filename="bericht.pdf"/);
      assert.equal(file.headers['content-security-policy'], 'sandbox');
      assert.ok(file.rawPayload.equals(PDF));
      assert.equal((await agent.request('GET', `/api/mails/${mailId}/parts/2`)).statusCode, 404);
      assert.equal((await customer.request('GET', `/api/mails/${mailId}/parts/1`)).statusCode, 403);

      assert.equal((await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'without_attachments' })).statusCode, 202);
      const tick = await runInboundJobsOnce(h.rt.ctx, deps, { workerId: 'test' });
      assert.deepEqual(tick.processed.map((o) => [o.status, o.replyQueued]), [['accepted', 'receipt']]);
      const message = (await h.rt.ctx.store.messages.listByCase(theCase.id)).find((m) => m.inboundMailId === mailId)!;
      const files = (await h.rt.ctx.store.attachments.listByCase(theCase.id)).filter((a) => a.messageId === message.id);
      assert.deepEqual(files.map((f) => [f.filename, f.detectedType]), [['foto.png', 'image/png']]);
      assert.match((await h.rt.ctx.store.inbound.findById(mailId))!.detail ?? '', /left out by an agent: bericht\.pdf/);
      assert.deepEqual((await audit(mailId)).filter((a) => a.startsWith('inbound.accept')), ['inbound.accept.without_attachments']);
    });

    test('an accepted mail or an unknown id offers no action: 409 and 404', async () => {
      const mailId = await deliver(reply('kim@kunde.example', answer, 'Danke!'), 'kim@kunde.example');
      assert.equal((await h.rt.ctx.store.inbound.findById(mailId))?.status, 'accepted');
      const r = await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'without_attachments' });
      assert.deepEqual([r.statusCode, r.json().error.code, r.json().error.details.action], [409, 'mail_not_acceptable', null]);
      assert.equal((await agent.request('GET', `/api/mails/${randomUUID()}/content`)).statusCode, 404);
      assert.equal((await agent.request('POST', `/api/mails/${mailId}/accept`, { action: 'open_sesame' })).statusCode, 400);
    });
  });
}

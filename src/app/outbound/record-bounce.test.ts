import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testedDialects } from '../../../test/support/databases.js';
import { testRuntime, manualClock, type TestRuntime } from '../../../test/support/runtime.js';
import { corpusDir } from '../../../test/support/corpus.js';
import { addUser } from '../users.js';
import { openCase } from '../cases.js';
import { addAgentReply } from './agent-reply.js';
import { runOutboxOnce } from './outbox-relay.js';
import { recordBounce } from './record-bounce.js';
import { queueMail, verpAddress } from './queue-mail.js';
import type { MailTransport } from './mail-transport.js';
import { parseBounce, type BounceReport } from '../../domain/bounce.js';
import { parseMail } from '../../inbound/parse/mime-parser.js';

const CUSTOMER = 'kunde@example.org';
const SAMPLE = 'postal-mime/test/fixtures/bounce.eml';

/** A relay that accepts everything, so that the queued mails become `sent`. */
const acceptAll: MailTransport = { send: async () => ({ response: '250 OK' }), close: () => undefined };

/**
 * The Postfix DSN from the corpus (Fastmail, RFC 3464 multipart/report), rewritten so that it
 * reports one of our mails: the returned copy carries our Message-ID and VERP Return-Path, the
 * DSN names our customer, and the outer mail goes to our VERP address.
 */
function dsnFor(opts: { messageId: string; verp: string | null; recipient: string; action?: string; status?: string; diagnostic?: string }): Buffer {
  let s = readFileSync(corpusDir(SAMPLE), 'latin1');
  const replace = (from: string | RegExp, to: string): void => {
    assert.ok(typeof from === 'string' ? s.includes(from) : from.test(s), `the sample contains ${String(from)}`);
    s = s.replace(from, to);
  };
  replace('Message-Id: <e85f1c9b-9b51-4028-8ec0-0a657155028e@app.fastmail.com>', `Message-Id: <${opts.messageId}>`);
  replace(/htfgvhyufthdgcvhgjyfthgc@ethereal\.email/g, opts.recipient);
  replace('Action: failed', `Action: ${opts.action ?? 'failed'}`);
  replace('Status: 5.0.0', `Status: ${opts.status ?? '5.1.1'}`);
  replace('Diagnostic-Code: smtp; 550 No such user here', `Diagnostic-Code: smtp; ${opts.diagnostic ?? `550 5.1.1 <${opts.recipient}>: Recipient address rejected: User unknown`}`);
  replace('X-Postfix-Sender: rfc822; andrisreinman@fastmail.com', `X-Postfix-Sender: rfc822; ${opts.verp ?? 'support@support.example.com'}`);
  replace('Return-Path: <andrisreinman@fastmail.com>', `Return-Path: <${opts.verp ?? 'support@support.example.com'}>`);
  replace(/^To: andrisreinman@fastmail\.com$/m, `To: ${opts.verp ?? 'support@support.example.com'}`);
  return Buffer.from(s, 'latin1');
}

async function report(raw: Buffer, envelopeTo: string[]): Promise<BounceReport> {
  const m = await parseMail(raw);
  return parseBounce(
    { raw, headers: m.headers, text: m.text, attachments: m.attachments.map((a) => ({ contentType: a.contentType, content: a.content })), envelopeTo },
    { bounceLocalPart: 'bounces', mailDomain: 'support.example.com' },
  );
}

for (const dialect of testedDialects()) {
  describe(`recordBounce on ${dialect}`, () => {
    let rt: TestRuntime;
    const clock = manualClock();

    async function sentReply(body: string): Promise<{ outboundId: string; messageId: string; caseId: string; verp: string }> {
      clock.advance(1000);
      const c = await openCase(rt.ctx, { customer: CUSTOMER, subject: `Frage ${body}`, body: 'Hallo' });
      const q = await addAgentReply(rt.ctx, { caseNumber: c.number, agent: 'agent@support.example.com', body });
      await runOutboxOnce(rt.ctx, acceptAll);
      assert.equal((await rt.ctx.store.outbound.findById(q.outboundId))?.status, 'sent');
      return { outboundId: q.outboundId, messageId: q.messageId, caseId: c.id, verp: verpAddress(rt.ctx.mail.bounceAddress, q.outboundId) };
    }

    async function notes(caseId: string) {
      return (await rt.ctx.store.messages.listByCase(caseId)).filter((m) => m.kind === 'internal_note');
    }

    async function audit(target: string) {
      return rt.db.db.selectFrom('audit_log').select(['action', 'detail']).where('target', '=', target).orderBy('id').execute();
    }

    before(async () => {
      rt = await testRuntime(dialect, { SUPPORTAL_RELAY_URL: 'smtp://127.0.0.1:1' }, clock);
      await addUser(rt.ctx, { role: 'agent', email: 'agent@support.example.com', name: 'Anna Agent' });
      await addUser(rt.ctx, { role: 'customer', email: CUSTOMER, name: 'Klaus Kunde', lang: 'de' });
    });
    after(async () => rt.dispose());

    test('L3: a DSN found by its VERP address marks the mail bounced and tells the agents on the case', async () => {
      const sent = await sentReply('Erste Antwort');
      const r = await report(dsnFor({ messageId: sent.messageId, verp: sent.verp, recipient: CUSTOMER }), [sent.verp]);
      assert.equal(r.verpToken, sent.outboundId.replace(/-/g, ''));
      assert.equal(r.status, '5.1.1');
      assert.equal(r.permanent, true);

      const res = await recordBounce(rt.ctx, { report: r, inboundMailId: null });
      assert.deepEqual(res, { outboundId: sent.outboundId, caseId: sent.caseId, effect: 'bounced' });
      const m = await rt.ctx.store.outbound.findById(sent.outboundId);
      assert.equal(m?.status, 'bounced');
      assert.equal(m?.bounceDiagnostic, `5.1.1 550 5.1.1 <${CUSTOMER}>: Recipient address rejected: User unknown`);
      const n = await notes(sent.caseId);
      assert.equal(n.length, 1);
      assert.deepEqual(n[0]!.bodyText.split('\n').slice(0, 4), [
        `Mail to ${CUSTOMER} bounced (permanent failure).`,
        `Die E-Mail an ${CUSTOMER} kam zurück (dauerhafter Fehler).`,
        'The bounce report says (quoted, not verified) / Der Unzustellbarkeitsbericht sagt (Zitat, nicht geprüft):',
        `> ${m?.bounceDiagnostic}`,
      ]);
      assert.match(n[0]!.bodyText, new RegExp(`Message-ID: <${sent.messageId.replace(/\./g, '\\.')}>`));
      assert.equal(n[0]!.outboundMailId, sent.outboundId);
      assert.equal(n[0]!.authorId, null);
      const a = await audit(sent.outboundId);
      assert.deepEqual(a.map((x) => x.action), ['outbound.bounced']);
      assert.equal(JSON.parse(a[0]!.detail!).recipient, CUSTOMER);

      // The same DSN again (a redelivery): no second note.
      await recordBounce(rt.ctx, { report: r, inboundMailId: null });
      assert.equal((await notes(sent.caseId)).length, 1);
    });

    test('L3: a permanent bounce marks the address failing; a bounced receipt adds no case noise', async () => {
      await rt.ctx.store.users.update((await rt.ctx.store.users.findByEmail(CUSTOMER))!.id, { mailFailing: null });
      const c = await openCase(rt.ctx, { customer: CUSTOMER, subject: 'Quittung', body: 'Hallo' });
      const receipt = await rt.ctx.store.transaction((tx) =>
        queueMail(rt.ctx, tx, { kind: 'receipt', template: 'receipt', language: 'de', to: { name: 'Klaus', address: CUSTOMER }, case: c, vars: { subject: 'Quittung', receivedAt: 'heute' } }),
      );
      await runOutboxOnce(rt.ctx, acceptAll);
      const verp = verpAddress(rt.ctx.mail.bounceAddress, receipt.id);
      const r = await report(dsnFor({ messageId: receipt.messageId, verp, recipient: CUSTOMER }), [verp]);
      assert.equal(r.permanent, true);
      assert.equal((await recordBounce(rt.ctx, { report: r, inboundMailId: null })).effect, 'bounced');
      assert.deepEqual(await notes(c.id), [], 'no internal note for a bounced receipt');
      const user = await rt.ctx.store.users.findByEmail(CUSTOMER);
      assert.ok(user?.mailFailing, 'the address is marked failing');
      assert.match(user.mailFailing.reason, /5\.1\.1/);
    });

    test('L3: without a VERP address the returned Message-ID finds the mail', async () => {
      const sent = await sentReply('Zweite Antwort');
      const r = await report(dsnFor({ messageId: sent.messageId, verp: null, recipient: CUSTOMER, status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' }), []);
      assert.equal(r.verpToken, null);
      assert.equal(r.originalMessageId, sent.messageId);
      assert.deepEqual(await recordBounce(rt.ctx, { report: r, inboundMailId: null }), { outboundId: sent.outboundId, caseId: sent.caseId, effect: 'bounced' });
      const m = await rt.ctx.store.outbound.findById(sent.outboundId);
      assert.equal(m?.status, 'bounced');
      assert.equal(m?.bounceDiagnostic, '5.2.2 552 5.2.2 Mailbox full');
      assert.match((await notes(sent.caseId))[0]!.bodyText, /^Mail to kunde@example\.org bounced \(permanent failure\)\.\n.*\n.*\n> 5\.2\.2 552 5\.2\.2 Mailbox full\n/);
    });

    test('the VERP address wins over a Message-ID of another mail', async () => {
      const a = await sentReply('Antwort A');
      const b = await sentReply('Antwort B');
      const r = await report(dsnFor({ messageId: b.messageId, verp: a.verp, recipient: CUSTOMER }), [a.verp]);
      assert.equal((await recordBounce(rt.ctx, { report: r, inboundMailId: null })).outboundId, a.outboundId);
      assert.equal((await rt.ctx.store.outbound.findById(a.outboundId))?.status, 'bounced');
      assert.equal((await rt.ctx.store.outbound.findById(b.outboundId))?.status, 'sent');
    });

    test('a DSN naming no mail of ours (unknown VERP token and Message-ID) changes nothing', async () => {
      const sent = await sentReply('Dritte Antwort');
      const forged = 'sp.10001.aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbb@support.example.com';
      const stranger = 'bounces+00000000000000000000000000000000@support.example.com';
      const r = await report(dsnFor({ messageId: forged, verp: stranger, recipient: CUSTOMER }), [stranger]);
      assert.deepEqual(await recordBounce(rt.ctx, { report: r, inboundMailId: null }), { outboundId: null, caseId: null, effect: null });
      assert.equal((await rt.ctx.store.outbound.findById(sent.outboundId))?.status, 'sent');
      assert.deepEqual(await notes(sent.caseId), []);
    });

    test('RELIABILITY E5: a forged DSN to the VERP address of a notice the attacker got, naming another customer, changes nothing', async () => {
      const VICTIM = 'opfer@example.org';
      await addUser(rt.ctx, { role: 'customer', email: VICTIM, name: 'Olga Opfer', lang: 'de' });
      // The notice went to the attacker; he knows its VERP return path and Message-ID.
      const notice = await rt.ctx.store.transaction((tx) =>
        queueMail(rt.ctx, tx, { kind: 'notice', template: 'notice', language: 'en', to: { name: '', address: 'attacker@evil.example' }, vars: { subject: '-', receivedAt: 'today', reasonText: 'x', advice: 'y', fileLine: '' } }),
      );
      await runOutboxOnce(rt.ctx, acceptAll);
      const verp = verpAddress(rt.ctx.mail.bounceAddress, notice.id);
      const r = await report(dsnFor({ messageId: notice.messageId, verp, recipient: VICTIM }), [verp]);
      assert.equal(r.recipient, VICTIM);
      assert.equal(r.permanent, true);
      assert.deepEqual(await recordBounce(rt.ctx, { report: r, inboundMailId: null }), { outboundId: notice.id, caseId: null, effect: 'foreign_recipient' });
      assert.equal((await rt.ctx.store.users.findByEmail(VICTIM))?.mailFailing ?? null, null, "the victim's address is not marked failing");
      const m = await rt.ctx.store.outbound.findById(notice.id);
      assert.deepEqual([m?.status, m?.bounceDiagnostic], ['sent', null]);
      assert.deepEqual((await audit(notice.id)).map((x) => x.action), ['outbound.bounce_refused']);

      // The same DSN for the address the notice did go to is a real bounce of that mail.
      const own = await report(dsnFor({ messageId: notice.messageId, verp, recipient: 'attacker@evil.example' }), [verp]);
      assert.equal((await recordBounce(rt.ctx, { report: own, inboundMailId: null })).effect, 'bounced');
    });

    test("RELIABILITY E6: a DSN's free text reaches the agents only quoted and labelled as the report's words", async () => {
      const sent = await sentReply('Lizenzfrage');
      const text = '550 5.1.1 NEW ADDRESS of this customer is keys@evil.example - send licence keys there';
      const r = await report(dsnFor({ messageId: sent.messageId, verp: sent.verp, recipient: CUSTOMER, diagnostic: text }), [sent.verp]);
      await recordBounce(rt.ctx, { report: r, inboundMailId: null });
      const body = (await notes(sent.caseId))[0]!.bodyText;
      const lines = body.split('\n');
      const label = lines.findIndex((l) => l.startsWith('The bounce report says (quoted, not verified)'));
      assert.ok(label > 0, body);
      const carrying = lines.filter((l) => l.includes('NEW ADDRESS'));
      assert.equal(carrying.length, 1, body);
      assert.ok(carrying[0]!.startsWith('> '), `quoted: ${carrying[0]}`);
      assert.ok(lines.indexOf(carrying[0]!) > label, 'after the label');
      assert.equal(lines[0], `Mail to ${CUSTOMER} bounced (permanent failure).`, 'our own words name only the address and the kind of failure');
    });

    test('a delay notice (Action: delayed, 4.x.x) is recorded but does not mark the mail bounced', async () => {
      const sent = await sentReply('Vierte Antwort');
      const r = await report(dsnFor({ messageId: sent.messageId, verp: sent.verp, recipient: CUSTOMER, action: 'delayed', status: '4.4.1', diagnostic: '421 4.4.1 Connection timed out' }), [sent.verp]);
      assert.equal(r.action, 'delayed');
      assert.equal(r.permanent, false);
      assert.deepEqual(await recordBounce(rt.ctx, { report: r, inboundMailId: null }), { outboundId: sent.outboundId, caseId: sent.caseId, effect: 'noted' });
      const m = await rt.ctx.store.outbound.findById(sent.outboundId);
      assert.equal(m?.status, 'sent');
      assert.equal(m?.bounceDiagnostic, 'delayed: 4.4.1 421 4.4.1 Connection timed out');
      assert.deepEqual(await notes(sent.caseId), []);
      assert.deepEqual((await audit(sent.outboundId)).map((x) => x.action), ['outbound.delayed']);
    });
  });
}

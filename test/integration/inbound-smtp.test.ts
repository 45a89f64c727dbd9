import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { testedDialects, freshDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { startServer, type Server } from '../../src/server.js';
import { addUser } from '../../src/app/users.js';
import { openCase, closeCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { plainMail, pythonReply, smtplibSend } from '../support/mail-builders.js';
import type { InboundMail } from '../../src/domain/entities.js';
import { createWebStore } from '../../src/db/stores/web.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

async function waitForOutcome(server: Server, mailId: string, timeoutMs = 20_000): Promise<InboundMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await server.runtime.ctx.store.inbound.findById(mailId);
    if (m && m.status !== 'received') return m;
    if (Date.now() > deadline) throw new Error(`mail ${mailId} not processed in time (status ${m?.status})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function storedId(detail: string): string {
  const m = /stored as ([0-9a-f-]{36})/.exec(detail);
  assert.ok(m, `no mail id in "${detail}"`);
  return m[1]!;
}

for (const dialect of testedDialects()) {
  describe(`inbound over SMTP on ${dialect}`, () => {
    let server: Server;
    let cleanup: () => void;
    let smtpPort: number;
    let caseNumber: number;
    let agentMail: Buffer;
    const support = 'support@support.example.com';

    before(async () => {
      const db = await freshDatabaseUrl(dialect);
      cleanup = db.cleanup;
      smtpPort = await freePort();
      server = await startServer({
        env: {
          SUPPORTAL_DATA_DIR: db.dataDir,
          SUPPORTAL_DATABASE_URL: db.url,
          SUPPORTAL_HTTP_PORT: String(await freePort()),
          SUPPORTAL_SMTP_PORT: String(smtpPort),
          SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
          SUPPORTAL_PUBLIC_URL: 'https://portal.example.com',
          SUPPORTAL_SECRET: 'inbound-test-secret-0123456789-abcdef',
          SUPPORTAL_SENDER_AUTH: 'off',
          SUPPORTAL_MAX_MESSAGE_BYTES: '200000',
          SUPPORTAL_LOG_LEVEL: 'silent',
        },
      });
      const ctx = server.runtime.ctx;
      await addUser(ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'de' });
      // The organisation's admin: he may add to his colleagues' cases (RELIABILITY E7).
      await addUser(ctx, { role: 'customer', email: 'carl@kunde.example', name: 'Carl Kollege', org: 'Kunde GmbH', lang: 'en', orgAdmin: true });
      await addUser(ctx, { role: 'customer', email: 'eve@other.example', name: 'Eve Other', org: 'Other Ltd', lang: 'en' });
      await addUser(ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Alex Agent' });
      const c = await openCase(ctx, { customer: 'anna@kunde.example', subject: 'Export bricht ab', body: 'Der Export bricht ab.' });
      caseNumber = c.number;
      const r = await addAgentReply(ctx, { caseNumber, agent: 'agent@vendor.example', body: 'Bitte senden Sie uns das Log.' });
      agentMail = (await ctx.store.outbound.raw(r.outboundId))!;
    });
    after(async () => {
      await server.stop();
      cleanup();
    });

    test('a reply composed by a real client library threads back to its case; receipt queued in German', async () => {
      const reply = pythonReply(agentMail, { from: 'Anna Kunde <anna@kunde.example>', body: 'Hier ist das Log.', attachments: [{ filename: 'screen.png', content: PNG, maintype: 'image', subtype: 'png' }] });
      const sent = await smtplibSend(smtpPort, 'anna@kunde.example', [support], reply);
      assert.equal(sent.code, 250, sent.detail);
      const mail = await waitForOutcome(server, (await server.runtime.ctx.store.inbound.list({ from: 'anna@kunde.example' }))[0]!.id);
      assert.equal(mail.status, 'accepted', JSON.stringify(mail.decisions));
      assert.equal(mail.reason, null);
      assert.equal(mail.caseNumber, caseNumber);
      assert.equal(mail.scan, 'not_scanned');
      const msgs = await server.runtime.ctx.store.messages.listByCase(mail.caseId!);
      const last = msgs[msgs.length - 1]!;
      assert.equal(last.source, 'email');
      assert.equal(last.bodyText, 'Hier ist das Log.', 'the quoted history is split off');
      assert.match(last.quotedText ?? '', /Bitte senden Sie uns das Log/);
      const atts = await server.runtime.ctx.store.attachments.listByCase(mail.caseId!);
      assert.equal(atts.find((a) => a.messageId === last.id)?.detectedType, 'image/png');
      const outbox = await server.runtime.ctx.store.outbound.list({ caseId: mail.caseId! });
      const receipt = outbox.find((o) => o.kind === 'receipt');
      assert.ok(receipt, 'receipt queued');
      assert.deepEqual(receipt.recipients, ['anna@kunde.example']);
      assert.equal(receipt.status, 'held', 'no relay: kept in the local outbox');
      const parsed = await simpleParser((await server.runtime.ctx.store.outbound.raw(receipt.id))!);
      assert.match(parsed.subject ?? '', new RegExp(`^\\[Case #${caseNumber}\\] Eingangsbestätigung`));
      assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
      assert.equal(parsed.from?.value[0]?.address, 'no-reply@support.example.com');
      assert.equal(parsed.replyTo, undefined, 'automatic mails have no Reply-To');
      const waiting = await server.runtime.ctx.store.cases.findByNumber(caseNumber);
      assert.equal(waiting?.status, 'open', 'waiting for customer → open again');
    });

    test('an agent who opted in is mailed about an e-mailed reply; open pages get a live event', async () => {
      const web = createWebStore(server.runtime.db);
      const agent = (await server.runtime.ctx.store.users.findByEmail('agent@vendor.example'))!;
      await web.settings.update(agent.id, { notifyByEmail: true }, new Date().toISOString());
      const seen: string[] = [];
      const unsubscribe = (server.http as unknown as { events: { subscribe(l: (e: { kind: string; mailId?: string }) => void): () => void } }).events.subscribe((e) => {
        if (e.kind === 'mail' && e.mailId) seen.push(e.mailId);
      });
      try {
        const raw = plainMail({ from: 'anna@kunde.example', to: support, subject: `Re: [Case #${caseNumber}] Export`, body: 'Bitte an den Agenten.' });
        const id = storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], raw)).detail);
        assert.equal((await waitForOutcome(server, id)).status, 'accepted');
        const deadline = Date.now() + 10_000;
        let notice;
        while (!(notice = (await server.runtime.ctx.store.outbound.list({})).find((o) => o.kind === 'agent_notification' && o.recipients.includes('agent@vendor.example'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
        assert.ok(notice, 'agent notification queued');
        assert.match(notice.subject, new RegExp(`Case #${caseNumber}`));
        assert.ok(seen.includes(id), 'a live event for the mail was published');
      } finally {
        unsubscribe();
        await web.settings.update(agent.id, { notifyByEmail: false }, new Date().toISOString());
      }
    });

    test("the organisation's admin may reply to a colleague's case; the subject changed but headers are intact", async () => {
      const reply = pythonReply(agentMail, { from: 'carl@kunde.example', subject: 'Neuer Betreff ohne Token', body: 'Ich ergänze etwas.' });
      const sent = await smtplibSend(smtpPort, 'carl@kunde.example', [support], reply);
      const mail = await waitForOutcome(server, storedId(sent.detail));
      assert.equal(mail.status, 'accepted');
      assert.equal(mail.caseNumber, caseNumber);
      assert.deepEqual(mail.decisions.find((d) => d.step === '050-match-case')?.verdict, 'continue');
    });

    test('S1: a stranger with the right subject token is rejected as unknown_sender, nothing added', async () => {
      const before = (await server.runtime.ctx.store.messages.listByCase((await server.runtime.ctx.store.cases.findByNumber(caseNumber))!.id)).length;
      const raw = plainMail({ from: 'eve@other.example', to: support, subject: `Re: [Case #${caseNumber}] let me in`, body: 'Let me in.' });
      const mail = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'eve@other.example', [support], raw)).detail));
      assert.equal(mail.status, 'rejected');
      assert.equal(mail.reason, 'unknown_sender');
      assert.equal((await server.runtime.ctx.store.messages.listByCase((await server.runtime.ctx.store.cases.findByNumber(caseNumber))!.id)).length, before);
      const notice = (await server.runtime.ctx.store.outbound.list({})).find((o) => o.inboundMailId === mail.id);
      assert.ok(notice, 'a known contact gets a notice');
      const n = await simpleParser((await server.runtime.ctx.store.outbound.raw(notice.id))!);
      const shown = `${n.subject} ${n.text} ${n.html}`;
      assert.ok(!shown.includes('Export bricht ab') && !shown.includes(`/cases/${caseNumber}`) && !n.headers.get('x-supportal-case'), 'the notice says nothing about the case');
      assert.match(n.text ?? '', /not registered/);
    });

    test('S2: a forged In-Reply-To does not match; S3: Reply-To never decides identity', async () => {
      const raw = plainMail({
        from: 'eve@other.example',
        to: support,
        subject: 'hello',
        body: 'x',
        headers: { 'In-Reply-To': `<sp.${caseNumber}.aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbb@support.example.com>`, 'Reply-To': 'anna@kunde.example' },
      });
      const mail = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'eve@other.example', [support], raw)).detail));
      assert.equal(mail.reason, 'no_case_reference');
      assert.equal(mail.fromAddress, 'eve@other.example');
    });

    test('no case reference from a known customer → rejected with a German notice naming the portal', async () => {
      const raw = plainMail({ from: 'anna@kunde.example', to: support, subject: 'Neues Problem', body: 'Bitte neuen Fall anlegen.' });
      const mail = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], raw)).detail));
      assert.equal(mail.status, 'rejected');
      assert.equal(mail.reason, 'no_case_reference');
      const notice = (await server.runtime.ctx.store.outbound.list({})).find((o) => o.inboundMailId === mail.id)!;
      assert.equal(notice.kind, 'notice');
      const p = await simpleParser((await server.runtime.ctx.store.outbound.raw(notice.id))!);
      assert.match(p.subject ?? '', /^Nicht verarbeitet: Neues Problem/);
      assert.match(p.text ?? '', /Fälle können nicht per E-Mail eröffnet werden/);
      assert.match(p.text ?? '', /https:\/\/portal\.example\.com/);
      assert.equal(p.headers.get('auto-submitted'), 'auto-replied');
    });

    test('a forbidden attachment is rejected naming the file; an unverified stranger gets no notice unless the envelope sender is the From, and then without his subject (L7, RELIABILITY E1, E2)', async () => {
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      const reply = pythonReply(agentMail, { from: 'anna@kunde.example', body: 'Mit PDF.', attachments: [{ filename: 'bericht.pdf', content: pdf, maintype: 'application', subtype: 'pdf' }] });
      const mail = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], reply)).detail));
      assert.equal(mail.reason, 'attachment_type');
      const notice = (await server.runtime.ctx.store.outbound.list({})).find((o) => o.inboundMailId === mail.id)!;
      const p = await simpleParser((await server.runtime.ctx.store.outbound.raw(notice.id))!);
      assert.match(p.text ?? '', /bericht\.pdf/);
      const stranger = plainMail({ from: 'nobody@nowhere.example', to: support, subject: 'spam', body: 'x' });
      const m2 = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'bulk@mailer.example', [support], stranger)).detail));
      assert.equal(m2.reason, 'no_case_reference');
      assert.equal((await server.runtime.ctx.store.outbound.list({})).filter((o) => o.inboundMailId === m2.id).length, 0);
      assert.match(m2.detail ?? '', /no backscatter/);
      // The sender check is off here: envelope = From is the one case a notice goes out, to that address only.
      const self = plainMail({ from: 'nobody@nowhere.example', to: support, subject: 'spam spam', body: 'x' });
      const m3 = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'nobody@nowhere.example', [support], self)).detail));
      const notices = (await server.runtime.ctx.store.outbound.list({})).filter((o) => o.inboundMailId === m3.id);
      assert.deepEqual(notices.map((o) => o.recipients), [['nobody@nowhere.example']]);
      assert.doesNotMatch(notices[0]!.subject, /spam/);
    });

    test('L1: an out-of-office reply is ignored without receipt', async () => {
      const raw = plainMail({ from: 'anna@kunde.example', to: support, subject: `Abwesenheitsnotiz: [Case #${caseNumber}] Export`, body: 'Ich bin nicht da.', headers: { 'Auto-Submitted': 'auto-replied' } });
      const mail = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], raw)).detail));
      assert.equal(mail.status, 'ignored');
      assert.equal(mail.reason, 'auto_reply');
      assert.equal((await server.runtime.ctx.store.outbound.list({})).filter((o) => o.inboundMailId === mail.id).length, 0);
    });

    test('promise 4: the same bytes twice → one entry, the second is a duplicate', async () => {
      const raw = plainMail({ from: 'anna@kunde.example', to: support, subject: `Re: [Case #${caseNumber}] x`, body: 'Doppelt.' });
      const first = storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], raw)).detail);
      const second = storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], raw)).detail);
      assert.equal((await waitForOutcome(server, first)).status, 'accepted');
      const dup = await server.runtime.ctx.store.inbound.findById(second);
      assert.equal(dup?.status, 'duplicate');
      assert.equal(dup?.duplicateOf, first);
      const receipts = (await server.runtime.ctx.store.outbound.list({})).filter((o) => o.inboundMailId === first || o.inboundMailId === second);
      assert.equal(receipts.length, 1, 'one receipt');
    });

    test('a closed case rejects with case_closed and links the case', async () => {
      const c = await openCase(server.runtime.ctx, { customer: 'anna@kunde.example', subject: 'Alt', body: 'x' });
      await closeCase(server.runtime.ctx, c.number);
      const raw = plainMail({ from: 'anna@kunde.example', to: support, subject: `AW: [Case #${c.number}] Alt`, body: 'Noch eine Frage.' });
      const mail = await waitForOutcome(server, storedId((await smtplibSend(smtpPort, 'anna@kunde.example', [support], raw)).detail));
      assert.equal(mail.reason, 'case_closed');
      const notice = (await server.runtime.ctx.store.outbound.list({})).find((o) => o.inboundMailId === mail.id)!;
      const p = await simpleParser((await server.runtime.ctx.store.outbound.raw(notice.id))!);
      assert.match(p.text ?? '', new RegExp(`https://portal\\.example\\.com/cases/${c.number}`));
      assert.match(p.subject ?? '', new RegExp(`^\\[Case #${c.number}\\] Nicht verarbeitet: Alt$`));
    });

    test('T6: SIZE over the limit → 552 at MAIL FROM; an undeclared oversize stream → 552, nothing kept', async () => {
      const before = (await server.runtime.ctx.store.inbound.list({})).length;
      const big = plainMail({ from: 'anna@kunde.example', to: support, subject: 'big', body: 'x'.repeat(300_000) });
      const r = await smtplibSend(smtpPort, 'anna@kunde.example', [support], big);
      assert.equal(r.code, 552, r.detail);
      // nodemailer declares no SIZE for raw bytes: the listener finds out while reading DATA.
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
      await assert.rejects(transport.sendMail({ envelope: { from: 'anna@kunde.example', to: [support] }, raw: big }), (err: { responseCode?: number }) => err.responseCode === 552);
      transport.close();
      assert.equal((await server.runtime.ctx.store.inbound.list({})).length, before);
    });

    test('T7: an unknown local part is refused at RCPT with 550', async () => {
      const r = await smtplibSend(smtpPort, 'anna@kunde.example', ['sales@support.example.com'], plainMail({ from: 'anna@kunde.example', to: 'sales@support.example.com', subject: 'x', body: 'x' }));
      assert.equal(r.code, 550);
    });
  });
}

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { testedDialects, freshDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { startServer, type Server } from '../../src/server.js';
import { addUser } from '../../src/app/users.js';
import { openCase, closeCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { createWebStore } from '../../src/db/stores/web.js';
import { createApiToken } from '../../src/app/auth/api-tokens.js';
import { replyAsCustomer, listOutbox, openOutboxMail, outboxHtml, outboxRaw, type BadVariant } from '../../src/app/outbox-viewer/outbox-viewer.js';
import type { OutboxTools } from '../../src/app/outbox-viewer/ports.js';
import type { ClientStyle } from '../../src/app/outbox-viewer/client-styles.js';
import { outboxMailReader } from '../../src/inbound/parse/outbox-mail-reader.js';
import { customerReplyComposer, loopbackSmtp } from '../../src/outbound/customer-reply-composer.js';
import { zipMaker } from '../../src/archive/zip-maker.js';
import type { InboundMail, User } from '../../src/domain/entities.js';
import { httpHarness } from './http-harness.js';
import { rgbPng } from '../support/png.js';

const PNG = rgbPng(16, 8, () => Buffer.alloc(16 * 3, 0x80));

async function waitForOutcome(server: Server, mailId: string, timeoutMs = 20_000): Promise<InboundMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await server.runtime.ctx.store.inbound.findById(mailId);
    if (m && m.status !== 'received') return m;
    if (Date.now() > deadline) throw new Error(`mail ${mailId} not processed in time (status ${m?.status})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const dialect of testedDialects()) {
  describe(`reply as the customer, through our own SMTP listener, on ${dialect}`, () => {
    let server: Server;
    let cleanup: () => void;
    let tools: OutboxTools;
    let agent: User;
    let caseNumber: number;
    let closedNumber: number;

    /** A fresh held agent reply on the open case (each reply moves the case on). */
    async function heldReply(body = 'Bitte senden Sie uns das Export-Log.'): Promise<string> {
      return (await addAgentReply(server.runtime.ctx, { caseNumber, agent: agent.email, body })).outboundId;
    }

    before(async () => {
      const db = await freshDatabaseUrl(dialect);
      cleanup = db.cleanup;
      const smtpPort = await freePort();
      server = await startServer({
        env: {
          SUPPORTAL_DATA_DIR: db.dataDir, SUPPORTAL_DATABASE_URL: db.url,
          SUPPORTAL_HTTP_PORT: String(await freePort()), SUPPORTAL_SMTP_PORT: String(smtpPort),
          SUPPORTAL_MAIL_DOMAIN: 'support.example.com', SUPPORTAL_SECRET: 'reply-as-customer-secret-0123456789',
          SUPPORTAL_SENDER_AUTH: 'off', SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '1000',
        },
      });
      // The adapters serve wires, aimed at this server's listener.
      tools = { reader: outboxMailReader, composer: customerReplyComposer, smtp: loopbackSmtp('127.0.0.1', smtpPort), zip: zipMaker };
      const ctx = server.runtime.ctx;
      await addUser(ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'de' });
      agent = await addUser(ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Alex Agent' });
      caseNumber = (await openCase(ctx, { customer: 'anna@kunde.example', subject: 'Export bricht ab', body: 'Der Export bricht bei Seite 200 ab.' })).number;
      closedNumber = (await openCase(ctx, { customer: 'anna@kunde.example', subject: 'Lizenzfrage', body: 'Wie verlängern wir?' })).number;
      await closeCase(ctx, closedNumber);
    });
    after(async () => {
      await server?.stop();
      cleanup?.();
    });

    for (const style of ['plain', 'outlook', 'gmail'] as const satisfies readonly ClientStyle[]) {
      test(`${style}: the stored raw mail is byte for byte what was built; it threads to its case and the quote is split off`, async () => {
        const ctx = server.runtime.ctx;
        const held = await heldReply(`Bitte senden Sie uns das Log (${style}).`);
        const agentMail = await simpleParser((await ctx.store.outbound.raw(held))!);
        const answer = `Hier ist das Log, ${style}.\nViele Grüße, Anna`;
        const files = style === 'gmail' ? [{ filename: 'bildschirm.png', contentType: 'image/png', content: PNG }] : [];
        const r = await replyAsCustomer(ctx, tools, agent, held, { style, text: answer, files });
        const stored = await ctx.store.inbound.raw(r.inboundMailId);
        assert.ok(stored && stored.equals(r.raw), `stored ${stored?.length} bytes differ from the ${r.raw.length} built`);
        const mail = await waitForOutcome(server, r.inboundMailId);
        assert.equal(mail.status, 'accepted', JSON.stringify(mail.decisions));
        assert.equal(mail.caseNumber, caseNumber);
        assert.equal(mail.envelopeFrom, 'anna@kunde.example');
        assert.equal(mail.channel, 'smtp');
        const sent = await simpleParser(r.raw);
        assert.equal(sent.inReplyTo, agentMail.messageId, 'In-Reply-To names the agent reply');
        assert.ok(String(sent.references ?? '').includes(agentMail.messageId!), 'References end with the agent reply');
        assert.equal(sent.to && !Array.isArray(sent.to) ? sent.to.value[0]?.address : null, agentMail.replyTo?.value[0]?.address, 'sent to the Reply-To of the agent reply');
        assert.match(sent.subject ?? '', style === 'outlook' ? /^AW: / : /^Re: /);
        if (style === 'plain') {
          assert.equal(sent.html, false);
          assert.match(sent.text ?? '', /^> Bitte senden Sie uns das Log \(plain\)\./m);
          assert.equal(sent.headers.get('user-agent'), 'Mozilla Thunderbird');
        } else if (style === 'outlook') {
          assert.match(String(sent.html), /<b>Von:<\/b> .*<br>\s*<b>Gesendet:<\/b>/);
          assert.ok(sent.headers.get('thread-index'), 'Thread-Index');
          assert.equal(sent.headers.get('x-mailer'), 'Microsoft Outlook 16.0');
        } else {
          assert.match(String(sent.html), /<blockquote class="gmail_quote"/);
          assert.match(sent.messageId ?? '', /@mail\.gmail\.com>$/);
        }
        const msgs = await ctx.store.messages.listByCase(mail.caseId!);
        const last = msgs[msgs.length - 1]!;
        assert.equal(last.inboundMailId, r.inboundMailId);
        assert.equal(last.bodyText.replace(/\s+/g, ' ').trim(), answer.replace(/\s+/g, ' '), 'only the answer, the history folded away');
        if (files.length) {
          const atts = await ctx.store.attachments.listByCase(mail.caseId!);
          assert.equal(atts.find((a) => a.messageId === last.id)?.filename, 'bildschirm.png');
        }
      });
    }

    const expected: Record<BadVariant, string> = { pdf: 'attachment_type', two_zips: 'too_many_archives', closed_case: 'case_closed', changed_subject: 'no_case_reference' };
    for (const variant of Object.keys(expected) as BadVariant[]) {
      test(`bad variant ${variant}: refused with ${expected[variant]}, and the customer gets a notice`, async () => {
        const ctx = server.runtime.ctx;
        const held = await heldReply();
        const r = await replyAsCustomer(ctx, tools, agent, held, { style: 'outlook', text: 'Anbei die Datei.', variant });
        assert.ok((await ctx.store.inbound.raw(r.inboundMailId))!.equals(r.raw));
        const mail = await waitForOutcome(server, r.inboundMailId);
        assert.equal(mail.status, 'rejected', JSON.stringify(mail.decisions));
        assert.equal(mail.reason, expected[variant]);
        if (variant === 'closed_case') assert.match(r.subject, new RegExp(`\\[Case #${closedNumber}\\]`));
        if (variant === 'changed_subject') assert.doesNotMatch(r.raw.toString('latin1'), /^(In-Reply-To|References):/im);
        const deadline = Date.now() + 10_000;
        let notice;
        while (!(notice = (await listOutbox(ctx, agent, { kind: 'notice' })).mails.find((m) => m.recipients.includes('anna@kunde.example') && m.createdAt >= mail.receivedAt)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 25));
        assert.ok(notice, 'a notice in the outbox');
      });
    }

    test('the outbox viewer opens a receipt as a client shows it: headers, text, HTML, and the raw bytes as stored', async () => {
      const ctx = server.runtime.ctx;
      const { mails, relayConfigured } = await listOutbox(ctx, agent, { kind: 'receipt' });
      assert.equal(relayConfigured, false);
      const receipt = mails[0]!;
      assert.equal(receipt.status, 'held');
      assert.equal(receipt.caseNumber, caseNumber);
      const view = await openOutboxMail(ctx, tools, agent, receipt.id);
      assert.equal(view.headers.find((h) => h.name.toLowerCase() === 'subject')?.value, receipt.subject);
      assert.equal(view.headers.find((h) => h.name.toLowerCase() === 'auto-submitted')?.value, 'auto-replied');
      assert.match(view.text ?? '', new RegExp(`Fall #${caseNumber} eingegangen`));
      assert.equal(view.replyAsCustomer, false, 'only a held agent reply is answered as the customer');
      assert.ok(view.hasHtml);
      assert.match(await outboxHtml(ctx, tools, agent, receipt.id), /<html|<p|<div/i);
      const raw = await outboxRaw(ctx, agent, receipt.id);
      assert.ok(raw.raw.equals((await ctx.store.outbound.raw(receipt.id))!));
      assert.match(raw.filename, /^receipt-.*\.eml$/);
      const heldView = await openOutboxMail(ctx, tools, agent, await heldReply());
      assert.equal(heldView.replyAsCustomer, true);
      assert.deepEqual(heldView.customer, { name: 'Anna Kunde', email: 'anna@kunde.example' });
    });

    test('over HTTP with an agent token: 201 with the stored mail id, and the SHA-256 of the stored bytes', async () => {
      const web = createWebStore(server.runtime.db);
      const { token } = await createApiToken({ ...server.runtime.ctx, web }, { via: 'session', user: agent, sessionIdHash: 'seed', csrfToken: 'seed' }, { name: 'demo', scope: 'write' });
      const held = await heldReply();
      const res = await server.http!.inject({ method: 'POST', url: `/api/outbox/${held}/reply-as-customer`, headers: { authorization: `Bearer ${token}` }, payload: { text: 'Danke, das hilft.', style: 'gmail' } });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as { inboundMailId: string; sha256: string };
      const stored = (await server.runtime.ctx.store.inbound.raw(body.inboundMailId))!;
      assert.equal(createHash('sha256').update(stored).digest('hex'), body.sha256);
      assert.equal((await waitForOutcome(server, body.inboundMailId)).status, 'accepted');
      const list = await server.http!.inject({ method: 'GET', url: '/api/outbox?kind=agent_reply', headers: { authorization: `Bearer ${token}` } });
      assert.equal(list.statusCode, 200);
      assert.ok((list.json() as { mails: Array<{ id: string }> }).mails.some((m) => m.id === held));
      const eml = await server.http!.inject({ method: 'GET', url: `/api/outbox/${held}/raw`, headers: { authorization: `Bearer ${token}` } });
      assert.equal(eml.headers['content-type'], 'message/rfc822');
      assert.ok(eml.rawPayload.equals((await server.runtime.ctx.store.outbound.raw(held))!));
      const wrong = await server.http!.inject({ method: 'POST', url: `/api/outbox/${held}/reply-as-customer`, headers: { authorization: `Bearer ${token}` }, payload: { text: 'x', style: 'thunderbird' } });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json().error.code, 'invalid_input');
    });
  });
}

describe('reply as the customer is a demo feature', () => {
  test('with a relay configured it is refused with demo_only, and the mail view does not offer it', async () => {
    const [dialect] = testedDialects();
    if (!dialect) return;
    const h = await httpHarness(dialect, undefined, { env: { SUPPORTAL_RELAY_URL: 'smtp://127.0.0.1:1' } });
    try {
      const ctx = h.ctx;
      await addUser(ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', lang: 'de' });
      const agent = await addUser(ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Alex Agent' });
      const n = (await openCase(ctx, { customer: 'anna@kunde.example', subject: 'Export', body: 'Bricht ab.' })).number;
      const { outboundId } = await addAgentReply(ctx, { caseNumber: n, agent: agent.email, body: 'Log bitte.' });
      const tools: OutboxTools = { reader: outboxMailReader, composer: customerReplyComposer, smtp: loopbackSmtp('127.0.0.1', 1), zip: zipMaker };
      await assert.rejects(replyAsCustomer(ctx, tools, agent, outboundId, { text: 'Hier.' }), (e: Error & { code?: string }) => e.code === 'demo_only');
      assert.equal((await openOutboxMail(ctx, tools, agent, outboundId)).replyAsCustomer, false);
      const customer = (await ctx.store.users.findByEmail('anna@kunde.example'))!;
      await assert.rejects(listOutbox(ctx, customer, {}), (e: Error & { code?: string }) => e.code === 'forbidden');
    } finally {
      await h.dispose();
    }
  });
});

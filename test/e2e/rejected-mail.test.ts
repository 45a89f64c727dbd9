// An agent reads a rejected mail in the desk and lets it in with one click (issue 13 §4), in
// Chromium against a running server whose own inbound worker processes the mails.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { freshContext, launchBrowser, screenshot, seriousViolations, startWebServer } from '../support/browser.js';
import { type Server } from '../../src/server.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import type { InboundStatus } from '../../src/domain/reason-codes.js';

const AGENT = { email: 'agnes@support.example', password: 'agent-password-1' };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

function reply(from: string, inReplyTo: string, text: string, pdf: boolean): Buffer {
  const head = `From: ${from}\r\nTo: support@support.example\r\nSubject: Re: Scanner\r\nIn-Reply-To: <${inReplyTo}>\r\nMessage-ID: <${randomUUID()}@client.example>\r\nMIME-Version: 1.0\r\n`;
  if (!pdf) return Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
  const b = `b-${randomUUID()}`;
  return Buffer.from(
    `${head}Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n` +
      `--${b}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${PDF.toString('base64')}\r\n--${b}--\r\n`,
  );
}

async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${name}: axe found serious/critical violations:\n${v.join('\n')}`);
}

describe('rejected mails in the desk (Chromium)', () => {
  let server: Server;
  let cleanup: () => void;
  let browser: Browser;
  let baseURL: string;
  let answer: string;
  let caseId: string;

  /** Hands a mail to the server as its listener would, and waits until its worker has decided. */
  async function deliver(raw: Buffer, envelopeFrom: string): Promise<string> {
    const { mailId } = await receiveMail(server.runtime.ctx, { raw, channel: 'smtp', envelopeFrom, envelopeTo: ['support@support.example'], remoteIp: '192.0.2.1' });
    await statusOf(mailId, ['rejected', 'accepted']);
    return mailId;
  }
  async function statusOf(mailId: string, wanted: InboundStatus[]): Promise<InboundStatus> {
    for (let i = 0; i < 600; i++) {
      const s = (await server.runtime.ctx.store.inbound.findById(mailId))?.status;
      if (s && wanted.includes(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`mail ${mailId} never became ${wanted.join(' or ')}`);
  }

  before(async () => {
    ({ server, baseURL, cleanup } = await startWebServer({ env: {
          SUPPORTAL_SMTP_PORT: '',
          SUPPORTAL_SUPPORT_ADDRESS: 'support@support.example',
          SUPPORTAL_SENDER_AUTH: 'off',
          SUPPORTAL_SECRET: 'e2e-test-secret-0123456789-abcdefghij',
      } }));
    const ctx = server.runtime.ctx;
    await addUser(ctx, { role: 'customer', email: 'kim@kunde.example', name: 'Kim Kunde', org: 'Kunde GmbH', lang: 'en' });
    await addUser(ctx, { role: 'agent', email: AGENT.email, name: 'Agnes Agent', password: AGENT.password, lang: 'en' });
    const c = await openCase(ctx, { customer: 'kim@kunde.example', subject: 'Scanner', body: 'The scanner jams.' });
    caseId = c.id;
    answer = (await addAgentReply(ctx, { caseNumber: c.number, agent: AGENT.email, body: 'Please send a scan.' })).messageId;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup?.();
  });

  test('the agent reads the text, the reason and the files, downloads the refused file, and accepts with one click; the sender gets a receipt', async () => {
    const refusedFile = await deliver(reply('kim@kunde.example', answer, 'Here is the scan you asked for.', true), 'kim@kunde.example');
    const stranger = await deliver(reply('Lena Neu <lena@kunde.example>', answer, 'I am Kim\'s new colleague.', false), 'lena@kunde.example');

    const ctx = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto('/login');
    await p.getByLabel(/^E-mail address/).fill(AGENT.email);
    await p.getByLabel(/^Password/).fill(AGENT.password);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/login'));

    // From the mail log to the mail.
    await p.goto('/desk/mails');
    await p.locator('tr', { hasText: 'lena@kunde.example' }).getByRole('link', { name: 'Read mail' }).click();
    await p.getByRole('heading', { name: 'Received mail', level: 1 }).waitFor();
    assert.equal(await p.getByTestId('mail-text').innerText(), 'I am Kim\'s new colleague.');
    await p.getByRole('heading', { name: 'Why it was not accepted' }).waitFor();
    assert.ok((await p.getByTestId('mail-reason').innerText()).length > 10);
    await checkPage(p, 'rejected-mail-01-unknown-sender');
    await p.getByRole('button', { name: 'Add lena@kunde.example as a contact of Kunde GmbH and accept' }).click();
    await p.getByText('Accepted: the mail is being processed again.').waitFor();
    assert.equal(await statusOf(stranger, ['accepted']), 'accepted');
    // The live event brings the outcome to the open page; the action is gone.
    await p.locator('dd [data-outcome="ok"]', { hasText: 'Processed' }).waitFor();
    assert.equal(await p.getByRole('button', { name: /and accept$/ }).count(), 0);

    await p.goto(`/desk/mails/${refusedFile}`);
    await p.getByRole('heading', { name: 'Attachments' }).waitFor();
    const file = p.getByRole('listitem').filter({ hasText: 'scan.pdf' });
    assert.match(await file.innerText(), /application\/pdf.*refused/s);
    // Download only: the browser saves the file, the page never opens it.
    const [download] = await Promise.all([p.waitForEvent('download'), file.getByRole('link', { name: 'scan.pdf' }).click()]);
    assert.equal(download.suggestedFilename(), 'scan.pdf');
    assert.equal(new URL(p.url()).pathname, `/desk/mails/${refusedFile}`);
    await checkPage(p, 'rejected-mail-02-refused-file');
    await p.getByRole('button', { name: 'Accept without the refused attachments' }).click();
    await p.getByText('Accepted: the mail is being processed again.').waitFor();
    assert.equal(await statusOf(refusedFile, ['accepted']), 'accepted');

    const db = server.runtime.db.db;
    const sent = await db.selectFrom('outbound_mails').select(['kind', 'recipients', 'inbound_mail_id']).where('inbound_mail_id', 'in', [stranger, refusedFile]).where('kind', '=', 'receipt').execute();
    assert.equal(sent.length, 2);
    assert.ok(sent.find((o) => o.inbound_mail_id === stranger)?.recipients.includes('lena@kunde.example'), 'the receipt goes to the new contact');
    assert.ok(sent.find((o) => o.inbound_mail_id === refusedFile)?.recipients.includes('kim@kunde.example'), 'the receipt goes to Kim');
    const events = await server.runtime.ctx.store.cases.events(caseId);
    assert.deepEqual(events.filter((e) => e.kind === 'mail_accepted').map((e) => e.detail), ['add_contact', 'without_attachments']);
    await ctx.close();
  });
});

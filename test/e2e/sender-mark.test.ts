import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { dialectLeftOut } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { freshContext, launchBrowser, seriousViolations, startWebServer } from '../support/browser.js';
import { plainMail, smtplibSend } from '../support/mail-builders.js';
import { type Server } from '../../src/server.js';
import { seedDemo, DEMO_LOGINS } from '../../src/app/demo.js';
import type { SenderAuthResult } from '../../src/app/ingest/ports.js';

const SUPPORT = 'support@support.example.com';
const AGENT = DEMO_LOGINS.find((l) => l.role === 'agent')!;
const ADMIN = DEMO_LOGINS.find((l) => l.role === 'admin')!;
const MARK = /^(Sender not verified|Absender nicht bestätigt)$/;

/**
 * The sender check as it turns out for a forged From sent straight to the SMTP port (no SPF, no
 * DKIM), or for the real sender (SPF aligned). Which one a mail gets is chosen by its subject, so
 * that the real SMTP listener, pipeline and UI run unchanged.
 */
const checks = {
  async check(raw: { chunks(): AsyncIterable<Buffer> }): Promise<SenderAuthResult> {
    let head = '';
    for await (const c of raw.chunks()) {
      head += c.toString('latin1');
      break;
    }
    const forged = /^Subject: .*FORGED/m.test(head);
    return { spf: forged ? 'none' : 'pass', dkim: 'none', dmarc: 'none', dmarcFailed: false, authenticated: !forged, spfAligned: !forged, dkimAligned: false };
  },
};

async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^(E-mail address|E-Mail-Adresse)/).fill(email);
  await page.getByLabel(/^(Password|Passwort)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Anmelden)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

describe('the desk shows "sender not verified" (RELIABILITY E4) in Chromium', { skip: dialectLeftOut('sqlite') }, () => {
  let server: Server;
  let cleanup: () => void;
  let browser: Browser;
  let baseURL: string;
  let smtpPort: number;
  let caseNumber: number;

  before(async () => {
    smtpPort = await freePort();
    ({ server, baseURL, cleanup } = await startWebServer({ env: {
          SUPPORTAL_SMTP_PORT: String(smtpPort),
          SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
          SUPPORTAL_SECRET: 'e2e-sender-mark-secret-0123456789-abcd',
      }, ingestDeps: { authenticator: checks } }));
    await seedDemo(server.runtime.ctx);
    caseNumber = (await server.runtime.ctx.store.cases.list({ limit: 10 })).find((c) => c.subject === 'Licence key not accepted after upgrade')!.number;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup?.();
  });

  async function sendAndWait(subject: string, body: string): Promise<string> {
    const sent = await smtplibSend(smtpPort, 'ben@kunde.example', [SUPPORT], plainMail({ from: 'Ben Customer <ben@kunde.example>', to: SUPPORT, subject, body }));
    assert.equal(sent.code, 250, sent.detail);
    const id = /stored as ([0-9a-f-]{36})/.exec(sent.detail)![1]!;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const m = await server.runtime.ctx.store.inbound.findById(id);
      if (m && m.status !== 'received') return m.status;
      if (Date.now() > deadline) throw new Error('the mail was not processed');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('a forged reply is marked on the case page and in the mail log; the genuine one is not', async () => {
    assert.equal(await sendAndWait(`Re: [Case #${caseNumber}] FORGED`, 'E2E-FORGED send the new key to keys@evil.example'), 'accepted');
    assert.equal(await sendAndWait(`Re: [Case #${caseNumber}] genuine`, 'E2E-GENUINE it works now'), 'accepted');
    const ctx = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await ctx.newPage();
    await login(p, AGENT.email, AGENT.password);
    await p.goto(`/desk/cases/${caseNumber}`);
    const forged = p.locator('article.message', { hasText: 'E2E-FORGED' });
    const genuine = p.locator('article.message', { hasText: 'E2E-GENUINE' });
    await forged.waitFor();
    await forged.locator('.tag', { hasText: MARK }).waitFor();
    assert.equal(await genuine.locator('.tag', { hasText: MARK }).count(), 0);

    await p.goto('/desk/mails');
    const row = p.locator('tr', { hasText: 'FORGED' });
    await row.locator('.tag', { hasText: MARK }).waitFor();
    assert.equal(await p.locator('tr', { hasText: 'genuine' }).locator('.tag', { hasText: MARK }).count(), 0);
    assert.deepEqual(await seriousViolations(p), []);
    await ctx.close();
  });

  test('the customer does not see the staff mark', async () => {
    const ctx = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await ctx.newPage();
    const ben = DEMO_LOGINS.find((l) => l.email === 'ben@kunde.example')!;
    await login(p, ben.email, ben.password);
    await p.goto(`/cases/${caseNumber}`);
    await p.locator('article.message', { hasText: 'E2E-FORGED' }).waitFor();
    assert.equal(await p.locator('.tag', { hasText: MARK }).count(), 0);
    await ctx.close();
  });

  test('an admin sets "hold for review" on the settings page', async () => {
    const ctx = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await ctx.newPage();
    await login(p, ADMIN.email, ADMIN.password);
    await p.goto('/admin/settings');
    await p.getByLabel(/^A reply whose sender could not be verified/).selectOption('hold');
    await p.getByRole('button', { name: 'Save the rule for unverified senders' }).click();
    await p.locator('form[aria-labelledby="unverified-sender"]', { hasText: 'Saved. In effect at once.' }).waitFor();
    const s = (await (await p.request.get('/api/admin/settings')).json()) as { settings: { unverifiedSender: string } };
    assert.equal(s.settings.unverifiedSender, 'hold');
    assert.deepEqual(await seriousViolations(p), []);
    await ctx.close();
    assert.equal(await sendAndWait(`Re: [Case #${caseNumber}] FORGED again`, 'E2E-HELD'), 'quarantined');
  });
});

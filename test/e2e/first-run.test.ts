import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dialectLeftOut } from '../support/databases.js';
import { ensureWebBuild, freshContext, launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { cli } from '../support/cli.js';
import { serveEnv, startServe, type ServeProcess } from '../support/serve-process.js';
import { rgbPng } from '../support/png.js';
import { REASON_TEXTS } from '../../src/app/ingest/reason-texts.js';
import { DEMO_LOGINS } from '../../src/app/demo.js';

const AGENT = DEMO_LOGINS.find((l) => l.role === 'agent')!;
const ANNA = DEMO_LOGINS.find((l) => l.email === 'anna@kunde.example')!;
const SCREENSHOT = rgbPng(40, 24, (y) => Buffer.alloc(40 * 3, y * 10));

async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^(E-mail address|E-Mail-Adresse)/).fill(email);
  await page.getByLabel(/^(Password|Passwort)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Anmelden)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Screenshot and axe; the caller has waited for what the page must show (no network-idle wait: the
 * live stream stays open). No sandboxed mail frame may be on the page: axe waits forever for a
 * frame that may run no script (its content is the mail anyway, not our page).
 */
async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  await screenshot(page, name);
  assert.equal(await page.locator('iframe[sandbox]').count(), 0, `${name}: show a tab without the mail frame before the axe check`);
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${name}: axe found serious/critical violations:\n${v.join('\n')}`);
}

/**
 * The first ten minutes of a newcomer, as the README tells them: an empty data directory, the
 * web UI built once, `supportal demo`, `supportal serve` — then, in Chromium, the agent answers
 * the demo case, replies as the customer once well and once badly, and finds both outcomes in the
 * customer's e-mail log and the receipt and the notice in the outbox viewer.
 */
describe('first run: the e-mail loop without a mail server (Chromium)', { skip: dialectLeftOut('sqlite'), timeout: 300_000 }, () => {
  let env: Record<string, string>;
  let serve: ServeProcess;
  let browser: Browser;
  let agent: BrowserContext;
  let ap: Page;
  let baseURL: string;
  let demoOut: string;

  before(async () => {
    ensureWebBuild();
    env = await serveEnv();
    baseURL = `http://127.0.0.1:${env.SUPPORTAL_HTTP_PORT}`;
    const demo = cli(['demo'], env);
    assert.equal(demo.status, 0, demo.stderr);
    demoOut = demo.stdout;
    serve = await startServe(env);
    browser = await launchBrowser();
    agent = await freshContext(browser, { baseURL, locale: 'de-DE' });
    ap = await agent.newPage();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    if (env) rmSync(env.SUPPORTAL_DATA_DIR!, { recursive: true, force: true });
  });

  test('demo tells the story and serve names the URLs, the logins, the SMTP port and the held outbox', async () => {
    assert.match(demoOut, /case 10001 holds a portal message, an agent reply, an e-mailed reply with a screenshot \(accepted\) and one with a PDF \(refused\)/);
    const deadline = Date.now() + 20_000;
    while (!serve.stdout().includes('Stop with Ctrl+C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const banner = serve.stdout();
    assert.ok(banner.includes(`Desk (agents):      ${baseURL}/desk`), banner);
    assert.ok(banner.includes(`Portal (customers): ${baseURL}/`), banner);
    assert.ok(banner.includes(`SMTP listener:      127.0.0.1:${env.SUPPORTAL_SMTP_PORT} (replies to support@support.example.com)`), banner);
    assert.ok(banner.includes(`No relay: mails are held in the outbox → ${baseURL}/desk/outbox`), banner);
    for (const l of DEMO_LOGINS) assert.match(banner, new RegExp(`${l.email.replace(/\./g, '\\.')}\\s+${l.password}`));
    // The log stays on stderr, as JSON; nothing but the banner on stdout.
    assert.doesNotMatch(banner, /"level"/);
  });

  test('the agent sees the guide, and the demo case holds the whole story', async () => {
    await login(ap, AGENT.email, AGENT.password);
    const guide = ap.locator('.first-run-guide');
    await guide.getByText('Beantworten Sie den Demo-Fall „Export nach PDF bricht ab“ (Fall #10001).').waitFor();
    assert.equal(await guide.locator('ol > li').count(), 3);
    await checkPage(ap, 'first-run-desk-guide');
    await guide.getByRole('link', { name: 'Fall öffnen' }).click();
    await ap.waitForURL('**/desk/cases/10001');
    const timeline = ap.locator('ol.timeline');
    // .first(): the later mails quote the earlier ones (folded away, but in the page).
    await timeline.getByText('Beim Export eines Berichts').first().waitFor();
    await timeline.getByText('Können Sie uns bitte einen Screenshot').first().waitFor();
    await timeline.getByText('anbei der Screenshot').first().waitFor();
    await timeline.getByText('fehlermeldung.png').waitFor();
    const inbound = ap.locator('ul.mail-cards').first();
    await inbound.locator('[data-outcome="ok"]').first().waitFor();
    await inbound.locator('.reason-code', { hasText: 'attachment_type' }).waitFor();
  });

  test('the agent answers the demo case, then replies as the customer: a good reply ✓ and a bad one ✗', async () => {
    const form = ap.locator('form:has(#reply-title)');
    await form.locator('textarea').fill('Danke für den Screenshot. Bitte senden Sie uns noch das Export-Log.');
    await form.locator('button[type="submit"]').click();
    // The new held reply appears among the sent mails with its "reply as the customer" link.
    const links = ap.getByRole('link', { name: 'Als Kunde antworten' });
    await ap.waitForFunction(() => document.querySelectorAll('a[href*="reply=1"]').length >= 2);
    await links.last().click();
    await ap.waitForURL(/\/desk\/outbox\/[0-9a-f-]{36}\?reply=1/);
    const rac = ap.locator('section.reply-as-customer');
    await rac.waitFor();
    await rac.getByText(/die Anna Kunde <anna@kunde\.example> senden würde/).waitFor();
    await ap.locator('iframe[sandbox]').waitFor();
    await screenshot(ap, 'first-run-outbox-mail-html');
    await ap.getByRole('tab', { name: 'Text' }).click();
    await checkPage(ap, 'first-run-outbox-mail');
    await rac.locator('textarea').fill('Hallo, hier ist das Export-Log als Bild.\nGrüße, Anna');
    await rac.locator('input[type="radio"][value="outlook"]').check();
    await rac.locator('input[type="file"]').setInputFiles({ name: 'export-log.png', mimeType: 'image/png', buffer: SCREENSHOT });
    await rac.getByRole('button', { name: 'Antwort senden' }).click();
    const outcome = rac.getByTestId('reply-outcome');
    await outcome.locator('[data-outcome="ok"]').waitFor({ timeout: 30_000 });
    await rac.getByRole('button', { name: 'Mit zwei ZIP-Archiven' }).click();
    await outcome.locator('[data-outcome="failed"]').waitFor({ timeout: 30_000 });
    await outcome.locator('.reason-code', { hasText: 'too_many_archives' }).waitFor();
    await outcome.getByText(REASON_TEXTS.too_many_archives.de.text).waitFor();
    await screenshot(ap, 'first-run-reply-as-customer');
  });

  test("the customer's e-mail log shows ✓ and ✗ with the right reasons", async () => {
    const customer = await freshContext(browser, { baseURL, locale: 'de-DE' });
    try {
      const cp = await customer.newPage();
      await login(cp, ANNA.email, ANNA.password);
      await cp.goto('/mails');
      const rows = cp.locator('tr[data-mail-id]');
      await cp.waitForFunction(() => document.querySelectorAll('tr[data-mail-id]').length >= 4);
      // Newest first: the two ZIPs (✗), the Outlook reply with the log (✓), then the demo's PDF (✗) and screenshot (✓).
      const expect = [
        { outcome: 'failed', reason: REASON_TEXTS.too_many_archives.de.text },
        { outcome: 'ok', reason: null },
        { outcome: 'failed', reason: REASON_TEXTS.attachment_type.de.text },
        { outcome: 'ok', reason: null },
      ];
      for (const [i, e] of expect.entries()) {
        const row = rows.nth(i);
        assert.equal(await row.locator('[data-outcome]').getAttribute('data-outcome'), e.outcome, `row ${i}: ${await row.innerText()}`);
        if (e.reason) assert.ok((await row.innerText()).includes(e.reason), `row ${i} names its reason: ${await row.innerText()}`);
      }
      await checkPage(cp, 'first-run-customer-mails');
    } finally {
      await customer.close();
    }
  });

  test('the outbox viewer shows the receipt and the notice as the customer gets them', async () => {
    await ap.goto('/desk/outbox?kind=receipt');
    const receipts = ap.locator('tr[data-kind="receipt"]');
    await receipts.first().waitFor();
    assert.equal(await receipts.count(), 2, 'a receipt for each accepted reply');
    await checkPage(ap, 'first-run-outbox-list');
    await receipts.first().getByRole('link').first().click();
    await ap.waitForURL(/\/desk\/outbox\/[0-9a-f-]{36}$/);
    const frame = ap.frameLocator('iframe[title="HTML-Fassung der versandten E-Mail (abgeschottet)"]');
    await frame.getByText(/eingegangen und wurde dem Fall hinzugefügt/).waitFor();
    await ap.getByRole('tab', { name: 'Kopfzeilen' }).click();
    await ap.getByRole('row', { name: /Auto-Submitted\s+auto-replied/ }).waitFor();
    const eml = await ap.request.get(await ap.getByRole('link', { name: '.eml herunterladen' }).getAttribute('href') ?? '');
    assert.equal(eml.status(), 200);
    assert.match((await eml.body()).toString('latin1'), /^Auto-Submitted: auto-replied\r$/m);

    await ap.goto('/desk/outbox?kind=notice');
    const notices = ap.locator('tr[data-kind="notice"]');
    await notices.first().waitFor();
    assert.equal(await notices.count(), 2, 'a notice for each refused reply');
    await notices.first().getByRole('link').first().click();
    await ap.getByRole('tab', { name: 'Text' }).click();
    await ap.locator('pre.mail-text').getByText(REASON_TEXTS.too_many_archives.de.text, { exact: false }).waitFor();
    await checkPage(ap, 'first-run-outbox-notice');
    await ap.getByRole('tab', { name: /^Anh/ }).click();
    await checkPage(ap, 'first-run-outbox-notice-attachments');
  });
});

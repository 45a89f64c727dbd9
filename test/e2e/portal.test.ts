import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dialectLeftOut } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { freshContext, launchBrowser, screenshot, seriousViolations, startWebServer } from '../support/browser.js';
import { pythonReply, smtplibSend } from '../support/mail-builders.js';
import { type Server } from '../../src/server.js';
import { seedDemo, DEMO_LOGINS } from '../../src/app/demo.js';
import { buildZip } from '../support/zip-writer.js';
import { rgbPng } from '../support/png.js';

/** A real 120×80 PNG (a colour gradient), so that the preview is visible in the screenshots. */
function gradientPng(w: number, h: number): Buffer {
  return rgbPng(w, h, (y) => {
    const row = Buffer.alloc(w * 3);
    for (let x = 0; x < w; x++) row.set([Math.round((x / w) * 255), Math.round((y / h) * 255), 160], x * 3);
    return row;
  });
}
const PNG = gradientPng(120, 80);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const LOGS_ZIP = buildZip([
  { name: 'logs/export.log', data: Buffer.from('2026-11-26 10:00:00 ERROR export stopped at page 200\n'.repeat(40)), deflate: true },
  { name: 'config/report.xml', data: Buffer.from('<report pages="200"/>') },
]);
const SUPPORT = 'support@support.example.com';
const CUSTOMER = { name: 'Clara Customer', email: 'clara@customer.example', password: 'clara-secret-pass' };
const AGENT = DEMO_LOGINS.find((l) => l.role === 'agent')!;
const ADMIN = DEMO_LOGINS.find((l) => l.role === 'admin')!;

async function outboxRaw(server: Server, pick: (o: { kind: string; recipients: string[] }) => boolean): Promise<Buffer> {
  const store = server.runtime.ctx.store.outbound;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const hit = (await store.list({})).find(pick);
    if (hit) return (await store.raw(hit.id))!;
    if (Date.now() > deadline) throw new Error('expected mail not in the outbox');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^(E-mail address|E-Mail-Adresse)/).fill(email);
  await page.getByLabel(/^(Password|Passwort)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Anmelden)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${name}: axe found serious/critical violations:\n${v.join('\n')}`);
}

describe('web UI end to end (Chromium)', { skip: dialectLeftOut('sqlite') }, () => {
  let server: Server;
  let cleanup: () => void;
  let browser: Browser;
  let customer: BrowserContext;
  let agent: BrowserContext;
  let cp: Page;
  let ap: Page;
  let baseURL: string;
  let smtpPort: number;
  let caseNumber: number;

  before(async () => {
    smtpPort = await freePort();
    ({ server, baseURL, cleanup } = await startWebServer({ env: {
          SUPPORTAL_SMTP_PORT: String(smtpPort),
          SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
          // The origin the browser uses: CSRF checks compare the Origin header with it.
          SUPPORTAL_SECRET: 'e2e-test-secret-0123456789-abcdefghij',
          SUPPORTAL_SENDER_AUTH: 'off',
      } }));
    await seedDemo(server.runtime.ctx);
    browser = await launchBrowser();
    customer = await freshContext(browser, { baseURL, locale: 'en-GB' });
    agent = await freshContext(browser, { baseURL, locale: 'en-GB' });
    cp = await customer.newPage();
    ap = await agent.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup?.();
  });

  test('a customer signs up, confirms the address from the mail and logs in', async () => {
    await cp.goto('/signup');
    await checkPage(cp, '01-signup');
    await cp.getByLabel('Name').fill(CUSTOMER.name);
    await cp.getByLabel('E-mail address').fill(CUSTOMER.email);
    await cp.getByLabel(/^Password/).fill(CUSTOMER.password);
    await cp.getByLabel('Repeat password').fill(CUSTOMER.password);
    await cp.getByRole('button', { name: 'Create account' }).click();
    await cp.getByText(`we sent a confirmation link to ${CUSTOMER.email}`).waitFor();

    const raw = await outboxRaw(server, (o) => o.kind === 'signup' && o.recipients.includes(CUSTOMER.email));
    const text = (await simpleParser(raw)).text ?? '';
    const link = /(https?:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+)/.exec(text)?.[1];
    assert.ok(link, `no verification link in:\n${text}`);
    assert.ok(link.startsWith(baseURL), link);
    await cp.goto(link);
    await cp.getByText('Your e-mail address is confirmed').waitFor();
    await checkPage(cp, '02-verified');

    await cp.goto('/login');
    await checkPage(cp, '03-login');
    await login(cp, CUSTOMER.email, CUSTOMER.password);
    assert.equal(new URL(cp.url()).pathname, '/cases');
    await cp.getByRole('heading', { name: 'My cases' }).waitFor();
  });

  test('the form enforces the required fields; a case opens with an image shown as a preview', async () => {
    await cp.getByRole('link', { name: 'Open a case' }).first().click();
    await cp.getByRole('heading', { name: 'Open a case' }).waitFor();
    await cp.getByRole('button', { name: 'Open case' }).click();
    assert.ok((await cp.getByText('Please fill in this field.').count()) >= 3, 'product, subject and description are marked as missing');
    assert.equal(new URL(cp.url()).pathname, '/cases/new');

    await cp.getByLabel('Product').selectOption('Supportal Server');
    await cp.getByLabel('Version').selectOption('4.1');
    await cp.getByLabel('Environment / operating system').fill('Debian 12');
    await cp.getByLabel('Subject').fill('Report export stops at page 200');
    await cp.getByLabel('Description').fill('The export of a long report stops with a timeout. Screenshot attached.');
    await cp.getByLabel('Attachments').setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: PNG });
    await checkPage(cp, '04-new-case');
    await cp.getByRole('button', { name: 'Open case' }).click();
    await cp.waitForURL(/\/cases\/\d+$/);
    caseNumber = Number(new URL(cp.url()).pathname.split('/').pop());
    await cp.getByRole('heading', { name: `#${caseNumber} Report export stops at page 200` }).waitFor();
    const preview = cp.getByRole('img', { name: 'Preview of screen.png' });
    await preview.waitFor();
    await cp.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await preview.elementHandle());
    await checkPage(cp, '05-case-customer');
  });

  test('a forbidden file in the form is named with its reason next to it', async () => {
    await cp.goto('/cases/new');
    await cp.getByLabel('Product').selectOption('Supportal Server');
    await cp.getByLabel('Version').selectOption('4.1');
    await cp.getByLabel('Subject').fill('With a PDF');
    await cp.getByLabel('Description').fill('Manual attached.');
    await cp.getByLabel('Attachments').setInputFiles([
      { name: 'ok.png', mimeType: 'image/png', buffer: PNG },
      { name: 'manual.pdf', mimeType: 'application/pdf', buffer: PDF },
    ]);
    await cp.getByRole('button', { name: 'Open case' }).click();
    const item = cp.locator('.file-list li', { hasText: 'manual.pdf' });
    await item.locator('.field-error').waitFor();
    assert.match(await item.innerText(), /File type not allowed/);
    assert.equal(await cp.locator('.file-list li', { hasText: 'ok.png' }).locator('.field-error').count(), 0, 'the allowed file carries no error');
    assert.equal(new URL(cp.url()).pathname, '/cases/new');
    await screenshot(cp, '06-new-case-rejected-file');
  });

  test('the customer adds a ZIP to the case and sees the files inside it', async () => {
    await cp.goto(`/cases/${caseNumber}`);
    await cp.getByLabel('Message').fill('The log files, zipped.');
    await cp.locator('.reply-box').getByLabel('Attachments').setInputFiles({ name: 'logs.zip', mimeType: 'application/zip', buffer: LOGS_ZIP });
    await cp.getByRole('button', { name: 'Send', exact: true }).click();
    const msg = cp.locator('.message', { hasText: 'The log files, zipped.' });
    await msg.waitFor();
    const contents = msg.locator('details.zip-contents');
    await contents.locator('summary', { hasText: 'ZIP contents (2 files)' }).click();
    const files = contents.getByRole('list', { name: 'Files in logs.zip' });
    await files.getByText('logs/export.log').waitFor();
    assert.match(await files.innerText(), /logs\/export\.log \(\d[\d.,]* ?[KkB][^)]*\)[\s\S]*config\/report\.xml/);
    await checkPage(cp, '05b-case-zip-contents');
  });

  test('the agent finds the case in the desk and replies; the reply is mailed', async () => {
    await login(ap, AGENT.email, AGENT.password);
    assert.equal(new URL(ap.url()).pathname, '/desk');
    // The agent's profile says German: the desk greets them in it, and the switch turns it to English for good.
    await ap.getByRole('heading', { name: 'Fälle', exact: true }).waitFor();
    // The page turns English at once and saves the choice after (PATCH /api/auth/profile): wait
    // for that answer, not only for the heading, before looking at the profile.
    const saved = ap.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/profile' && r.request().method() === 'PATCH');
    await ap.getByLabel('Sprache').selectOption('en');
    await ap.getByRole('heading', { name: 'Queues' }).waitFor();
    assert.equal((await saved).status(), 200);
    assert.equal((await server.runtime.ctx.store.users.findByEmail(AGENT.email))?.language, 'en', 'the choice is kept in the profile');
    await ap.getByRole('link', { name: /^New \d+$/ }).click();
    const row = ap.getByRole('link', { name: 'Report export stops at page 200' });
    await row.waitFor();
    await checkPage(ap, '07-desk-queue');
    await row.click();
    await ap.waitForURL(new RegExp(`/cases/${caseNumber}$`));
    // The assignee select offers the colleagues (GET /api/agents), not just the agent themself.
    const assignee = ap.getByLabel('Assignee');
    await assignee.locator('option', { hasText: ADMIN.name }).waitFor({ state: 'attached' });
    await assignee.selectOption({ label: ADMIN.name });
    await ap.locator('.case-meta', { hasText: ADMIN.name }).waitFor();
    assert.equal((await server.runtime.ctx.store.cases.findByNumber(caseNumber))?.assigneeId, (await server.runtime.ctx.store.users.findByEmail(ADMIN.email))?.id);
    await assignee.selectOption({ label: 'Nobody' });
    await ap.locator('.case-meta', { hasText: 'Nobody' }).waitFor();
    await ap.getByLabel(/^Reply to the customer( \*)?$/).fill('Please send us the server log.');
    await ap.getByRole('button', { name: 'Send reply' }).click();
    await ap.getByText('The reply is on its way to the customer.').waitFor();
    await ap.locator('.message-agent_reply', { hasText: 'Please send us the server log.' }).waitFor();
    await ap.locator('.mail-cards li', { hasText: 'Agent reply' }).waitFor();
    await checkPage(ap, '08-desk-case');
  });

  test('the customer answers by mail over SMTP: the reply shows in the case, a receipt is queued, ✓ appears live', async () => {
    await cp.goto('/mails');
    await cp.getByRole('heading', { name: 'E-mail replies' }).waitFor();
    await cp.getByText('Live', { exact: true }).waitFor();
    await cp.evaluate(() => ((window as unknown as { marker: string }).marker = 'no reload'));

    const agentMail = await outboxRaw(server, (o) => o.kind === 'agent_reply' && o.recipients.includes(CUSTOMER.email));
    const reply = pythonReply(agentMail, { from: `${CUSTOMER.name} <${CUSTOMER.email}>`, body: 'Here is the log you asked for.', attachments: [{ filename: 'log.png', content: PNG, maintype: 'image', subtype: 'png' }] });
    const sent = await smtplibSend(smtpPort, CUSTOMER.email, [SUPPORT], reply);
    assert.equal(sent.code, 250, sent.detail);

    const row = cp.locator('tbody tr', { hasText: 'Re: ' }).filter({ has: cp.locator('[data-outcome="ok"]') });
    await row.waitFor({ timeout: 20_000 });
    assert.equal(await cp.evaluate(() => (window as unknown as { marker?: string }).marker), 'no reload', 'the ✓ came without a reload');
    assert.match(await row.innerText(), new RegExp(`✓[\\s\\S]*Processed`));
    assert.match(await row.innerText(), new RegExp(`#${caseNumber}`));
    await checkPage(cp, '09-mails-accepted');

    const receipts = (await server.runtime.ctx.store.outbound.list({})).filter((o) => o.kind === 'receipt' && o.recipients.includes(CUSTOMER.email));
    assert.equal(receipts.length, 1, 'one receipt in the outbox');

    await cp.getByRole('link', { name: `#${caseNumber}` }).first().click();
    const msg = cp.locator('.message', { hasText: 'Here is the log you asked for.' });
    await msg.waitFor();
    assert.match(await msg.innerText(), /by e-mail/);
    const quoted = msg.locator('details.quoted');
    assert.equal(await quoted.getAttribute('open'), null, 'the quoted history is folded away');
    await quoted.locator('summary').click();
    await quoted.getByText('Please send us the server log.').waitFor();
    await screenshot(cp, '10-case-with-email-reply');
  });

  test('a mail with a PDF shows ✗ with its reason and what to do', async () => {
    await cp.goto('/mails');
    await cp.getByText('Live', { exact: true }).waitFor();
    const agentMail = await outboxRaw(server, (o) => o.kind === 'agent_reply' && o.recipients.includes(CUSTOMER.email));
    const reply = pythonReply(agentMail, { from: CUSTOMER.email, subject: 'Manual as PDF', body: 'See the manual.', attachments: [{ filename: 'manual.pdf', content: PDF, maintype: 'application', subtype: 'pdf' }] });
    assert.equal((await smtplibSend(smtpPort, CUSTOMER.email, [SUPPORT], reply)).code, 250);
    const row = cp.locator('tbody tr', { hasText: 'Manual as PDF' }).filter({ has: cp.locator('[data-outcome="failed"]') });
    await row.waitFor({ timeout: 20_000 });
    const text = await row.innerText();
    assert.match(text, /✗/);
    assert.match(text, /file type that is not allowed/);
    assert.match(text, /What to do:.*ZIP/s);
    await checkPage(cp, '11-mails-rejected');
  });

  test('an HTML mail is shown to the agent in a sandboxed frame; remote images only on request', async () => {
    const agentMail = await outboxRaw(server, (o) => o.kind === 'agent_reply' && o.recipients.includes(CUSTOMER.email));
    const original = await simpleParser(agentMail);
    const raw = Buffer.from(
      [
        `From: ${CUSTOMER.email}`,
        `To: ${SUPPORT}`,
        `Subject: Re: ${original.subject}`,
        `Message-ID: <html-reply-${Date.now()}@client.example.org>`,
        `In-Reply-To: ${original.messageId}`,
        `References: ${original.messageId}`,
        'Date: Thu, 26 Nov 2026 11:00:00 +0100',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The table is attached inline.',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>The <b>table</b> is attached inline.</p><img src="http://images.example.net/tracker.png" alt="tracker"><script>parent.hacked=1</script></body></html>',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    assert.equal((await smtplibSend(smtpPort, CUSTOMER.email, [SUPPORT], raw)).code, 250);
    await ap.goto(`/cases/${caseNumber}`);
    const msg = ap.locator('.message', { hasText: 'The table is attached inline.' });
    await msg.waitFor({ timeout: 20_000 });
    await msg.getByRole('button', { name: 'Show the HTML version' }).click();
    const frame = msg.locator('iframe');
    assert.equal(await frame.getAttribute('sandbox'), '', 'no scripts, no same origin');
    assert.doesNotMatch((await frame.getAttribute('src')) ?? '', /images=/);
    await ap.frameLocator('.message iframe').getByText('table').waitFor();
    assert.equal(await ap.evaluate(() => (window as unknown as { hacked?: number }).hacked), undefined, 'the mail\'s script never ran');
    await screenshot(ap, '12-desk-html-mail');
    await msg.getByRole('button', { name: 'Load remote images' }).click();
    assert.match((await frame.getAttribute('src')) ?? '', /[?]images=1/);
  });

  test('the agent opens a phone case for a customer found by name', async () => {
    await ap.goto('/desk/phone');
    await ap.getByLabel('Find customer').fill('Clara');
    await ap.getByRole('button', { name: 'Search' }).click();
    await ap.getByRole('button', { name: `Choose ${CUSTOMER.name}` }).click();
    await ap.getByLabel('Subject').fill('Called about licence renewal');
    await ap.getByLabel('Notes of the call (shown as noted by you)').fill('Wants to renew the licence for 2027.');
    await checkPage(ap, '13-phone-case');
    await ap.getByLabel('First reply (optional)').fill('We will send you the renewal offer today.');
    await ap.getByRole('button', { name: 'Open phone case' }).click();
    await ap.waitForURL(/\/cases\/\d+$/);
    await ap.getByRole('heading', { name: /Called about licence renewal/ }).waitFor();
    const meta = await ap.locator('.case-meta').innerText();
    assert.match(meta, /Phone/);
    assert.match(meta, new RegExp(CUSTOMER.email));
    await ap.locator('.message-agent_reply', { hasText: 'We will send you the renewal offer today.' }).waitFor();
    const phoneCase = await server.runtime.ctx.store.cases.findByNumber(Number(new URL(ap.url()).pathname.split('/').pop()));
    assert.equal(phoneCase?.channel, 'phone');
    const mailed = (await server.runtime.ctx.store.outbound.list({ caseId: phoneCase!.id })).filter((o) => o.kind === 'agent_reply');
    assert.equal(mailed.length, 1, 'the first reply is mailed');
  });

  test('the agent creates a new contact and organisation on the spot for a phone case', async () => {
    await ap.goto('/desk/phone');
    await ap.getByRole('button', { name: 'New contact' }).click();
    await ap.getByLabel('Name').fill('Paul Phone');
    await ap.getByLabel('E-mail address').fill('paul@newcorp.example');
    await ap.getByLabel('Organisation').fill('Newcorp AG');
    await ap.getByLabel('Customer number').fill('K-2001');
    await ap.getByRole('button', { name: 'Create contact' }).click();
    await ap.getByText('<paul@newcorp.example>').waitFor();
    await ap.getByLabel('Subject').fill('Installation help');
    await ap.getByLabel('Notes of the call (shown as noted by you)').fill('Needs help with the installation.');
    await ap.getByRole('button', { name: 'Open phone case' }).click();
    await ap.waitForURL(/\/cases\/\d+$/);
    assert.match(await ap.locator('.case-meta').innerText(), /Paul Phone/);
    const paul = await server.runtime.ctx.store.users.findByEmail('paul@newcorp.example');
    assert.equal(paul?.role, 'customer');
    assert.ok(paul?.organisationId, 'the organisation was created with the contact');
  });

  test('desk pages: mail log, quarantine, overview; admin pages', async () => {
    await ap.goto('/desk/mails');
    await ap.locator('tbody tr').first().waitFor();
    await checkPage(ap, '14-mail-log');
    await ap.goto('/desk/quarantine');
    await ap.getByRole('heading', { name: 'Quarantine' }).waitFor();
    await checkPage(ap, '15-quarantine');
    const bell = ap.getByRole('link', { name: /new notifications?$/ });
    assert.match((await bell.getAttribute('aria-label')) ?? '', /^[1-9]\d* new notification/, 'the customer replies are announced in the desk');
    await bell.click();
    await ap.getByRole('heading', { name: 'Notifications' }).waitFor();
    await ap.getByText('Here is the log you asked for.').first().waitFor();
    await checkPage(ap, '16-notifications');
    await ap.getByRole('button', { name: 'Mark all as read' }).click();
    await ap.getByRole('link', { name: '0 new notifications' }).waitFor();
    await ap.goto('/profile');
    await ap.getByLabel(/E-mail me about every new customer reply/).check();
    await ap.getByText('Saved.').waitFor();
    const me = (await (await ap.request.get('/api/auth/me')).json()) as { preferences: { notifyByEmail: boolean } };
    assert.equal(me.preferences.notifyByEmail, true, 'the agent opted in to notification mails');
    await checkPage(ap, '17-profile-agent');
    await ap.goto('/desk/overview');
    await ap.getByRole('heading', { name: 'Mails received per day, by outcome' }).waitFor();
    await ap.getByRole('img', { name: 'Mails received per day, by outcome' }).waitFor();
    await checkPage(ap, '18-overview');

    const admin = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await admin.newPage();
    await login(p, ADMIN.email, ADMIN.password);
    await p.goto('/admin');
    await p.getByRole('cell', { name: CUSTOMER.email, exact: true }).waitFor();
    await checkPage(p, '19-admin-users');
    await p.goto('/admin/templates');
    await p.getByRole('heading', { name: 'Deutsch' }).waitFor();
    await checkPage(p, '20-admin-templates');
    await p.goto('/admin/products');
    await p.getByRole('cell', { name: 'Supportal Server', exact: true }).waitFor();
    await checkPage(p, '21-admin-products');
    await p.goto('/admin/settings');
    await p.getByRole('heading', { name: 'Attachments and size limit' }).waitFor();
    assert.equal(await p.getByLabel('Support address (replies)').inputValue(), SUPPORT);
    await checkPage(p, '22-admin-settings');
    await admin.close();
  });

  test('an admin rewords the receipt with a live preview in both languages and tightens the attachment policy', async () => {
    const admin = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await admin.newPage();
    await login(p, ADMIN.email, ADMIN.password);
    await p.goto('/admin/templates');
    await p.getByLabel('Template').selectOption({ label: 'Receipt' });
    const en = p.locator('section[lang="en"]');
    const de = p.locator('section[lang="de"]');
    await en.getByLabel('Text').waitFor();
    assert.match(await en.getByLabel('Text').inputValue(), /has reached case \{\{caseToken\}\}/, 'the editor starts from the built-in wording');
    await en.getByLabel('Text').fill('E2E-WORDING: we have your mail about {{subject}} in case {{caseToken}}.');
    await en.locator('.template-preview pre', { hasText: 'E2E-WORDING: we have your mail about Printer prints blank pages only in case #10042.' }).first().waitFor();
    await de.locator('.template-preview pre', { hasText: 'Guten Tag' }).first().waitFor();
    await en.getByLabel('Text').fill('Hello {{password}}');
    await en.locator('.field-error', { hasText: 'unknown variable {{password}}' }).waitFor();
    await en.getByLabel('Text').fill('E2E-WORDING: we have your mail about {{subject}} in case {{caseToken}}.');
    // The preview of the valid text must have replaced the error before we save.
    await en.locator('.field-error', { hasText: 'unknown variable {{password}}' }).waitFor({ state: 'detached' });
    await en.locator('.template-preview pre', { hasText: 'E2E-WORDING' }).first().waitFor();
    await checkPage(p, '24-admin-template-editor');
    await p.getByRole('button', { name: 'Save wording' }).click();
    await p.getByText('Saved. In effect at once.').waitFor({ timeout: 30_000 });
    const saved = (await (await p.request.get('/api/admin/settings')).json()) as { settings: { templates: Record<string, Record<string, { text?: string }>> } };
    assert.match(saved.settings.templates.receipt?.en?.text ?? '', /^E2E-WORDING/);
    await p.getByRole('button', { name: 'Back to the built-in wording' }).click();
    await p.getByText('The built-in wording is in use again.').waitFor();

    await p.goto('/admin/settings');
    await p.getByLabel('image/gif').uncheck();
    await p.getByRole('button', { name: 'Save settings' }).click();
    await p.getByText('Saved. In effect at once.').waitFor();
    const policy = (await (await p.request.get('/api/admin/settings')).json()) as { settings: { attachmentPolicy: { allowedImageTypes: string[] } } };
    assert.ok(!policy.settings.attachmentPolicy.allowedImageTypes.includes('image/gif'));
    assert.ok(policy.settings.attachmentPolicy.allowedImageTypes.includes('image/png'));
    await p.getByRole('button', { name: 'Back to the configured values' }).click();
    await p.locator('label', { hasText: 'image/gif' }).locator('input:checked').waitFor();
    await admin.close();
  });

  test('German and English: the browser language decides before login, the switch changes every label', async () => {
    const de = await freshContext(browser, { baseURL, locale: 'de-DE' });
    const pde = await de.newPage();
    await pde.goto('/login');
    await pde.getByRole('heading', { name: 'Anmelden' }).waitFor();
    assert.equal(await pde.getByLabel('E-Mail-Adresse').count(), 1);
    assert.equal(await pde.getByLabel('Passwort').count(), 1);
    assert.equal(await pde.locator('html').getAttribute('lang'), 'de');
    await checkPage(pde, '23-login-de');
    await pde.getByLabel('Sprache').selectOption('en');
    await pde.getByRole('heading', { name: 'Log in' }).waitFor();
    assert.equal(await pde.getByLabel('E-mail address').count(), 1);
    await de.close();

    const en = await freshContext(browser, { baseURL, locale: 'en-US' });
    const pen = await en.newPage();
    await pen.goto('/signup');
    await pen.getByRole('heading', { name: 'Create an account' }).waitFor();
    assert.equal(await pen.getByLabel('Repeat password').count(), 1);
    assert.equal(await pen.locator('html').getAttribute('lang'), 'en');
    await en.close();
  });
});

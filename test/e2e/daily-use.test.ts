import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dialectLeftOut } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { freshContext, launchBrowser, screenshot, startWebServer } from '../support/browser.js';
import { type Server } from '../../src/server.js';
import { seedDemo, DEMO_LOGINS } from '../../src/app/demo.js';
import { openCase } from '../../src/app/cases.js';
import { createHash, randomUUID } from 'node:crypto';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const AGENT = DEMO_LOGINS.find((l) => l.role === 'agent')!;
const ADMIN = DEMO_LOGINS.find((l) => l.role === 'admin')!;
const ANNA = DEMO_LOGINS.find((l) => l.email === 'anna@kunde.example')!;
const PHONE = { width: 390, height: 844 };

async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^(E-mail address|E-Mail-Adresse)/).fill(email);
  await page.getByLabel(/^(Password|Passwort)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Anmelden)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** What sticks out to the right of the viewport: the page scrolls sideways when this is not empty. */
async function overflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > root.clientWidth + 0.5 && !el.closest('.table-wrap, .tabs, .site-header nav')) {
        culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${String(el.className).replace(/\s+/g, '.')} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: culprits.slice(0, 8) };
  });
}

async function settle(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  await page.locator('main h1').first().waitFor();
}

describe('daily use in Chromium: phones, the desk, closing, German', { skip: dialectLeftOut('sqlite') }, () => {
  let server: Server;
  let cleanup: () => void;
  let browser: Browser;
  let baseURL: string;
  const contexts: BrowserContext[] = [];

  async function pageAs(login_: { email: string; password: string } | null, viewport?: { width: number; height: number }): Promise<Page> {
    const ctx = await freshContext(browser, { baseURL, locale: 'de-DE' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    if (viewport) await page.setViewportSize(viewport);
    if (login_) await login(page, login_.email, login_.password);
    return page;
  }

  before(async () => {
    ({ server, baseURL, cleanup } = await startWebServer({ env: {
          SUPPORTAL_SMTP_PORT: String(await freePort()),
          SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
          SUPPORTAL_SECRET: 'e2e-test-secret-0123456789-abcdefghij',
          SUPPORTAL_SENDER_AUTH: 'off',
      } }));
    await seedDemo(server.runtime.ctx);
    browser = await launchBrowser();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    cleanup?.();
  });

  /** A mail from Anna that was refused, with a long subject, as the e-mail replies page lists it. */
  async function refusedMailFromAnna(): Promise<void> {
    const store = server.runtime.ctx.store;
    const anna = (await store.users.findByEmail(ANNA.email))!;
    const annaCase = (await store.cases.list({ customerId: anna.id }))[0]!;
    const id = randomUUID();
    const raw = Buffer.from(`From: ${ANNA.email}\r\nSubject: x\r\nMessage-ID: <${id}@kunde.example>\r\n\r\nbody\r\n`);
    const now = new Date().toISOString();
    await store.inbound.insert({ id, receivedAt: now, channel: 'smtp', envelopeFrom: ANNA.email, envelopeTo: ['support@support.example.com'], remoteIp: null, messageId: `<${id}@kunde.example>`, sha256: createHash('sha256').update(raw).digest('hex'), raw });
    await store.inbound.setOutcome(id, {
      status: 'rejected', reason: 'attachment_type', detail: 'Jahresabschluss-Auswertung-2026-final-v3.pdf: type application/pdf is not allowed', caseId: annaCase.id, fromAddress: ANNA.email,
      subject: 'AW: Export nach PDF bricht ab – hier die Auswertung und das Protokoll vom Dienstag', scan: null, auth: null,
      decisions: [{ step: '090-attachments', verdict: 'rejected', reason: 'attachment_type', files: ['Jahresabschluss-Auswertung-2026-final-v3.pdf'] }], processedAt: now, processingMs: 40,
    });
  }

  test('every page at 390 px wide: no sideways scrolling, lists as cards, a compact header', async () => {
    await refusedMailFromAnna();
    const cases = await server.runtime.ctx.store.cases.list({});
    const number = cases[0]!.number;
    const visitor = await pageAs(null, PHONE);
    const customer = await pageAs(ANNA, PHONE);
    const agent = await pageAs(AGENT, PHONE);
    const admin = await pageAs(ADMIN, PHONE);
    const pages: Array<[Page, string]> = [
      [visitor, '/login'], [visitor, '/signup'], [visitor, '/forgot-password'],
      [customer, '/cases'], [customer, '/cases/new'], [customer, '/mails'], [customer, `/cases/${number}`], [customer, '/profile'],
      [agent, '/desk'], [agent, '/desk?queue=all'], [agent, '/desk/phone'], [agent, '/desk/mails'], [agent, '/desk/quarantine'],
      [agent, '/desk/overview'], [agent, '/desk/notifications'], [agent, `/desk/cases/${number}`], [agent, '/profile'],
    ];
    // Every administration page its tabs offer (a new section is checked without editing this list).
    await settle(admin, '/admin');
    const adminPaths = await admin.locator('main .tabs a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    assert.ok(adminPaths.length >= 6, adminPaths.join(', '));
    for (const path of adminPaths) pages.push([admin, path]);
    const failures: string[] = [];
    for (const [page, path] of pages) {
      await settle(page, path);
      const o = await overflow(page);
      if (o.scrollWidth > o.clientWidth) failures.push(`${path}: scrollWidth ${o.scrollWidth} > clientWidth ${o.clientWidth}: ${o.culprits.join(', ')}`);
      if (path !== '/login' && path !== '/signup' && path !== '/forgot-password') {
        const header = await page.locator('.site-header').boundingBox();
        if (header && header.height > 120) failures.push(`${path}: the header takes ${Math.round(header.height)} px (at most 120)`);
      }
    }
    await screenshot(agent, 'daily-390-desk');
    assert.deepEqual(failures, []);
    // "E-Mail-Antworten": the ✗ and the reason are on screen, and the refused file is named.
    await settle(customer, '/mails');
    await screenshot(customer, 'daily-390-mails');
    for (const selector of ['.outcome', '.reason', '.refused-files']) {
      const box = await customer.locator(selector).first().boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${selector} within the 390 px: ${JSON.stringify(box)}`);
    }
    assert.match(await customer.locator('.refused-files').first().innerText(), /Jahresabschluss-Auswertung-2026-final-v3\.pdf/);
    const advice = customer.locator('.advice a').first();
    assert.match((await advice.getAttribute('href')) ?? '', /^\/cases\/\d+$/, 'the advice links the case, clickably');
    // The desk's list is cards: each cell shows its column's name, and the whole row is on screen.
    await settle(agent, '/desk?queue=all');
    const cell = agent.locator('.case-table tbody tr').first().locator('td.col-customerName');
    assert.equal(await cell.evaluate((td) => getComputedStyle(td).display), 'block');
    assert.equal(await cell.evaluate((td) => getComputedStyle(td, '::before').content), '"Kunde: "');
  });

  test('the desk opens on "to do" with counts on the tabs, names in the columns, sortable', async () => {
    const page = await pageAs(AGENT);
    await settle(page, '/desk');
    const current = page.locator('.tabs a[aria-current="page"]');
    await current.locator('.tab-count').waitFor();
    assert.match((await current.textContent()) ?? '', /^Zu erledigen \d+$/);
    const count = Number(await current.locator('.tab-count').textContent());
    const rows = page.locator('.case-table tbody tr');
    assert.equal(await rows.count(), count, 'the tab counts the rows it shows');
    assert.ok(count >= 2, 'the demo\'s new cases are to do');
    const headers = await page.locator('.case-table thead th').allTextContents();
    for (const h of ['Kunde', 'Organisation', 'Zuständig', 'Produkt']) assert.ok(headers.some((x) => x.startsWith(h)), `column ${h} in ${headers.join(', ')}`);
    assert.ok((await page.locator('.case-table td.col-organisationName').allTextContents()).includes('Kunde GmbH'));
    await page.getByRole('button', { name: /^Fall/ }).click();
    const ascending = (await page.locator('.case-table td.col-number').allTextContents()).map((x) => Number(x.slice(1)));
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    await page.getByRole('button', { name: /^Fall/ }).click();
    const descending = (await page.locator('.case-table td.col-number').allTextContents()).map((x) => Number(x.slice(1)));
    assert.deepEqual(descending, [...ascending].reverse());

    // Filters: by product, and "nobody" as assignee.
    await settle(page, '/desk?queue=all');
    const products = (await page.getByLabel('Produkt').locator('option').allTextContents()).filter((p) => p !== 'Alle');
    assert.ok(products.length >= 1, 'the demo cases name products');
    await page.getByLabel('Produkt').selectOption({ label: products[0]! });
    const shownProducts = await page.locator('.case-table td.col-productName').allTextContents();
    assert.ok(shownProducts.length > 0 && shownProducts.every((p) => p === products[0]), shownProducts.join(', '));
    await page.getByLabel('Produkt').selectOption({ label: 'Alle' });
    await page.getByLabel('Zuständig').selectOption({ label: 'Niemand' });
    assert.ok((await page.locator('.case-table td.col-assigneeName').allTextContents()).every((a) => a === '–'));

    // The mail log in German: readable reason names in the filter, the step's finding in German.
    await settle(page, '/desk/mails');
    const reasons = await page.getByLabel('Grund und was zu tun ist').locator('option').allTextContents();
    assert.ok(reasons.includes('Dateityp nicht erlaubt') && !reasons.includes('attachment_type'), reasons.join(', '));
    await page.getByText('Jahresabschluss-Auswertung-2026-final-v3.pdf: Dateityp application/pdf ist nicht erlaubt').waitFor();
  });

  test('closing a case asks first and can be undone; a form error goes once the field is filled; notes and replies are signed by name', async () => {
    const page = await pageAs(AGENT);
    const open = (await server.runtime.ctx.store.cases.list({ status: ['new', 'open'] }))[0]!;
    await settle(page, `/desk/cases/${open.number}`);
    await page.getByRole('button', { name: 'Fall schließen' }).click();
    await page.getByText('Fall wirklich schließen?').first().waitFor();
    await page.getByRole('button', { name: 'Abbrechen' }).click();
    assert.equal((await server.runtime.ctx.store.cases.findById(open.id))!.status, open.status, 'cancelling leaves the case as it was');
    await page.getByRole('button', { name: 'Fall schließen' }).click();
    await page.getByRole('button', { name: 'Ja, schließen' }).click();
    await page.getByText('Der Fall ist geschlossen.').waitFor();
    assert.equal((await server.runtime.ctx.store.cases.findById(open.id))!.status, 'closed');
    await page.getByRole('button', { name: 'Rückgängig (wieder öffnen)' }).click();
    await page.getByRole('button', { name: 'Fall schließen' }).waitFor();
    assert.equal((await server.runtime.ctx.store.cases.findById(open.id))!.status, 'open');

    await page.getByLabel('Interne Notiz (nie versandt)').check();
    await page.getByRole('button', { name: 'Notiz speichern' }).click();
    const error = page.locator('.reply-box .field-error');
    await error.waitFor();
    await page.getByLabel(/^Interne Notiz/, { exact: false }).last().fill('Called back, waiting for the log.');
    await error.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Notiz speichern' }).click();
    await page.getByRole('heading', { name: `Interne Notiz von ${AGENT.name}` }).last().waitFor();

    // A phone case: the call's note is the agent's, never the customer's words; the agent owns the case.
    const agentUser = (await server.runtime.ctx.store.users.findByEmail(AGENT.email))!;
    const phoneCase = await openCase(server.runtime.ctx, { customer: ANNA.email, subject: 'Rückruf wegen Lizenz', body: 'Kundin meldet: Lizenz läuft ab.', channel: 'phone', actorId: agentUser.id });
    await settle(page, `/desk/cases/${phoneCase.number}`);
    await page.getByRole('heading', { name: `Am Telefon notiert von ${AGENT.name} (Anruf von ${ANNA.name})` }).waitFor();
    assert.match(await page.locator('.case-meta').innerText(), new RegExp(`Zuständig\\s+${AGENT.name}`));
    const demoPhone = (await server.runtime.ctx.store.cases.list({})).find((c) => c.channel === 'phone' && c.id !== phoneCase.id)!;
    await settle(page, `/desk/cases/${demoPhone.number}`);
    await page.getByRole('heading', { name: /^Am Telefon notiert \(Anruf von / }).first().waitFor();

        // The portal refuses a PDF in German only, and says what works instead.
    const customer = await pageAs(ANNA);
    const anna = (await server.runtime.ctx.store.users.findByEmail(ANNA.email))!;
    const annaCase = (await server.runtime.ctx.store.cases.list({ customerId: anna.id, status: ['new', 'open', 'waiting_for_customer'] }))[0]!;
    await settle(customer, `/cases/${annaCase.number}`);
    await customer.getByLabel('Nachricht').fill('Hier das Protokoll.');
    await customer.getByLabel('Anhänge').setInputFiles({ name: 'protokoll.pdf', mimeType: 'application/pdf', buffer: PDF });
    await customer.getByRole('button', { name: 'Senden' }).click();
    const refusal = customer.locator('.file-rejected .field-error');
    await refusal.waitFor();
    const said = await refusal.innerText();
    assert.match(said, /Dateityp nicht erlaubt\. Packen Sie die Datei in ein ZIP-Archiv/);
    assert.doesNotMatch(said, /is not allowed|type application/, `no English in: ${said}`);
  });

  test('in German, the admin header stays on one line at 1280 px', async () => {
    const page = await pageAs(ADMIN);
    await settle(page, '/admin');
    if ((await page.locator('html').getAttribute('lang')) !== 'de') {
      await page.locator('#lang-select').selectOption('de');
      await page.getByRole('link', { name: 'Fälle', exact: true }).waitFor();
    }
    const tops = await page.locator('.site-header nav li, .header-tools > *').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)));
    const widths = await page.locator('.brand, .site-header nav, .header-tools, .header-tools > *').evaluateAll((els) => els.map((e) => `${e.className || e.tagName}:${Math.round(e.getBoundingClientRect().width)}`));
    const spread = Math.max(...tops) - Math.min(...tops);
    await screenshot(page, 'daily-admin-header-de-1280');
    assert.ok(spread <= 8, `nav and tools on one line (centres within 8 px), got ${tops.join(', ')}; widths ${widths.join(', ')}`);

    // Settings as fields: no raw JSON, no true/false.
    await settle(page, '/admin/settings');
    const fixed = page.locator('.fixed-settings');
    assert.equal(await fixed.locator('pre').count(), 0);
    assert.doesNotMatch(await fixed.innerText(), /\btrue\b|\bfalse\b|[{}"]/);
    assert.equal(await page.getByLabel('No-Reply-Adresse (Bestätigungen, Hinweise)').inputValue(), 'no-reply@support.example.com');
    await page.getByRole('checkbox', { name: /^Relay konfiguriert: nein$/ }).waitFor();

    // The overview's charts: German axes, readable type.
    await settle(page, '/desk/overview');
    const axisTexts = await page.locator('svg.plot .axis text').allTextContents();
    assert.ok(axisTexts.includes('Tag (UTC)') && axisTexts.includes('E-Mails'), axisTexts.join(' | '));
    assert.ok(axisTexts.some((x) => /^\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.?$/.test(x)), `German day labels: ${axisTexts.join(' | ')}`);
    const smallest = await page.locator('svg.plot .axis text').evaluateAll((els) => Math.min(...els.map((e) => e.getBoundingClientRect().height)));
    assert.ok(smallest >= 11, `axis labels at least 11 px high on screen, got ${smallest}`);
    await screenshot(page, 'daily-admin-header-de-1280');
  });
});

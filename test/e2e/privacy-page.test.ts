import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { freshContext, launchBrowser, screenshot, seriousViolations, startWebServer } from '../support/browser.js';
import { type Server } from '../../src/server.js';
import { seedDemo, DEMO_LOGINS } from '../../src/app/demo.js';

const ADMIN = DEMO_LOGINS.find((l) => l.role === 'admin')!;
const BEN = DEMO_LOGINS.find((l) => l.email === 'ben@kunde.example')!;

async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  const v = await seriousViolations(page);
  assert.deepEqual(v, [], `${name}: axe found serious/critical violations:\n${v.join('\n')}`);
}

describe('admin data-protection page (Chromium)', () => {
  let server: Server;
  let cleanup: () => void;
  let browser: Browser;
  let baseURL: string;

  before(async () => {
    ({ server, baseURL, cleanup } = await startWebServer({ env: {
          SUPPORTAL_SMTP_PORT: '',
          SUPPORTAL_SECRET: 'e2e-test-secret-0123456789-abcdefghij',
      } }));
    await seedDemo(server.runtime.ctx);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup?.();
  });

  test('look up, export, set retention and erase with confirmation; the log shows who did what', async () => {
    const ctx = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto('/login');
    await p.getByLabel(/^E-mail address/).fill(ADMIN.email);
    await p.getByLabel(/^Password/).fill(ADMIN.password);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/login'));
    await p.goto('/admin');
    await p.getByRole('link', { name: 'Data protection' }).click();
    await p.getByRole('heading', { name: 'Data protection', level: 1 }).waitFor();

    await p.getByLabel('E-mail address').fill(BEN.email);
    await p.getByRole('button', { name: 'Look up' }).click();
    await p.getByRole('heading', { name: `Stored about ${BEN.email}` }).waitFor();
    await p.getByText(/^Open cases?: #\d+/).waitFor();
    await checkPage(p, 'privacy-01-lookup');

    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: 'Download export (ZIP)' }).click()]);
    const zip = readFileSync((await download.path())!);
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
    assert.ok(zip.includes(Buffer.from('person.json')));

    await p.getByLabel('Delete raw sources of processed mails after (days)').fill('90');
    await p.getByRole('button', { name: 'Save retention' }).click();
    await p.getByText('Saved. The next sweep (hourly) applies it.').waitFor();

    // A mistyped confirmation erases nothing.
    await p.getByLabel('Type the e-mail address again to confirm').fill('someone@else.example');
    await p.getByRole('button', { name: 'Erase', exact: true }).click();
    await p.getByText('The address does not match.').waitFor();
    assert.ok(await server.runtime.ctx.store.users.findByEmail(BEN.email));
    // Without force the open case stops it.
    await p.getByLabel('Type the e-mail address again to confirm').fill(BEN.email);
    await p.getByRole('button', { name: 'Erase', exact: true }).click();
    await p.getByText(/The person has open cases/).waitFor();
    await p.getByLabel('Erase although cases are open (they are closed)').check();
    await p.getByRole('button', { name: 'Erase', exact: true }).click();
    await p.getByText(/^Erased: \d+ cases/).waitFor();
    assert.equal(await server.runtime.ctx.store.users.findByEmail(BEN.email), null);

    const log = p.getByRole('region', { name: 'Log' });
    await log.getByRole('cell', { name: 'Erasure' }).waitFor();
    await log.getByRole('cell', { name: 'Export' }).waitFor();
    await log.getByRole('cell', { name: 'Retention changed' }).waitFor();
    assert.ok((await log.getByRole('cell', { name: ADMIN.email }).count()) >= 3, 'the actor is shown by address');
    await checkPage(p, 'privacy-02-erased');
    await ctx.close();
  });
});

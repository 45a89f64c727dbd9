import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dialectLeftOut } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { repoRoot } from '../support/corpus.js';
import { ensureWebBuild, freshContext, launchBrowser } from '../support/browser.js';
import { rgbPng } from '../support/png.js';
import { httpHarness, type Harness } from '../integration/http-harness.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';

interface Corpus { source: string; licence: string; payloads: Array<{ section: string; payload: string }> }
const corpus = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/xss/owasp-filter-evasion.json'), 'utf8')) as Corpus;

const CUSTOMER = { email: 'xavier@customer.example', password: 'xavier-password-1' };
const AGENT = { email: 'agent@vendor.example', password: 'agent-password-1' };
/** Payloads per case: a case page shows each of them as a message, an attachment and an inbound mail. */
const PER_CASE = 12;
const PNG = rgbPng(4, 4, () => Buffer.alloc(12, 200));

/**
 * Everything in the page (and its frames) that would show a payload at work: a dialog
 * (alert/confirm/prompt/print), a popup, a navigation of the page itself, and any request for
 * another origin. Requests to other origins are also aborted, so that the test never depends on
 * the network.
 */
interface Watch { executed: string[]; foreign: string[] }
async function watch(context: BrowserContext, page: Page, origin: string, w: Watch): Promise<void> {
  await context.route((url) => url.origin !== origin && /^(https?|wss?|ftp):$/.test(url.protocol), async (route) => {
    w.foreign.push(route.request().url());
    await route.abort();
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/^(https?|wss?|ftp):$/.test(u.protocol) && u.origin !== origin) w.foreign.push(r.url());
  });
  page.on('dialog', (d) => {
    w.executed.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on('popup', (p) => w.executed.push(`popup: ${p.url()}`));
  page.on('framenavigated', (f) => {
    const u = new URL(f.url());
    if (f === page.mainFrame() && u.protocol !== 'about:' && u.origin !== origin) w.executed.push(`navigated to ${f.url()}`);
  });
}

async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^(E-mail address|E-Mail-Adresse)/).fill(email);
  await page.getByLabel(/^(Password|Passwort)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Anmelden)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Opens a page, shows every e-mail's HTML (each in its sandboxed frame) and waits until the network is quiet. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  const buttons = page.getByRole('button', { name: /^(Show the HTML version|HTML-Fassung anzeigen)$/ });
  // A clicked button gives way to its frame: always click the first one left.
  while ((await buttons.count()) > 0) await buttons.first().click();
  await page.waitForLoadState('networkidle');
}

describe('RELIABILITY W25 / W3: the OWASP XSS filter-evasion payloads, as a customer\'s mail, run nowhere in the portal (Chromium)', { skip: dialectLeftOut('sqlite') }, () => {
  let h: Harness;
  let browser: Browser;
  let origin: string;
  const cases: number[] = [];
  const messageIds: string[] = [];

  before(async () => {
    ensureWebBuild();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    h = await httpHarness('sqlite', undefined, { env: { SUPPORTAL_PUBLIC_URL: origin } });
    await h.app.listen({ host: '127.0.0.1', port });
    await addUser(h.ctx, { role: 'customer', email: CUSTOMER.email, name: 'Xavier', org: 'Payload GmbH', password: CUSTOMER.password, lang: 'en' });
    await addUser(h.ctx, { role: 'agent', email: AGENT.email, name: 'Agnes', password: AGENT.password, lang: 'en' });
    const deps = createIngestDeps(h.rt.config);
    for (let start = 0; start < corpus.payloads.length; start += PER_CASE) {
      const group = corpus.payloads.slice(start, start + PER_CASE);
      // The case subject is a payload too (desk queue, case title, notifications).
      const c = await openCase(h.ctx, { customer: CUSTOMER.email, subject: group[0]!.payload.replace(/[\r\n\0]/g, ' ').slice(0, 300), body: 'payload corpus' });
      cases.push(c.number);
      const parent = (await addAgentReply(h.ctx, { caseNumber: c.number, agent: AGENT.email, body: 'Please send the details.' })).messageId;
      for (const [k, { payload }] of group.entries()) {
        const i = start + k;
        const raw = await new MailComposer({
          from: { name: payload, address: CUSTOMER.email },
          to: 'support@support.example.com',
          subject: payload,
          inReplyTo: `<${parent}>`,
          references: [`<${parent}>`],
          text: `XSS-${i} text: ${payload}`,
          html: `<p>XSS-${i} html:</p>${payload}`,
          attachments: [{ filename: `${payload}.png`, content: PNG, contentType: 'image/png' }],
        }).compile().build();
        const received = await receiveMail(h.ctx, { raw, channel: 'pipe', envelopeFrom: CUSTOMER.email, envelopeTo: ['support@support.example.com'] });
        const outcome = await processInboundMail(h.ctx, deps, received.mailId, null);
        assert.equal(outcome.status, 'accepted', `payload ${i} (${corpus.payloads[i]!.section}): ${outcome.reason} ${outcome.detail ?? ''}`);
        messageIds.push(outcome.accepted!.messageId);
      }
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await closeParseWorkers();
    await h?.dispose();
  });

  test('the watch sees a dialog and a foreign request when one happens (positive control)', async () => {
    const context = await freshContext(browser, { baseURL: origin });
    const page = await context.newPage();
    const w: Watch = { executed: [], foreign: [] };
    await watch(context, page, origin, w);
    // A blank page has no CSP of ours: the control must reach the listeners, not the policy.
    await page.goto('about:blank');
    await page.evaluate(() => {
      alert('control');
      void fetch('http://192.0.2.1/control', { mode: 'no-cors' }).catch(() => {});
    });
    await page.waitForLoadState('networkidle');
    await context.close();
    assert.deepEqual(w.executed, ['alert: control']);
    assert.deepEqual([...new Set(w.foreign)], ['http://192.0.2.1/control']);
  });

  for (const who of ['agent', 'customer'] as const) {
    test(`as the ${who}: queue, every case with its messages, HTML and files, the mail log: nothing runs, nothing leaves`, async () => {
      const context = await freshContext(browser, { baseURL: origin });
      const page = await context.newPage();
      const w: Watch = { executed: [], foreign: [] };
      await watch(context, page, origin, w);
      const account = who === 'agent' ? AGENT : CUSTOMER;
      await login(page, account.email, account.password);
      const casePath = (n: number) => (who === 'agent' ? `/desk/cases/${n}` : `/cases/${n}`);
      const lists = who === 'agent' ? ['/desk', '/desk/mails', '/desk/notifications', '/desk/overview'] : ['/cases', '/mails'];
      for (const path of lists) await visit(page, path);
      let shown = 0;
      let frames = 0;
      for (const n of cases) {
        await visit(page, casePath(n));
        const text = await page.locator('body').innerText();
        shown += corpus.payloads.filter((_, i) => text.includes(`XSS-${i} text:`)).length;
        // Each e-mail's HTML is in a frame sandboxed without any allowance (no scripts, no same origin).
        const sandboxes = await page.locator('iframe').evaluateAll((frames) => frames.map((f) => f.getAttribute('sandbox')));
        assert.ok(sandboxes.every((s) => s === ''), `mail frames: ${JSON.stringify(sandboxes)}`);
        frames += sandboxes.length;
      }
      if (who === 'customer') {
        // The portal shows customers no HTML view, but the document is theirs to open: opened on
        // its own, its CSP `sandbox` keeps it as inert as the frame does.
        for (const id of messageIds) {
          const res = await page.goto(`/api/messages/${id}/html`);
          assert.equal(res?.status(), 200);
          await page.waitForLoadState('networkidle');
        }
      }
      await context.close();
      assert.equal(shown, corpus.payloads.length, 'every payload was on screen as text');
      assert.equal(frames, who === 'agent' ? corpus.payloads.length : 0, 'staff see every payload as HTML, each in its sandboxed frame');
      assert.deepEqual(w.executed, [], 'nothing executed');
      assert.deepEqual([...new Set(w.foreign)], [], 'no request left for another origin');
    });
  }
});

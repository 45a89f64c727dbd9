import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { freshDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { ensureWebBuild, freshContext, launchBrowser, screenshot, seriousViolations } from '../support/browser.js';
import { startDovecot, type DovecotHandle } from '../support/dovecot.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';
import { plainMail } from '../support/mail-builders.js';
import { startServer, type Server } from '../../src/server.js';
import { seedDemo, DEMO_LOGINS } from '../../src/app/demo.js';
import { createMailboxStore } from '../../src/db/stores/mailboxes.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';

/**
 * The Google preset's "Connect mailbox", clicked through in Chromium: the admin creates the
 * mailbox, is sent to the (local) authorization server, signs in as the mailbox and consents,
 * comes back with a code that is exchanged with PKCE for a refresh token; the mailbox turns from
 * red to green and its mail is fetched from Dovecot with that grant's access tokens. The outgoing
 * relay (smtp-server) refuses the login meanwhile: its box on the same page is red.
 */

const ADMIN = DEMO_LOGINS.find((l) => l.role === 'admin')!;
const MAILBOX = 'support-de@supportal.localhost';
const HELPER_PASS = 'test-helper-password';

describe('Connect mailbox with the Google preset (Chromium)', () => {
  let server: Server;
  let cleanup: () => void;
  let browser: Browser;
  let baseURL: string;
  let idp: OidcServer;
  let dovecot: DovecotHandle;
  let relay: SMTPServer;

  before(async () => {
    ensureWebBuild();
    // A relay that refuses every login: the demo's mails wait in the outbox.
    relay = new SMTPServer({
      logger: false, disabledCommands: ['STARTTLS'], authMethods: ['PLAIN', 'LOGIN'], allowInsecureAuth: true,
      onAuth: (_auth, _session, callback) => callback(new Error('5.7.8 Authentication credentials invalid')),
    });
    relay.on('error', () => undefined);
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayPort = (relay.server.address() as { port: number }).port;
    idp = await startOidcServer();
    dovecot = await startDovecot([{ user: MAILBOX, pass: HELPER_PASS }], { oauth2: { introspectionUrl: idp.introspectionUrl } });
    const db = await freshDatabaseUrl('sqlite');
    cleanup = db.cleanup;
    const httpPort = await freePort();
    baseURL = `http://127.0.0.1:${httpPort}`;
    idp.addClient({ clientId: 'workspace-app', clientSecret: 'workspace-secret', redirectUris: [`${baseURL}/api/admin/mailboxes/oauth/callback`] });
    server = await startServer({
      env: {
        SUPPORTAL_DATA_DIR: db.dataDir,
        SUPPORTAL_DATABASE_URL: db.url,
        SUPPORTAL_HTTP_HOST: '127.0.0.1',
        SUPPORTAL_HTTP_PORT: String(httpPort),
        SUPPORTAL_SMTP_PORT: '',
        SUPPORTAL_PUBLIC_URL: baseURL,
        SUPPORTAL_SECRET: 'e2e-oauth-secret-0123456789-abcdefghij',
        SUPPORTAL_SENDER_AUTH: 'off',
        SUPPORTAL_LOG_LEVEL: 'silent',
        SUPPORTAL_RELAY_URL: `smtp://relay-user:relay-pass@127.0.0.1:${relayPort}`,
      },
    });
    await seedDemo(server.runtime.ctx);
    // An agent's answer for the refusing relay.
    const demoCase = await openCase(server.runtime.ctx, { customer: 'anna@kunde.example', subject: 'Relay test', body: 'Question' });
    await addAgentReply(server.runtime.ctx, { caseNumber: demoCase.number, agent: 'agent@example.com', body: 'Answer' });
    server.wakeOutbox();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    cleanup?.();
    await dovecot?.stop();
    await idp?.stop();
    if (relay) {
      const closed = new Promise<void>((resolve) => relay.server.close(() => resolve()));
      for (const c of relay.connections) c.close();
      await closed;
    }
  });

  test('create, connect in the browser, and the mail is fetched with the stored grant', async () => {
    await dovecot.append(MAILBOX, HELPER_PASS, plainMail({ from: 'kunde@example.org', to: MAILBOX, subject: 'Waiting for the connection', body: 'Hallo' }));
    const ctx = await freshContext(browser, { baseURL, locale: 'en-GB' });
    const p = await ctx.newPage();
    await p.goto('/login');
    await p.getByLabel(/^E-mail address/).fill(ADMIN.email);
    await p.getByLabel(/^Password/).fill(ADMIN.password);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/login'));
    await p.goto('/admin');
    await p.getByRole('link', { name: 'Mailboxes' }).click();
    await p.getByRole('heading', { name: 'Mailboxes', level: 1 }).waitFor();

    // The outgoing relay refused the login: red, with the relay's own words; the mails wait.
    const relayBox = p.locator('[data-relay]');
    for (let i = 0; i < 100 && (await relayBox.locator('[data-relay-state="login_refused"]').count()) === 0; i++) {
      await p.waitForTimeout(200);
      await p.reload();
    }
    await relayBox.getByText('The relay refused the login').waitFor();
    await relayBox.getByText(/535 5\.7\.8 Authentication credentials invalid/).waitFor();
    assert.ok(!(await relayBox.innerText()).includes('relay-pass'), 'no password on the page');

    await p.getByRole('button', { name: 'New mailbox' }).click();
    await p.getByLabel(/^Key/).fill('support-de');
    await p.getByLabel(/^Mailbox address/).fill(MAILBOX);
    await p.getByLabel(/^IMAP server/).fill(`imap://${dovecot.host}:${dovecot.port}/INBOX`);
    await p.getByLabel(/^Provider/).selectOption('google');
    await p.getByLabel(/^Client ID/).fill('workspace-app');
    await p.getByLabel(/^Client secret/).fill('workspace-secret');
    await p.getByLabel(/^Authority or issuer URL/).fill(idp.issuer);
    await p.getByRole('button', { name: 'Save mailbox' }).click();
    await p.getByText('Mailbox support-de saved.').waitFor();

    // Red until connected: the channel has no refresh token to get an access token with.
    const row = p.locator('tr[data-mailbox="support-de"]');
    for (let i = 0; i < 100 && (await row.locator('[data-state="not_connected"]').count()) === 0; i++) {
      await p.waitForTimeout(200);
      await p.reload();
    }
    await row.getByText('Not connected: use “Connect mailbox”').waitFor();
    await screenshot(p, 'mailboxes-01-not-connected');
    assert.deepEqual(await seriousViolations(p), []);

    await row.getByRole('button', { name: 'Connect mailbox' }).click();
    // The authorization server's own pages (oidc-provider's sign-in and consent).
    await p.waitForURL((u) => u.origin === idp.issuer);
    await p.locator('input[name="login"]').fill(MAILBOX);
    await p.locator('input[name="password"]').fill('any password');
    await p.getByRole('button', { name: 'Sign-in' }).click();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL((u) => u.origin === baseURL && u.pathname === '/admin/mailboxes');
    assert.equal(new URL(p.url()).searchParams.get('connected'), 'support-de');
    await p.getByText('Mailbox support-de is connected: the refresh token is stored.').waitFor();

    const inbound = server.runtime.ctx.store.inbound;
    for (let i = 0; i < 150 && (await inbound.list({ from: 'kunde@example.org' })).length === 0; i++) await p.waitForTimeout(200);
    assert.equal((await inbound.list({ from: 'kunde@example.org' })).length, 1, 'the waiting mail was fetched');
    for (let i = 0; i < 100 && (await row.locator('[data-state="ok"]').count()) === 0; i++) {
      await p.waitForTimeout(200);
      await p.reload();
    }
    await row.getByText('Working').waitFor();
    await screenshot(p, 'mailboxes-02-connected');

    const stored = (await createMailboxStore(server.runtime.db).get('support-de'))!;
    assert.equal(stored.state.code, 'ok');
    assert.ok(stored.sealedSecrets && !stored.sealedSecrets.includes('workspace-secret'), 'secrets sealed');
    assert.equal(idp.issued('workspace-app').refreshTokens >= 1, true);
    await ctx.close();
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects, freshDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { startDovecot, type DovecotHandle } from '../support/dovecot.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { pythonReply } from '../support/mail-builders.js';
import { startServer, type Server } from '../../src/server.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { createMailboxStore } from '../../src/db/stores/mailboxes.js';
import { describeConfig } from '../../src/config/config.js';

/**
 * `serve` with two inbound mailboxes from SUPPORTAL_MAILBOXES, each with its own OAuth2
 * credentials (support@ with the Microsoft 365 preset, support-de@ with the generic OIDC preset),
 * fetched from Dovecot with its oauth2 passdb, and the relay logging in with XOAUTH2 as support@:
 * customer replies in both mailboxes reach their case and the receipts leave through the relay.
 */

const SUPPORT = 'support@support.example.com';
const SUPPORT_DE = 'support-de@support.example.com';
const MS_SECRET = 'ms-client-secret-never-in-the-database';
const DE_SECRET = 'de-client-secret-never-in-the-database';

async function waitFor<T>(what: string, probe: () => Promise<T> | T, ms = 30_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const dialect of testedDialects()) {
  describe(`several OAuth2 mailboxes in serve (${dialect})`, () => {
    let idp: OidcServer;
    let dovecot: DovecotHandle;
    let relay: SmtpSink;
    let server: Server;
    let cleanup: () => void;
    const users = [SUPPORT, SUPPORT_DE].map((user) => ({ user, pass: 'test-helper-password' }));

    before(async () => {
      idp = await startOidcServer({ tenant: 'contoso-tenant' });
      idp.addClient({ clientId: 'ms-app', clientSecret: MS_SECRET, mailbox: SUPPORT, authMethod: 'client_secret_post' });
      idp.addClient({ clientId: 'de-app', clientSecret: DE_SECRET, mailbox: SUPPORT_DE });
      dovecot = await startDovecot(users, { oauth2: { introspectionUrl: idp.introspectionUrl } });
      relay = await startSmtpSink({
        xoauth2: {
          async validate(user, token) {
            const r = await idp.introspect(token);
            return r.active && r.username === user;
          },
        },
      });
      const db = await freshDatabaseUrl(dialect);
      cleanup = db.cleanup;
      const imapUrl = `imap://${dovecot.host}:${dovecot.port}/INBOX`;
      server = await startServer({
        env: {
          SUPPORTAL_DATA_DIR: db.dataDir,
          SUPPORTAL_DATABASE_URL: db.url,
          SUPPORTAL_HTTP_PORT: String(await freePort()),
          SUPPORTAL_SMTP_PORT: '',
          SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
          SUPPORTAL_PUBLIC_URL: 'https://portal.example.com',
          SUPPORTAL_SECRET: 'oauth-mailboxes-test-secret-0123456789',
          SUPPORTAL_SENDER_AUTH: 'off',
          SUPPORTAL_LOG_LEVEL: 'silent',
          SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '1000',
          SUPPORTAL_RELAY_URL: `smtp://127.0.0.1:${relay.port}?oauth=support`,
          SUPPORTAL_MAILBOXES: JSON.stringify([
            { key: 'support', user: SUPPORT, imapUrl, oauth: { preset: 'microsoft', tenant: 'contoso-tenant', clientId: 'ms-app', clientSecret: MS_SECRET, issuer: idp.issuer } },
            { key: 'support-de', user: SUPPORT_DE, imapUrl, oauth: { preset: 'oidc', clientId: 'de-app', clientSecret: DE_SECRET, issuer: idp.issuer, scope: 'imap' } },
          ]),
        },
      });
    });
    after(async () => {
      await server?.stop();
      cleanup?.();
      await relay?.stop();
      await dovecot?.stop();
      await idp?.stop();
    });

    test('replies in both mailboxes reach their cases and the receipts go out over XOAUTH2', async () => {
      const ctx = server.runtime.ctx;
      await addUser(ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', org: 'Kunde GmbH', lang: 'de' });
      await addUser(ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Alex Agent' });
      const c = await openCase(ctx, { customer: 'anna@kunde.example', subject: 'Export bricht ab', body: 'Der Export bricht ab.' });
      const r = await addAgentReply(ctx, { caseNumber: c.number, agent: 'agent@vendor.example', body: 'Bitte senden Sie uns das Log.' });
      const agentMail = (await ctx.store.outbound.raw(r.outboundId))!;
      server.wakeOutbox();
      // The agent's reply itself leaves through the OAuth2 relay.
      await relay.waitFor(1, 30_000);

      for (const [mailbox, body] of [[SUPPORT, 'Hier ist das Log.'], [SUPPORT_DE, 'Und noch ein Screenshot.']] as const) {
        // The delivering MTA's Return-Path, as Exchange and Gmail write it: with sender checks off,
        // a receipt goes out only when it equals the From (RELIABILITY E1).
        const reply = Buffer.concat([Buffer.from('Return-Path: <anna@kunde.example>\r\n'), pythonReply(agentMail, { from: 'Anna Kunde <anna@kunde.example>', to: mailbox, body })]);
        await dovecot.append(mailbox, 'test-helper-password', reply);
      }
      const mails = await waitFor('both replies processed', async () => {
        const list = await ctx.store.inbound.list({ from: 'anna@kunde.example' });
        return list.length === 2 && list.every((m) => m.status !== 'received') ? list : null;
      });
      assert.deepEqual(mails.map((m) => m.status).sort(), ['accepted', 'accepted'], JSON.stringify(mails.map((m) => m.reason)));
      // Two receipts to Anna, after the agent's mail.
      const sent = await relay.waitFor(3, 30_000);
      assert.equal(sent.filter((m) => m.envelope.to.includes('anna@kunde.example')).length, 3);
      assert.ok(relay.logins.length >= 1 && relay.logins.every((l) => l.method === 'XOAUTH2' && l.user === SUPPORT && l.ok), JSON.stringify(relay.logins));
      for (const mailbox of [SUPPORT, SUPPORT_DE]) assert.deepEqual(await dovecot.messages(mailbox, 'test-helper-password'), [], `${mailbox} emptied into storage`);

      const store = createMailboxStore(server.runtime.db);
      const states = await waitFor('both states ok', async () => {
        const list = await store.list();
        return list.every((m) => m.state.code === 'ok') ? list : null;
      });
      assert.deepEqual(states.map((m) => [m.definition.key, m.source]), [['support', 'config'], ['support-de', 'config']]);
    });

    test('client secrets are sealed in the database and masked by print-config', async () => {
      const rows = await server.runtime.db.db.selectFrom('mailboxes').selectAll().execute();
      assert.equal(rows.length, 2);
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes(MS_SECRET) && !dump.includes(DE_SECRET), 'no secret in the clear');
      for (const r of rows) assert.match(r.secrets ?? '', /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      const printed = JSON.stringify(describeConfig(server.runtime.config));
      assert.ok(!printed.includes(MS_SECRET) && !printed.includes(DE_SECRET), 'print-config masks them');
      assert.match(printed, /SUPPORTAL_MAILBOXES/);
      assert.match(printed, /clientSecret\\":\\"\*{8}/);
    });
  });
}

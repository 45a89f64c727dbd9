import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { pino } from 'pino';
import type { MailboxStateCode, OAuthSettings } from '../../src/app/mailboxes/mailbox.js';
import type { ReceiveResult } from '../../src/app/ingest/receive-mail.js';
import { createAccessTokenSource } from '../../src/oauth/access-token-source.js';
import { startImapSource, type ImapSource } from '../../src/inbound/sources/imap-source.js';
import { testedDialects } from '../support/databases.js';
import { startDovecot, type DovecotHandle } from '../support/dovecot.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';

/**
 * The mailbox channel over OAuth2 against real servers on loopback: oidc-provider as the
 * authorization server (client credentials for the Microsoft and generic presets, a refresh token
 * for the Google preset) and Dovecot, whose oauth2 passdb checks every token at the server's
 * introspection endpoint.
 */

const log = pino({ level: 'silent' });
const NO_POLL_MS = 10 * 60_000;
const TENANT = 'tenant-a';

function mail(subject: string): Buffer {
  return Buffer.from(
    `From: Customer <customer@example.org>\r\nTo: support@support.example.com\r\nSubject: ${subject}\r\n` +
      `Message-ID: <${subject.replace(/\W/g, '')}@example.org>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nHello,\r\nplease help.\r\n`,
    'latin1',
  );
}

async function waitFor<T>(what: string, probe: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function microsoft(idp: OidcServer, clientId: string, over: Partial<OAuthSettings> = {}): OAuthSettings {
  return { preset: 'microsoft', clientId, tenant: TENANT, issuer: idp.issuer, scope: null, credential: 'secret', certificatePem: null, ...over };
}

interface Running {
  source: ImapSource;
  tokens: ReturnType<typeof createAccessTokenSource>;
  stored: ReceiveResult[];
  states: Array<{ code: MailboxStateCode; detail: string | null }>;
  fetched: number[];
}

function run(rt: TestRuntime, dovecot: DovecotHandle, user: string, settings: OAuthSettings, secrets: { clientSecret?: string; refreshToken?: string }, shared?: Running): Running {
  const r = { stored: [], states: [], fetched: shared?.fetched ?? [] } as unknown as Running;
  const tokens = shared?.tokens ?? createAccessTokenSource({
    user,
    settings,
    secrets: async () => secrets,
    onRefreshToken: async (t) => {
      secrets.refreshToken = t;
    },
    onFetched: (t) => r.fetched.push(t.expiresAt ?? 0),
  });
  r.tokens = tokens;
  r.source = startImapSource({
    // No password in the URL: the login is the token's.
    url: `imap://${encodeURIComponent(user)}@${dovecot.host}:${dovecot.port}/INBOX`,
    ctx: rt.ctx,
    log,
    pollMs: NO_POLL_MS,
    tokens,
    key: 'support',
    onStored: (s) => r.stored.push(s),
    onState: (code, detail) => r.states.push({ code, detail }),
  });
  return r;
}

for (const dialect of testedDialects(['sqlite'])) {
  describe(`mailbox channel over OAuth2 (${dialect})`, () => {
    let idp: OidcServer;
    let both: DovecotHandle;
    let xoauth2Only: DovecotHandle;
    let rt: TestRuntime;
    const users = ['support@example.com', 'support-de@example.com', 'revoked@example.com', 'idle@example.com', 'renew@example.com', 'other@example.com'].map((u) => ({ user: u, pass: 'plain-for-the-test-helper' }));
    const pass = 'plain-for-the-test-helper';

    before(async () => {
      idp = await startOidcServer({ tenant: TENANT });
      const introspection = { introspectionUrl: idp.introspectionUrl };
      [both, xoauth2Only] = await Promise.all([
        startDovecot(users, { oauth2: introspection }),
        startDovecot(users, { oauth2: { ...introspection, mechanisms: ['xoauth2'] } }),
      ]);
      rt = await testRuntime(dialect);
    });
    after(async () => {
      await rt?.dispose();
      await Promise.all([both?.stop(), xoauth2Only?.stop()]);
      await idp?.stop();
    });

    test('Microsoft preset, client credentials: fetched with OAUTHBEARER, and with XOAUTH2 where only that is offered', async () => {
      idp.addClient({ clientId: 'ms-app', clientSecret: 'ms-secret', mailbox: 'support@example.com', authMethod: 'client_secret_post' });
      for (const [server, method] of [[both, 'OAUTHBEARER'], [xoauth2Only, 'XOAUTH2']] as const) {
        await server.append('support@example.com', pass, mail(`Over ${method}`));
        const r = run(rt, server, 'support@example.com', microsoft(idp, 'ms-app'), { clientSecret: 'ms-secret' });
        try {
          await waitFor(`the mail over ${method}`, () => r.stored.length === 1);
          await waitFor('the state ok', () => r.states.some((s) => s.code === 'ok'));
        } finally {
          await r.source.stop();
        }
        assert.deepEqual(await server.messages('support@example.com', pass), [], 'stored and moved out of the INBOX');
        const logins = (await server.log()).split('\n').filter((l) => l.includes('Login: user=<support@example.com>'));
        assert.ok(logins.some((l) => l.includes(`method=${method}`)), `a login with ${method}: ${logins.join(' | ')}`);
      }
    });

    test('generic OIDC preset: issuer discovery plus client credentials', async () => {
      idp.addClient({ clientId: 'oidc-app', clientSecret: 'oidc-secret', mailbox: 'other@example.com' });
      await both.append('other@example.com', pass, mail('Generic OIDC'));
      const r = run(rt, both, 'other@example.com', { ...microsoft(idp, 'oidc-app'), preset: 'oidc', tenant: null, scope: 'imap' }, { clientSecret: 'oidc-secret' });
      try {
        await waitFor('the mail', () => r.stored.length === 1);
      } finally {
        await r.source.stop();
      }
      assert.equal(r.states.at(-1)?.code, 'ok');
    });

    test('a token the server stopped accepting is renewed once and the login tried again (RELIABILITY O3)', async () => {
      idp.addClient({ clientId: 'renew-app', clientSecret: 'renew-secret', mailbox: 'renew@example.com', authMethod: 'client_secret_post' });
      const r = run(rt, both, 'renew@example.com', microsoft(idp, 'renew-app'), { clientSecret: 'renew-secret' });
      try {
        await waitFor('the first login', () => r.states.some((s) => s.code === 'ok'));
        // The cached token becomes worthless (its grant revoked server-side, the client stays).
        await idp.revokeGrants('renew-app');
        await both.append('renew@example.com', pass, mail('After a revoked token'));
        // A new connection (as after a dropped one) logs in with the cached token first.
        await r.source.stop();
        const fetchedBefore = r.fetched.length;
        const again = run(rt, both, 'renew@example.com', microsoft(idp, 'renew-app'), { clientSecret: 'renew-secret' }, r);
        try {
          await waitFor('the mail', () => again.stored.length === 1);
          assert.deepEqual(again.states.map((s) => s.code), ['ok']);
          assert.equal(r.fetched.length, fetchedBefore + 1, 'one renewed token');
        } finally {
          await again.source.stop();
        }
      } finally {
        await r.source.stop();
      }
    });

    test('a token expiring during IDLE is renewed and no message is lost (RELIABILITY O2)', async () => {
      // Tokens of this server live 4 s: the connection must log in anew before each one ends.
      const shortIdp = await startOidcServer({ tenant: TENANT, accessTokenTtlSeconds: 4 });
      const server = await startDovecot(users, { oauth2: { introspectionUrl: shortIdp.introspectionUrl } });
      try {
        shortIdp.addClient({ clientId: 'idle-app', clientSecret: 'idle-secret', mailbox: 'idle@example.com', authMethod: 'client_secret_post' });
        const r = run(rt, server, 'idle@example.com', microsoft(shortIdp, 'idle-app'), { clientSecret: 'idle-secret' });
        try {
          await waitFor('the first login', () => r.states.some((s) => s.code === 'ok'));
          await server.append('idle@example.com', pass, mail('During the first token'));
          await waitFor('the first mail (IDLE)', () => r.stored.length === 1);
          const firstTokenExpiry = r.fetched[0]!;
          // Wait until the first token has expired: from then on only a renewed token logs in.
          await waitFor('the first token to expire', () => Date.now() > firstTokenExpiry + 500, 15_000);
          await server.append('idle@example.com', pass, mail('After the first token expired'));
          await waitFor('the second mail', () => r.stored.length === 2, 20_000);
          await server.append('idle@example.com', pass, mail('Later still'));
          await waitFor('the third mail', () => r.stored.length === 3, 20_000);
        } finally {
          await r.source.stop();
        }
        assert.ok(r.fetched.length >= 2, `the token was renewed (${r.fetched.length} fetched)`);
        assert.equal(new Set(r.stored.map((s) => s.mailId)).size, 3);
        assert.deepEqual(await server.messages('idle@example.com', pass), [], 'nothing left behind');
        // And the expired token really is refused by the server: the renewal was needed.
        const stale = new ImapFlow({ host: server.host, port: server.port, secure: false, doSTARTTLS: false, logger: false, auth: { user: 'idle@example.com', accessToken: 'not-a-valid-token' } });
        await assert.rejects(stale.connect(), (e: Error & { authenticationFailed?: boolean }) => e.authenticationFailed === true);
        stale.close();
      } finally {
        await server.stop();
        await shortIdp.stop();
      }
    });

    test('Google preset: a revoked grant turns the mailbox red and leaves the mail on the server (RELIABILITY O1)', async () => {
      idp.addClient({ clientId: 'google-app', clientSecret: 'google-secret', redirectUris: ['http://127.0.0.1:1/cb'] });
      const refreshToken = await idp.mintRefreshToken('google-app', 'revoked@example.com', 'openid https://mail.google.com/');
      const settings: OAuthSettings = { ...microsoft(idp, 'google-app'), preset: 'google', tenant: null };
      const secrets = { clientSecret: 'google-secret', refreshToken };
      await both.append('revoked@example.com', pass, mail('Before the revocation'));
      const r = run(rt, both, 'revoked@example.com', settings, secrets);
      try {
        await waitFor('the first mail', () => r.stored.length === 1);
      } finally {
        await r.source.stop();
      }
      await idp.revokeGrants('google-app');
      await both.append('revoked@example.com', pass, mail('After the revocation'));
      const again = run(rt, both, 'revoked@example.com', settings, secrets);
      try {
        const state = await waitFor('the error state', () => again.states.find((s) => s.code !== 'ok'));
        assert.equal(state.code, 'grant_revoked');
        assert.match(state.detail ?? '', /connect the mailbox again/);
        await assert.rejects(again.source.fetchNow(), /grant_revoked/);
      } finally {
        await again.source.stop();
      }
      assert.equal(again.stored.length, 0);
      const left = await both.messages('revoked@example.com', pass);
      assert.equal(left.length, 1, 'the mail stays in the mailbox');
      assert.match(left[0]!.source.toString(), /After the revocation/);
    });

    test('a wrong tenant or a wrong client gives a clear error and the mail waits (RELIABILITY O1)', async () => {
      idp.addClient({ clientId: 'good-app', clientSecret: 'good-secret', mailbox: 'support-de@example.com', authMethod: 'client_secret_post' });
      await both.append('support-de@example.com', pass, mail('Waiting for the right settings'));
      const cases: Array<[Partial<OAuthSettings>, string, MailboxStateCode, RegExp]> = [
        [{ tenant: 'tenant-b' }, 'good-secret', 'tenant_not_found', /tenant "tenant-b" was not found/],
        [{ clientId: 'no-such-app' }, 'good-secret', 'invalid_client', /client ID or its secret/],
        [{}, 'wrong-secret', 'invalid_client', /client ID or its secret/],
      ];
      for (const [over, secret, code, words] of cases) {
        const r = run(rt, both, 'support-de@example.com', microsoft(idp, over.clientId ?? 'good-app', over), { clientSecret: secret });
        try {
          const state = await waitFor(code, () => r.states[0]);
          assert.equal(state.code, code);
          assert.match(state.detail ?? '', words);
        } finally {
          await r.source.stop();
        }
        assert.equal(r.stored.length, 0);
      }
      assert.equal((await both.messages('support-de@example.com', pass)).length, 1, 'the mail waits in the mailbox');
    });
  });
}

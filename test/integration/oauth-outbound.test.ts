import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OAuthSettings } from '../../src/app/mailboxes/mailbox.js';
import { TransportError } from '../../src/app/outbound/mail-transport.js';
import { createAccessTokenSource } from '../../src/oauth/access-token-source.js';
import { createSmtpTransport } from '../../src/outbound/smtp-transport.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/**
 * The relay over OAuth2: a real SMTP server (smtp-server) that takes only SASL XOAUTH2 and asks
 * oidc-provider's introspection endpoint about every token, as Exchange Online's SMTP AUTH does.
 */

const MAILBOX = 'support@example.com';
const raw = Buffer.from(`From: ${MAILBOX}\r\nTo: customer@example.org\r\nSubject: Receipt\r\nMessage-ID: <r1@example.com>\r\n\r\nThanks.\r\n`);

describe('outbound relay with XOAUTH2', () => {
  let idp: OidcServer;
  let relay: SmtpSink;
  let settings: OAuthSettings;

  before(async () => {
    idp = await startOidcServer({ tenant: 'tenant-a' });
    idp.addClient({ clientId: 'send-app', clientSecret: 'send-secret', mailbox: MAILBOX, authMethod: 'client_secret_post' });
    settings = { preset: 'microsoft', clientId: 'send-app', tenant: 'tenant-a', issuer: idp.issuer, scope: null, credential: 'secret', certificatePem: null };
    relay = await startSmtpSink({
      xoauth2: {
        async validate(user, token) {
          const r = await idp.introspect(token);
          return r.active && r.username === user;
        },
      },
    });
  });
  after(async () => {
    await relay?.stop();
    await idp?.stop();
  });

  test('sends with an access token of the mailbox; a refused token is renewed once (RELIABILITY O3)', async () => {
    let fetched = 0;
    const tokens = createAccessTokenSource({ user: MAILBOX, settings, secrets: async () => ({ clientSecret: 'send-secret' }), onFetched: () => fetched++ });
    const transport = createSmtpTransport(`${relay.url}?oauth=support`, { tokens });
    try {
      await transport.send({ from: MAILBOX, to: ['customer@example.org'] }, raw);
      assert.equal(relay.accepted.length, 1);
      assert.deepEqual(relay.logins, [{ method: 'XOAUTH2', user: MAILBOX, ok: true }]);
      assert.equal(fetched, 1);
    } finally {
      transport.close();
    }
    // The cached token is revoked server-side: a new connection is refused once, then renewed.
    await idp.revokeGrants('send-app');
    const again = createSmtpTransport(`${relay.url}?oauth=support`, { tokens });
    try {
      await again.send({ from: MAILBOX, to: ['customer@example.org'] }, raw);
    } finally {
      again.close();
    }
    assert.equal(relay.accepted.length, 2);
    assert.deepEqual(relay.logins.slice(1).map((l) => l.ok), [false, true]);
    assert.equal(fetched, 2);
  });

  test('a password is refused by this relay, and a wrong client secret is a temporary failure that keeps the mail (RELIABILITY O3)', async () => {
    const withPassword = createSmtpTransport(`smtp://${encodeURIComponent(MAILBOX)}:password@127.0.0.1:${relay.port}`);
    try {
      // A refused login is never a permanent failure of the mail: it waits in the outbox.
      await assert.rejects(withPassword.send({ from: MAILBOX, to: ['customer@example.org'] }, raw), (e: TransportError) => e.permanent === false && /^relay login failed/.test(e.message));
    } finally {
      withPassword.close();
    }
    const tokens = createAccessTokenSource({ user: MAILBOX, settings, secrets: async () => ({ clientSecret: 'wrong' }) });
    const wrong = createSmtpTransport(`${relay.url}?oauth=support`, { tokens });
    try {
      await assert.rejects(wrong.send({ from: MAILBOX, to: ['customer@example.org'] }, raw), (e: TransportError) => {
        assert.equal(e.permanent, false, 'retried later: the outbox keeps it');
        assert.match(e.message, /^relay login failed: no access token: invalid_client/);
        return true;
      });
    } finally {
      wrong.close();
    }
  });
});

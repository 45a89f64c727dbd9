import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OAuthSettings } from '../../src/app/mailboxes/mailbox.js';
import { OAuthError, authorizationCodeClient, requestAccessToken } from '../../src/oauth/token-client.js';
import { createAccessTokenSource, refreshMarginMs } from '../../src/oauth/access-token-source.js';
import { startOidcServer, type OidcServer } from '../support/oidc.js';

/**
 * The token requests of each preset against oidc-provider: the Microsoft preset with a
 * certificate (a signed client assertion, RFC 7523), token caching and renewal, and the
 * authorization URL of the connect flow (PKCE S256).
 */

function selfSignedCertificate(): { certificatePem: string; privateKeyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=supportal-test-app'], { stdio: 'ignore' });
    return { certificatePem: readFileSync(join(dir, 'cert.pem'), 'utf8'), privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } catch (err) {
    throw new Error(`openssl failed (install the Debian package openssl): ${(err as Error).message}`, { cause: err });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('OAuth2 token requests', () => {
  let idp: OidcServer;
  const cert = selfSignedCertificate();
  const other = selfSignedCertificate();

  before(async () => {
    idp = await startOidcServer({ tenant: 'tenant-a' });
    const jwk = { ...createPublicKey(cert.certificatePem).export({ format: 'jwk' }), use: 'sig', alg: 'RS256' };
    idp.addClient({ clientId: 'cert-app', clientSecret: 'unused-for-private-key-jwt', mailbox: 'support@example.com', jwks: { keys: [jwk] } });
    idp.addClient({ clientId: 'secret-app', clientSecret: 'the-secret', mailbox: 'support@example.com', authMethod: 'client_secret_post' });
    idp.addClient({ clientId: 'google-app', clientSecret: 'g', redirectUris: ['https://portal.example.com/api/admin/mailboxes/oauth/callback'] });
  });
  after(async () => idp?.stop());

  const microsoft = (over: Partial<OAuthSettings>): OAuthSettings => ({
    preset: 'microsoft', clientId: 'cert-app', tenant: 'tenant-a', issuer: idp.issuer, scope: null, credential: 'certificate', certificatePem: cert.certificatePem, ...over,
  });

  test('Microsoft preset with a certificate: a signed client assertion gets a token for the mailbox', async () => {
    const t = await requestAccessToken(microsoft({}), { privateKeyPem: cert.privateKeyPem });
    const info = await idp.introspect(t.accessToken);
    assert.equal(info.active, true);
    assert.equal(info.username, 'support@example.com');
    assert.ok(t.expiresAt && t.expiresAt > Date.now());
  });

  test('a certificate the app does not have is refused as invalid_client', async () => {
    await assert.rejects(requestAccessToken(microsoft({ certificatePem: other.certificatePem }), { privateKeyPem: other.privateKeyPem }), (e: OAuthError) => e.code === 'invalid_client');
    await assert.rejects(requestAccessToken(microsoft({}), { privateKeyPem: 'not a key' }), (e: OAuthError) => e.code === 'invalid_client' && /private key/.test(e.detail));
  });

  test('an unreachable authorization server is a temporary failure', async () => {
    await assert.rejects(requestAccessToken(microsoft({ issuer: 'http://127.0.0.1:9' }), { privateKeyPem: cert.privateKeyPem }), (e: OAuthError) => e.code === 'unreachable' && e.temporary);
  });

  test('the token is cached while fresh, renewed on request, and fetched once for concurrent callers', async () => {
    let fetched = 0;
    const tokens = createAccessTokenSource({
      user: 'support@example.com',
      settings: { ...microsoft({}), clientId: 'secret-app', credential: 'secret', certificatePem: null },
      secrets: async () => ({ clientSecret: 'the-secret' }),
      onFetched: () => fetched++,
    });
    const [a, b] = await Promise.all([tokens.token(false), tokens.token(false)]);
    assert.equal(a.value, b.value);
    assert.equal(fetched, 1);
    assert.equal((await tokens.token(false)).value, a.value);
    // 600 s tokens: due for renewal when a fifth (120 s) is left; an hour's token 5 minutes (the cap) before.
    assert.ok(a.renewAt !== null && a.expiresAt !== null && Math.abs(a.expiresAt - a.renewAt - 120_000) < 1000, `${a.expiresAt} - ${a.renewAt}`);
    assert.equal(refreshMarginMs(3600_000), 300_000);
    const renewed = await tokens.token(true);
    assert.notEqual(renewed.value, a.value);
    assert.equal(fetched, 2);
  });

  test('the connect flow\'s authorization URL carries PKCE S256, the state and the Google mail scope', async () => {
    const url = new URL(await authorizationCodeClient.authorizationUrl(
      { preset: 'google', clientId: 'google-app', tenant: null, issuer: idp.issuer, scope: null, credential: 'secret', certificatePem: null },
      { redirectUri: 'https://portal.example.com/api/admin/mailboxes/oauth/callback', state: 'st', codeChallenge: 'ch', loginHint: 'support@example.com' },
    ));
    assert.equal(url.origin, idp.issuer);
    const q = url.searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('code_challenge'), 'ch');
    assert.equal(q.get('state'), 'st');
    assert.equal(q.get('scope'), 'openid https://mail.google.com/');
    assert.equal(q.get('access_type'), 'offline');
    assert.equal(q.get('login_hint'), 'support@example.com');
  });
});

import { X509Certificate, createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { issuerOf, scopeOf, type MailboxSecrets, type MailboxStateCode, type OAuthSettings } from '../app/mailboxes/mailbox.js';
import type { AuthorizationCodeClient } from '../app/mailboxes/ports.js';

/**
 * The token endpoint side of OAuth2 for mailboxes (RFC 6749, RFC 7636 PKCE, RFC 7523 client
 * assertions, OpenID Connect Discovery), on Node's fetch: the three grants the presets use are a
 * single form POST each, so no OAuth library is carried for them.
 */

/** Why a token request failed, as a mailbox state code plus the server's words. */
export class OAuthError extends Error {
  constructor(readonly code: MailboxStateCode, readonly detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'OAuthError';
  }
  /** True when trying again later may help without an admin (network, 5xx). */
  get temporary(): boolean {
    return this.code === 'unreachable';
  }
}

export interface TokenAnswer {
  accessToken: string;
  /** epoch ms, or null when the answer had no expires_in. */
  expiresAt: number | null;
  refreshToken: string | null;
}

interface Discovery {
  token_endpoint: string;
  authorization_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
}

const HTTP_TIMEOUT_MS = 15_000;
// Discovery documents change rarely; an hour keeps a key rollover or a moved endpoint visible soon.
const DISCOVERY_TTL_MS = 60 * 60_000;
// A client assertion is used once, at once: 5 minutes covers clock skew (Entra allows up to 10).
const ASSERTION_LIFETIME_S = 300;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const discoveryCache = new Map<string, { at: number; doc: Discovery }>();

async function httpJson(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), redirect: 'error' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new OAuthError('unreachable', `${new URL(url).origin} cannot be reached: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status decides.
  }
  return { status: res.status, body };
}

async function discover(issuer: string): Promise<Discovery> {
  const hit = discoveryCache.get(issuer);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.doc;
  const url = `${issuer}/.well-known/openid-configuration`;
  const { status, body } = await httpJson(url, { headers: { accept: 'application/json' } });
  if (status >= 500) throw new OAuthError('unreachable', `the issuer's discovery document answered HTTP ${status}`);
  if (status !== 200 || typeof body.token_endpoint !== 'string') {
    throw new OAuthError('error', `${issuer} has no OpenID discovery document (HTTP ${status} for /.well-known/openid-configuration): check the issuer URL`);
  }
  const doc = body as unknown as Discovery;
  discoveryCache.set(issuer, { at: Date.now(), doc });
  return doc;
}

async function tokenEndpointOf(o: OAuthSettings): Promise<{ url: string; basic: boolean }> {
  if (o.preset === 'microsoft') {
    // Entra takes the client secret in the body; its token endpoint follows from the tenant.
    return { url: `${issuerOf(o)}/${encodeURIComponent(o.tenant ?? '')}/oauth2/v2.0/token`, basic: false };
  }
  const d = await discover(issuerOf(o));
  const methods = d.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  return { url: d.token_endpoint, basic: methods.includes('client_secret_basic') };
}

/** The x5t header of a certificate: base64url of its SHA-1 thumbprint, as Entra expects it. */
function thumbprintOf(certificatePem: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    throw new OAuthError('invalid_client', 'the certificate is not a PEM X.509 certificate');
  }
  return createHash('sha1').update(cert.raw).digest('base64url');
}

/** A signed JWT client assertion (RFC 7523) for the certificate credential. */
function clientAssertion(o: OAuthSettings, privateKeyPem: string, audience: string): string {
  const header = { alg: 'RS256', typ: 'JWT', x5t: thumbprintOf(o.certificatePem ?? '') };
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: audience, iss: o.clientId, sub: o.clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + ASSERTION_LIFETIME_S };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  let key;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new OAuthError('invalid_client', 'the certificate\'s private key is not a PEM private key');
  }
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The token endpoint's error as a state code: what an admin has to fix. */
function classify(o: OAuthSettings, status: number, body: Record<string, unknown>): OAuthError {
  const error = typeof body.error === 'string' ? body.error : '';
  const description = typeof body.error_description === 'string' ? body.error_description.split('\n')[0]!.slice(0, 300) : '';
  const words = [error, description].filter(Boolean).join(': ') || `HTTP ${status}`;
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  if (status >= 500) return new OAuthError('unreachable', `the token endpoint answered HTTP ${status}`);
  // AADSTS90002: tenant not found; AADSTS900023: tenant identifier malformed. A local server
  // without the tenant's path answers 404.
  if (o.preset === 'microsoft' && (status === 404 || codes.includes(90002) || codes.includes(900023) || /AADSTS9000?2/.test(description))) {
    return new OAuthError('tenant_not_found', `tenant "${o.tenant}" was not found at ${issuerOf(o)} (${words})`);
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return new OAuthError('invalid_client', `the client ID or its secret/certificate was refused, or the app is not registered there (${words})`);
  }
  if (error === 'invalid_grant') return new OAuthError('grant_revoked', `the grant was revoked or has expired: connect the mailbox again (${words})`);
  if (error === 'invalid_scope') return new OAuthError('error', `the scope was refused (${words})`);
  return new OAuthError('error', `the token request was refused (${words})`);
}

async function tokenRequest(o: OAuthSettings, secrets: MailboxSecrets, params: Record<string, string>): Promise<TokenAnswer> {
  const endpoint = await tokenEndpointOf(o);
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (o.preset === 'microsoft' && o.credential === 'certificate') {
    form.set('client_id', o.clientId);
    form.set('client_assertion_type', JWT_BEARER);
    form.set('client_assertion', clientAssertion(o, secrets.privateKeyPem ?? '', endpoint.url));
  } else if (secrets.clientSecret && endpoint.basic) {
    // RFC 6749 2.3.1: both parts form-urlencoded before base64.
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(o.clientId)}:${enc(secrets.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', o.clientId);
    if (secrets.clientSecret) form.set('client_secret', secrets.clientSecret);
  }
  const { status, body } = await httpJson(endpoint.url, { method: 'POST', headers, body: form.toString() });
  if (status !== 200 || typeof body.access_token !== 'string') throw classify(o, status, body);
  const expiresIn = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : null,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
  };
}

/**
 * A fresh access token for the mailbox: client credentials (Microsoft, generic OIDC) or the
 * stored refresh token (Google; `not_connected` when the connect flow has not run).
 */
export async function requestAccessToken(o: OAuthSettings, secrets: MailboxSecrets): Promise<TokenAnswer> {
  const scope = scopeOf(o);
  if (o.preset === 'google') {
    if (!secrets.refreshToken) throw new OAuthError('not_connected', 'the mailbox has not been connected yet: use "Connect mailbox" on the admin page');
    return tokenRequest(o, secrets, { grant_type: 'refresh_token', refresh_token: secrets.refreshToken });
  }
  return tokenRequest(o, secrets, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
}

/** The authorization-code flow with PKCE (S256) for the Google preset's "Connect mailbox". */
export const authorizationCodeClient: AuthorizationCodeClient = {
  async authorizationUrl(o, p) {
    const d = await discover(issuerOf(o));
    if (!d.authorization_endpoint) throw new OAuthError('error', `${issuerOf(o)} has no authorization endpoint`);
    const url = new URL(d.authorization_endpoint);
    const scope = scopeOf(o);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: o.clientId,
      redirect_uri: p.redirectUri,
      // Google issues a refresh token for access_type=offline (and refuses the scope
      // offline_access), other OpenID servers for offline_access; both only when consent is asked.
      scope: ['openid', o.preset === 'google' ? null : 'offline_access', scope].filter(Boolean).join(' '),
      state: p.state,
      code_challenge: p.codeChallenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      login_hint: p.loginHint,
    }).toString();
    return url.toString();
  },
  async exchangeCode(o, clientSecret, p) {
    const answer = await tokenRequest(o, clientSecret ? { clientSecret } : {}, {
      grant_type: 'authorization_code', code: p.code, redirect_uri: p.redirectUri, code_verifier: p.codeVerifier,
    });
    if (!answer.refreshToken) throw new OAuthError('error', 'the authorization server issued no refresh token (offline access was not granted)');
    return answer.refreshToken;
  },
};

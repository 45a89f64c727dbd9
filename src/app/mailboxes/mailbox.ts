/**
 * An inbound mailbox the mailbox channel fetches from, and how it logs in: a password, or OAuth2
 * (SASL XOAUTH2/OAUTHBEARER) with one of three presets:
 *
 * - `microsoft`: Microsoft 365 / Exchange Online, app-only client credentials against
 *   `<authority>/<tenant>/oauth2/v2.0/token` with the scope `https://outlook.office365.com/.default`;
 *   a client secret or a certificate (a signed client assertion).
 * - `google`: Google Workspace, authorization code with PKCE once ("Connect mailbox"), then the
 *   stored refresh token; endpoints from the issuer's discovery document.
 * - `oidc`: any other OAuth2/OIDC server: issuer discovery plus client credentials.
 *
 * `key` is the mailbox's stable name: it never changes after creation, so that a lease that
 * lets one node poll each mailbox, log lines and metrics can all name the mailbox by it.
 */

export const OAUTH_PRESETS = ['microsoft', 'google', 'oidc'] as const;
export type OAuthPreset = (typeof OAUTH_PRESETS)[number];

export const MICROSOFT_AUTHORITY = 'https://login.microsoftonline.com';
export const MICROSOFT_SCOPE = 'https://outlook.office365.com/.default';
export const GOOGLE_ISSUER = 'https://accounts.google.com';
/** Google's scope for IMAP and SMTP (there is no narrower one for either protocol). */
export const GOOGLE_SCOPE = 'https://mail.google.com/';

export interface OAuthSettings {
  preset: OAuthPreset;
  clientId: string;
  /** Microsoft: the directory (tenant) ID or a verified domain of the tenant. */
  tenant: string | null;
  /**
   * Microsoft: the authority base URL (default https://login.microsoftonline.com); Google: the
   * issuer (default https://accounts.google.com); generic OIDC: the issuer, required.
   * Overridable so that the tests run every preset against a local authorization server.
   */
  issuer: string | null;
  /** The scope asked for; empty = the preset's (generic OIDC: none). */
  scope: string | null;
  /** Microsoft: a client secret or a certificate (its private key is a secret). */
  credential: 'secret' | 'certificate';
  /** The certificate's PEM (public) for `credential: 'certificate'`. */
  certificatePem: string | null;
}

export interface MailboxDefinition {
  /** Stable name: lower-case letters, digits and dashes, 1–40 characters. */
  key: string;
  /** The IMAP login user, normally the mailbox's address. */
  user: string;
  /** `imap[s]://host[:port]/FOLDER`, without credentials. */
  imapUrl: string;
  auth: 'password' | 'oauth2';
  oauth: OAuthSettings | null;
}

/** What is sealed at rest; never logged, never answered by the API. */
export interface MailboxSecrets {
  password?: string;
  clientSecret?: string;
  /** PEM private key of the Microsoft certificate credential. */
  privateKeyPem?: string;
  /** Google: from the connect flow. */
  refreshToken?: string;
}

/**
 * Why a mailbox is not working, for the admin page (translated there by code) and the log.
 * `ok` is green; `not_connected` (a Google mailbox whose connect flow was not run) and every
 * error are red.
 */
export const MAILBOX_STATES = [
  'new', 'ok', 'not_connected', 'auth_failed', 'grant_revoked', 'invalid_client', 'tenant_not_found', 'unreachable', 'error',
] as const;
export type MailboxStateCode = (typeof MAILBOX_STATES)[number];

export interface MailboxState {
  code: MailboxStateCode;
  /** The server's own words (token endpoint error description, IMAP response), no secrets. */
  detail: string | null;
  at: string | null;
}

export const MAILBOX_KEY = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** The scope a preset asks for when none is configured. */
export function scopeOf(o: OAuthSettings): string | null {
  if (o.scope) return o.scope;
  if (o.preset === 'microsoft') return MICROSOFT_SCOPE;
  if (o.preset === 'google') return GOOGLE_SCOPE;
  return null;
}

/** The base URL a preset talks to (the Microsoft authority or the OIDC issuer), without a trailing slash. */
export function issuerOf(o: OAuthSettings): string {
  const base = o.issuer ?? (o.preset === 'microsoft' ? MICROSOFT_AUTHORITY : o.preset === 'google' ? GOOGLE_ISSUER : '');
  return base.replace(/\/+$/, '');
}

/** What is missing or wrong in a definition plus its secrets; null when it can run. */
export function definitionProblem(d: MailboxDefinition, s: MailboxSecrets): { field: string; message: string } | null {
  if (!MAILBOX_KEY.test(d.key)) return { field: 'key', message: 'lower-case letters, digits and dashes, 1–40 characters' };
  let u: URL;
  try {
    u = new URL(d.imapUrl);
  } catch {
    return { field: 'imapUrl', message: 'not a URL: expected imap[s]://host:port/FOLDER' };
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') return { field: 'imapUrl', message: 'must start with imap:// or imaps://' };
  if (u.username || u.password) return { field: 'imapUrl', message: 'must not carry credentials: give the user and the secret in their own fields' };
  if (!u.hostname) return { field: 'imapUrl', message: 'needs a host' };
  if (!d.user) return { field: 'user', message: 'the login user is missing' };
  if (d.auth === 'password') {
    if (!s.password) return { field: 'password', message: 'the password is missing' };
    return null;
  }
  const o = d.oauth;
  if (!o) return { field: 'oauth', message: 'OAuth2 settings are missing' };
  if (!o.clientId) return { field: 'oauth.clientId', message: 'the client ID is missing' };
  if (o.issuer !== null && !/^https?:\/\/[^\s/]+/.test(o.issuer)) return { field: 'oauth.issuer', message: 'must be an http(s) URL' };
  if (o.preset === 'microsoft') {
    if (!o.tenant || !/^[A-Za-z0-9.-]+$/.test(o.tenant)) return { field: 'oauth.tenant', message: 'the tenant ID (or a verified domain of the tenant) is missing or malformed' };
    if (o.credential === 'certificate') {
      if (!o.certificatePem) return { field: 'oauth.certificatePem', message: 'the certificate is missing' };
      if (!s.privateKeyPem) return { field: 'privateKeyPem', message: 'the certificate\'s private key is missing' };
    } else if (!s.clientSecret) return { field: 'clientSecret', message: 'the client secret is missing' };
  } else {
    if (o.preset === 'oidc' && !o.issuer) return { field: 'oauth.issuer', message: 'the issuer URL is missing' };
    // Google's web-application clients have a secret, and so does every client-credentials client.
    if (!s.clientSecret) return { field: 'clientSecret', message: 'the client secret is missing' };
  }
  return null;
}

import type { MailboxDefinition, MailboxState, OAuthSettings } from './mailbox.js';

/** Encrypts secrets for storage; `aad` names what the value belongs to (src/oauth/secret-box.ts). */
export interface SecretBox {
  seal(plain: string, aad: string): string;
  /** Throws when the value was sealed under another secret or for another `aad`. */
  open(sealed: string, aad: string): string;
}

/** An OAuth2 access token, when it expires and when it is due for renewal (epoch ms; null = the server did not say). */
export interface AccessToken {
  value: string;
  expiresAt: number | null;
  /** A connection logged in with this token should log in anew by then (the token refreshed before it ends). */
  renewAt: number | null;
}

/**
 * Where the mailbox channel and the relay get their access tokens (src/oauth implements it).
 * `token(false)` answers the cached token while it is fresh; `token(true)` always asks the
 * authorization server (after the mail server refused the cached one).
 */
export interface AccessTokenSource {
  /** The login user of the mailbox (the address in the XOAUTH2/OAUTHBEARER payload). */
  readonly user: string;
  token(renew: boolean): Promise<AccessToken>;
}

/** One stored mailbox: its definition, its sealed secrets and its last known state. */
export interface StoredMailbox {
  definition: MailboxDefinition;
  /** The sealed JSON of MailboxSecrets (null: none stored yet). */
  sealedSecrets: string | null;
  source: 'admin' | 'config';
  state: MailboxState;
  updatedAt: string;
}

/** A started authorization-code flow, until its callback arrives. */
export interface PendingConnect {
  key: string;
  /** The SHA-256 of the `state` parameter (the plain value only travels in the browser). */
  stateHash: string;
  sealedVerifier: string;
  expiresAt: string;
}

/** The mailboxes table (src/db/stores/mailboxes.ts). */
export interface MailboxStore {
  list(): Promise<StoredMailbox[]>;
  get(key: string): Promise<StoredMailbox | null>;
  /** Inserts or replaces the definition and secrets; keeps the state. */
  put(m: Omit<StoredMailbox, 'state'>): Promise<void>;
  remove(key: string): Promise<boolean>;
  setState(key: string, state: MailboxState): Promise<void>;
  setPendingConnect(p: PendingConnect): Promise<void>;
  /** Finds and deletes the pending flow of this state hash (one use). */
  takePendingConnect(stateHash: string): Promise<PendingConnect | null>;
}

/** The authorization-code flow with PKCE against the mailbox's authorization server (src/oauth). */
export interface AuthorizationCodeClient {
  authorizationUrl(settings: OAuthSettings, p: { redirectUri: string; state: string; codeChallenge: string; loginHint: string }): Promise<string>;
  /** Exchanges the code; answers the refresh token. */
  exchangeCode(settings: OAuthSettings, clientSecret: string | null, p: { code: string; redirectUri: string; codeVerifier: string }): Promise<string>;
}

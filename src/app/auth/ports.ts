import type { User } from '../../domain/entities.js';

/**
 * The stores of accounts and sign-in: sessions, API tokens, one-time tokens, login throttling and
 * a user's own settings. `src/db/stores/auth.ts` implements them.
 *
 * Every secret (session id, API token, verification or reset token) is stored only as its
 * SHA-256: a leaked database dump does not let anyone log in.
 *
 * Usage:
 *   await sessions.insert({ idHash, userId, csrfToken, ... });
 *   const s = await sessions.find(idHash);
 */
export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  /** The absolute end: a session never lives past this, however active. */
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionStore {
  insert(s: SessionRecord): Promise<void>;
  find(idHash: string): Promise<SessionRecord | null>;
  touch(idHash: string, at: string): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a user (password change, disable), optionally keeping one. */
  deleteForUser(userId: string, exceptIdHash?: string): Promise<number>;
  deleteExpired(idleBefore: string, now: string): Promise<number>;
}

/**
 * What a personal API token may do. `read`: GET only. `write`: also change what the user may
 * change, except on admin routes. `admin`: everything the user's role allows. A token never
 * creates tokens and never changes the password, whatever its scope.
 */
export const API_TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  scope: ApiTokenScope;
  tokenHash: string;
  /** The first characters, so that a user can tell tokens apart without the secret. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTokenStore {
  insert(t: ApiTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  list(userId: string): Promise<ApiTokenRecord[]>;
  /** Revokes the user's token; false when the user has no such live token. */
  revoke(id: string, userId: string, at: string): Promise<boolean>;
  /** Revokes every live token of the user (password reset, password change on request); returns how many. */
  revokeForUser(userId: string, at: string): Promise<number>;
  touch(id: string, at: string): Promise<void>;
  /** Whether the token exists and is not revoked. */
  isLive(id: string): Promise<boolean>;
}

export type OneTimePurpose = 'verify_email' | 'password_reset';

export interface OneTimeTokenStore {
  /** `passwordHash`: a sign-up's chosen password, set on the account only when this link is used. */
  insert(t: { tokenHash: string; purpose: OneTimePurpose; userId: string; createdAt: string; expiresAt: string; passwordHash?: string | null }): Promise<void>;
  /** Marks the token used and returns its user (and password hash), atomically: a second use returns null (W2). */
  consume(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<{ userId: string; passwordHash: string | null } | null>;
  /** The password hashes of a user's unused, unexpired links of a purpose, newest first, at most `limit`. */
  pendingPasswordHashes(userId: string, purpose: OneTimePurpose, now: string, limit: number): Promise<string[]>;
  /** Voids a user's unused tokens of a purpose (a new reset link voids the older ones). */
  invalidate(userId: string, purpose: OneTimePurpose, at: string): Promise<void>;
}

export type AttemptKind = 'login' | 'password_reset' | 'signup';

export interface AttemptStore {
  record(a: { kind: AttemptKind; account: string | null; ip: string | null; success: boolean; at: string }): Promise<void>;
  /** Failed attempts since `since` for the account or the IP (exactly one of them given). */
  failures(kind: AttemptKind, key: { account: string } | { ip: string }, since: string): Promise<number>;
  /** Attempts of any outcome since `since` (for requests that have no failure, like reset mails). */
  count(kind: AttemptKind, key: { account: string } | { ip: string }, since: string): Promise<number>;
  lastSuccess(kind: AttemptKind, account: string): Promise<string | null>;
  /** Drops attempts and delay states older than `before`. */
  prune(before: string): Promise<void>;
  /**
   * Growing delays between sign-in attempts, per account and per client IP (issue 10, item 8):
   * one key's failures and the time before which its next attempt waits.
   */
  delayState(kind: AttemptKind, key: string): Promise<ThrottleState | null>;
  /** Compare-and-set: writes `next` if the key still holds `expected` (null: no row yet); true when it did. */
  swapDelayState(kind: AttemptKind, key: string, expected: ThrottleState | null, next: ThrottleState): Promise<boolean>;
  clearDelayState(kind: AttemptKind, key: string): Promise<void>;
}

export interface UserSettings {
  notifyByEmail: boolean;
  /** Agent notifications up to this time count as read; null: never marked. */
  notificationsReadAt: string | null;
}

export interface UserSettingsStore {
  /** The user's settings; defaults (no e-mails, nothing read) when none were saved. */
  get(userId: string): Promise<UserSettings>;
  update(userId: string, patch: Partial<UserSettings>, at: string): Promise<void>;
  /** Enabled agents and admins who asked for notification mails. */
  emailNotificationRecipients(): Promise<User[]>;
}

/** One throttle key's state: failures counted so far and the time before which no attempt runs. */
export interface ThrottleState {
  failures: number;
  nextAt: string;
  updatedAt: string;
}


import type { AppContext } from '../context.js';
import type { CaseStatus } from '../../domain/case.js';
import type { Attachment, Case, InboundMail } from '../../domain/records.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';

/**
 * What the web use cases need beyond the core Store: sessions, API tokens, one-time tokens,
 * login throttling and two read models (case search, attachment by id). `src/db/stores/web.ts`
 * implements it.
 *
 * Every secret (session id, API token, verification or reset token) is stored only as its
 * SHA-256: a leaked database dump does not let anyone log in.
 *
 * The web store has its own connection use: never call it inside a `store.transaction()`
 * callback (on SQLite the single connection is held by that transaction and the call would wait
 * for itself).
 *
 * Usage:
 *   await web.sessions.insert({ idHash, userId, csrfToken, ... });
 *   const s = await web.sessions.find(idHash);
 */
export interface WebStore {
  readonly sessions: SessionStore;
  readonly apiTokens: ApiTokenStore;
  readonly oneTimeTokens: OneTimeTokenStore;
  readonly attempts: AttemptStore;
  readonly search: PortalSearch;
}

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

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
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
  touch(id: string, at: string): Promise<void>;
}

export type OneTimePurpose = 'verify_email' | 'password_reset';

export interface OneTimeTokenStore {
  insert(t: { tokenHash: string; purpose: OneTimePurpose; userId: string; createdAt: string; expiresAt: string }): Promise<void>;
  /** Marks the token used and returns its user, atomically: a second use returns null (W2). */
  consume(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<string | null>;
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
  prune(before: string): Promise<void>;
}

export interface CaseSearch {
  customerId?: string;
  organisationId?: string;
  statuses?: CaseStatus[];
  /** A user id, or null for "nobody". */
  assigneeId?: string | null;
  /** Matched case-insensitively against the subject and the message texts. */
  q?: string;
  /** Whether internal notes count as text for `q` (never for customers). */
  includeInternalNotes: boolean;
  limit: number;
}

export interface InboundSearch {
  /** Sent by this address (header From or envelope sender). */
  from?: string;
  caseId?: string;
  status?: InboundStatus;
  reason?: ReasonCode;
  limit: number;
}

export interface PortalSearch {
  cases(filter: CaseSearch): Promise<Case[]>;
  attachment(id: string): Promise<Attachment | null>;
  /** The mail log, newest first, with every filter in the query (a rare reason still fills a page). */
  inbound(filter: InboundSearch): Promise<InboundMail[]>;
  inboundById(id: string): Promise<InboundMail | null>;
}

/** The AppContext plus the web store: what the auth and portal use cases receive. */
export interface WebContext extends AppContext {
  web: WebStore;
}

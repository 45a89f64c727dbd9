import type { AppContext } from '../context.js';
import type { CaseStatus } from '../../domain/case.js';
import type { Attachment, Case, InboundMail, Message, Organisation, User } from '../../domain/records.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import type { PortalEventBus, UploadGate } from '../portal/ports.js';

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
  readonly settings: UserSettingsStore;
  readonly live: LiveQueries;
  readonly reports: ReportQueries;
  readonly directory: DirectoryQueries;
  readonly catalog: CatalogStore;
  readonly organisations: OrganisationAdminStore;
  readonly mailAdmin: MailAdminStore;
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
  /**
   * Full-text search over the subject and the message texts: every word must occur, each also as
   * the start of a longer word ("print" finds "printer"). Punctuation separates words.
   */
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
  message(id: string): Promise<Message | null>;
  /** Customer replies (portal and e-mail, not phone notes) newer than `since` on cases assigned to `agentId` or to nobody. */
  customerRepliesSince(f: { agentId: string; since: string; limit: number }): Promise<Array<{ message: Message; caseNumber: number; caseSubject: string }>>;
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

/** The cheap "what changed since" queries the live-update streams poll (indexed on the timestamps). */
export interface LiveQueries {
  /** Mails whose outcome was written at or after `since`, oldest first; `from` keeps a customer to their own. */
  mailsProcessedSince(f: { from?: string; since: string; limit: number }): Promise<InboundMail[]>;
  /** Cases whose `column` is at or after `since`, oldest first, within the customer's or organisation's scope when given. */
  casesChangedSince(f: { customerId?: string; organisationId?: string; column: 'updated_at' | 'last_activity_at'; since: string; limit: number }): Promise<Array<{ case: Case; changedAt: string }>>;
}

export interface MailWindowRow {
  receivedAt: string;
  processedAt: string | null;
  status: InboundStatus;
  reason: ReasonCode | null;
}

export interface ReportQueries {
  /** Per status of the cases not closed: how many were created at or after each cutoff, and the total. */
  openCaseAges(cutoffs: string[]): Promise<Array<{ status: CaseStatus; total: number; since: number[] }>>;
  /** Mails received at or after `since`, at most `limit` (the overview's bounded window). */
  mailWindow(since: string, limit: number): Promise<MailWindowRow[]>;
}

export interface DirectoryQueries {
  /** Customers whose name, address, organisation name or customer number contains `q` (case-insensitive). */
  customers(q: string, limit: number): Promise<Array<{ user: User; organisation: Organisation | null }>>;
}

export interface CatalogProduct {
  id: string;
  name: string;
  active: boolean;
  versions: Array<{ id: string; name: string; active: boolean }>;
}

export interface CatalogStore {
  /** Products with their versions; without `includeInactive` only what a new case may name. */
  products(includeInactive: boolean): Promise<CatalogProduct[]>;
  setProductActive(productId: string, active: boolean): Promise<boolean>;
  version(versionId: string): Promise<{ id: string; productId: string; name: string; active: boolean } | null>;
  setVersionActive(versionId: string, active: boolean, at: string): Promise<void>;
}

export interface OrganisationAdminStore {
  list(): Promise<Array<Organisation & { members: number }>>;
  /** 'conflict' when the name or customer number belongs to another organisation. */
  update(id: string, patch: { name?: string; customerNo?: string | null }): Promise<'ok' | 'not_found' | 'conflict'>;
}

export interface MailAdminStore {
  /** Drops a mail's raw bytes and records the outcome given; false when there is no such mail. */
  dropRaw(id: string, outcome: { status: InboundStatus; reason: ReasonCode | null; detail: string }): Promise<boolean>;
}

/** The AppContext plus the web store: what the auth and portal use cases receive. */
export interface WebContext extends AppContext {
  web: WebStore;
  /** The attachment inspection for uploads; absent: uploads with files are refused (unavailable). */
  uploads?: UploadGate | null;
  /** Live-update wake-ups; absent: the streams rely on their poll alone. */
  events?: PortalEventBus;
}

import type { CaseChannel, CaseStatus, MessageKind, MessageSource, UserRole } from '../domain/case.js';
import type { InboundStatus, ReasonCode } from '../domain/reason-codes.js';
import type { RawMail } from '../domain/raw-mail.js';
import type {
  Attachment, Case, CaseEvent, InboundChannel, InboundMail, Job, Message, Organisation, OutboundMail,
  OutboundStatus, PipelineDecision, Product, User,
} from '../domain/entities.js';

/**
 * The interfaces the use cases need from the outside world. `src/db` implements the stores,
 * `src/outbound` the mail composer and transport, `src/inbound` the parser and scanners.
 * Use cases receive them from the composition root; they never import an adapter.
 *
 * Usage:
 *   await store.transaction(async (tx) => {
 *     const c = await tx.cases.insert({...});
 *     await tx.outbound.insert({...});   // the mail commits with the change that caused it
 *   });
 */
export interface Store {
  readonly organisations: OrganisationStore;
  readonly users: UserStore;
  readonly products: ProductStore;
  readonly cases: CaseStore;
  readonly messages: MessageStore;
  readonly attachments: AttachmentStore;
  readonly inbound: InboundMailStore;
  readonly outbound: OutboundMailStore;
  readonly jobs: JobStore;
  readonly audit: AuditStore;
  /** Runs `fn` in one database transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
}

export interface OrganisationStore {
  findByName(name: string): Promise<Organisation | null>;
  findById(id: string): Promise<Organisation | null>;
  insert(o: Organisation): Promise<void>;
  list(): Promise<Organisation[]>;
}

export interface UserStore {
  findByEmail(email: string): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  insert(u: User): Promise<void>;
  update(id: string, patch: Partial<Pick<User, 'name' | 'language' | 'passwordHash' | 'disabled' | 'emailVerified' | 'organisationId' | 'orgAdmin' | 'mailFailing'>>): Promise<void>;
  list(filter?: { role?: UserRole; organisationId?: string }): Promise<User[]>;
}

export interface ProductStore {
  findByName(name: string): Promise<Product | null>;
  insert(p: { id: string; name: string }): Promise<void>;
  addVersion(productId: string, version: string): Promise<void>;
  list(): Promise<Product[]>;
}

export interface CaseListFilter {
  customerId?: string;
  organisationId?: string;
  status?: CaseStatus[];
  assigneeId?: string | null;
  limit?: number;
}

export interface CaseStore {
  /** The next case number, taken inside the caller's transaction. */
  nextNumber(): Promise<number>;
  insert(c: Case): Promise<void>;
  findByNumber(n: number): Promise<Case | null>;
  findById(id: string): Promise<Case | null>;
  list(filter: CaseListFilter): Promise<Case[]>;
  update(id: string, patch: Partial<Pick<Case, 'status' | 'assigneeId' | 'updatedAt' | 'lastActivityAt' | 'closedAt' | 'subject'>>): Promise<void>;
  addEvent(e: CaseEvent): Promise<void>;
  events(caseId: string): Promise<CaseEvent[]>;
  addParticipant(caseId: string, email: string, addedBy: string | null, at: string): Promise<void>;
  participants(caseId: string): Promise<string[]>;
}

export interface MessageStore {
  insert(m: Message): Promise<void>;
  findById(id: string): Promise<Message | null>;
  listByCase(caseId: string): Promise<Message[]>;
}

export interface AttachmentStore {
  /** Stores the bytes content-addressed (once per SHA-256) and the attachment row. */
  insert(a: Attachment, content: Buffer): Promise<void>;
  listByCase(caseId: string): Promise<Attachment[]>;
  content(id: string): Promise<Buffer | null>;
}

export interface NewInboundMail {
  id: string;
  receivedAt: string;
  channel: InboundChannel;
  envelopeFrom: string | null;
  envelopeTo: string[];
  remoteIp: string | null;
  messageId: string | null;
  sha256: string;
  /** The bytes, when stored inline (a mail of at most RAW_CHUNK_BYTES). */
  raw: Buffer;
  /** Set when the bytes were written beforehand with appendRawChunk; `raw` is then empty. */
  chunked?: { chunks: number; size: number };
}

export interface InboundOutcome {
  status: InboundStatus;
  reason: ReasonCode | null;
  detail: string | null;
  caseId: string | null;
  fromAddress: string | null;
  subject: string | null;
  scan: string | null;
  auth: string | null;
  decisions: PipelineDecision[];
  processedAt: string;
  processingMs: number;
}

export interface InboundMailStore {
  /**
   * Stores a received mail. When a mail with the same SHA-256 is already stored, the new row is
   * kept as a `duplicate` pointing at it (no raw bytes) and `duplicateOf` is returned.
   */
  insert(m: NewInboundMail): Promise<{ duplicateOf: string | null }>;
  findById(id: string): Promise<InboundMail | null>;
  /** The whole raw bytes in one Buffer (CLI, downloads); the pipeline reads `rawMail` instead. */
  raw(id: string): Promise<Buffer | null>;
  /** The raw bytes as a stream of chunks read on demand (a duplicate reads its original's). */
  rawMail(id: string): Promise<RawMail | null>;
  /**
   * Writes chunk `seq` (0-based) of a big mail before its row is inserted, in its own statement;
   * the row's insert with `chunked` makes the chunks part of the mail.
   */
  appendRawChunk(mailId: string, seq: number, data: Buffer, at: string): Promise<void>;
  /** Removes the chunks of a mail whose receipt was aborted (or that turned out a duplicate). */
  deleteRawChunks(mailId: string): Promise<void>;
  /** Removes chunks older than `before` that belong to no mail (a receipt cut off by a crash). */
  sweepOrphanChunks(before: string): Promise<number>;
  /** An earlier original with the same Message-ID, for the "same Message-ID, same content" rule. */
  findOriginalByMessageId(messageId: string, exceptId: string): Promise<{ id: string; sha256: string } | null>;
  markDuplicate(id: string, of: string, at: string): Promise<void>;
  setOutcome(id: string, o: InboundOutcome): Promise<void>;
  list(filter: { caseId?: string; from?: string; status?: InboundStatus; limit?: number }): Promise<InboundMail[]>;
}

/** A mail as it enters the outbox: the record's own fields, its bytes, and held or queued. */
export type NewOutboundMail = Pick<OutboundMail, 'id' | 'kind' | 'caseId' | 'inboundMailId' | 'messageId' | 'fromAddress' | 'envelopeFrom' | 'recipients' | 'subject' | 'language' | 'createdAt'> & {
  raw: Buffer;
  status: 'held' | 'queued';
  /** The bytes to keep once sent or failed (secret links replaced by a placeholder); the store swaps them in then. */
  rawAfterSend?: Buffer | null;
};

export interface OutboundMailStore {
  insert(m: NewOutboundMail): Promise<void>;
  findById(id: string): Promise<OutboundMail | null>;
  findByMessageId(messageId: string): Promise<OutboundMail | null>;
  raw(id: string): Promise<Buffer | null>;
  list(filter: { caseId?: string; status?: OutboundStatus; limit?: number }): Promise<OutboundMail[]>;
  /** Leases up to `limit` due mails (queued/retrying, or sending with an expired lease). */
  claimDue(now: string, leaseUntil: string, limit: number): Promise<OutboundMail[]>;
  /** Extends the lease of mails still being sent (a slow relay): the lease then only runs out when the sender died. */
  renewLeases(ids: string[], leaseUntil: string): Promise<void>;
  update(id: string, patch: Partial<Pick<OutboundMail, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt' | 'bounceDiagnostic'>> & { lockedUntil?: string | null }): Promise<void>;
  /** How many automatic mails (receipts, notices) went to `recipient` since `since`, counting at most `cap`. */
  countAutomaticTo(recipient: string, since: string, cap: number): Promise<number>;
  /** How many notices went to addresses at `domain` (lower-case) since `since`, counting at most `cap` (RELIABILITY E3). */
  countNoticesToDomain(domain: string, since: string, cap: number): Promise<number>;
}

export interface JobStore {
  /** Enqueues a job; with a key, a second enqueue of the same key is a no-op. */
  enqueue(j: { id: string; kind: string; key: string | null; payload: Record<string, unknown>; runAt: string; now: string }): Promise<void>;
  claim(kinds: string[], now: string, leaseUntil: string, workerId: string, limit: number): Promise<Job[]>;
  /** Extends the lease of jobs `workerId` still runs: the lease then only runs out when the worker died. */
  renew(ids: string[], workerId: string, leaseUntil: string): Promise<void>;
  complete(id: string, now: string): Promise<void>;
  fail(id: string, error: string, nextRunAt: string | null, now: string): Promise<void>;
  /**
   * Gives back the jobs `workerId` claimed and did not finish (a graceful stop): queued again at
   * once, the claim not counted as an attempt. Returns how many.
   */
  release(workerId: string, now: string): Promise<number>;
  list(filter: { status?: Job['status']; kind?: string; limit?: number }): Promise<Job[]>;
  retry(id: string, now: string): Promise<boolean>;
  findByKey(key: string): Promise<Job | null>;
}

export interface AuditStore {
  record(e: { at: string; actor: string | null; action: string; target: string | null; detail?: Record<string, unknown> }): Promise<void>;
}

/**
 * The outgoing relay's state, as the sending `serve` processes last found it (shown on the admin
 * page; src/app/outbound/relay-state.ts decides it): `new` nothing sent yet, `ok` the relay
 * accepted a mail, `login_refused` it refused the login even after a renewed token, `unreachable`
 * the connection failed or timed out.
 */
export const RELAY_STATES = ['new', 'ok', 'login_refused', 'unreachable'] as const;
export type RelayStateCode = (typeof RELAY_STATES)[number];

/** Which relay a state is about, without credentials: `host:port`, and the mailbox of `?oauth=<key>`. */
export interface RelayTarget {
  host: string | null;
  oauthMailbox: string | null;
}

export interface StoredRelayState {
  code: RelayStateCode;
  /** The relay's own words (its answer to the login, the connection error); never a secret. */
  detail: string | null;
  /** Since when the state holds. */
  at: string;
  target: RelayTarget;
}

/**
 * The relay's state in the database, one row shared by every node (src/db/stores/service-states.ts).
 *
 * Usage:
 *   const changed = await states.write({ code: 'ok', detail: null, at: now, target });
 *   const s = await states.read();   // null: no node has run a relay yet
 */
export interface RelayStateStore {
  read(): Promise<StoredRelayState | null>;
  /**
   * Stores `s` when there is no row yet or the row differs in code, detail or target; `at` only
   * changes with the code or the target (it says since when the state holds). True when it wrote.
   */
  write(s: StoredRelayState): Promise<boolean>;
}

/** Time comes from here so that tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export type { CaseChannel, MessageKind, MessageSource };

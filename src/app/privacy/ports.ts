import type { Readable } from 'node:stream';
import type { Clock } from '../ports.js';

/**
 * What the data-protection use cases (export, erase, retention) need from the outside world: a
 * narrow store of their own (`src/db/stores/privacy.ts`) and a ZIP writer
 * (`src/archive/zip-writer.ts`). Kept apart from the portal's ports so that neither has to know
 * the other.
 */

/** The person's own account row, without its password hash. */
export interface PersonAccount {
  id: string;
  email: string;
  name: string;
  role: string;
  language: string;
  disabled: boolean;
  emailVerified: boolean;
  orgAdmin: boolean;
  mailFailingSince: string | null;
  mailFailingReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PersonCase {
  id: string;
  number: number;
  subject: string;
  status: string;
  channel: string;
  product: string | null;
  version: string | null;
  environment: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface PersonMessage {
  id: string;
  caseNumber: number;
  kind: string;
  source: string;
  /** True when the person wrote it; false for the other messages of a case they opened. */
  ownMessage: boolean;
  authorEmail: string | null;
  bodyText: string;
  bodyHtml: string | null;
  quotedText: string | null;
  createdAt: string;
}

export interface PersonAttachment { id: string; caseNumber: number; messageId: string | null; filename: string; detectedType: string | null; size: number; createdAt: string }

export interface PersonInboundMail {
  id: string;
  receivedAt: string;
  channel: string;
  envelopeFrom: string | null;
  envelopeTo: string[];
  remoteIp: string | null;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  status: string;
  reason: string | null;
  caseNumber: number | null;
  size: number;
  rawDeletedAt: string | null;
}

export interface PersonOutboundMail {
  id: string;
  kind: string;
  caseNumber: number | null;
  recipients: string[];
  subject: string;
  status: string;
  createdAt: string;
  sentAt: string | null;
}

/** Everything stored about one e-mail address; secrets (password and token hashes, session ids) never. */
export interface PersonRecords {
  email: string;
  account: PersonAccount | null;
  organisation: { id: string; name: string; customerNo: string | null; orgAdmin: boolean } | null;
  cases: PersonCase[];
  /** Cases of others the person was added to as a participant (by address). */
  participations: Array<{ caseNumber: number; addedAt: string }>;
  messages: PersonMessage[];
  attachments: PersonAttachment[];
  inboundMails: PersonInboundMail[];
  outboundMails: PersonOutboundMail[];
  sessions: Array<{ createdAt: string; lastSeenAt: string; expiresAt: string; ip: string | null; userAgent: string | null }>;
  apiTokens: Array<{ name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }>;
  oneTimeTokens: Array<{ purpose: string; createdAt: string; expiresAt: string; usedAt: string | null }>;
  loginAttempts: Array<{ kind: string; ip: string | null; success: boolean; at: string }>;
  settings: { notifyByEmail: boolean; notificationsReadAt: string | null } | null;
}

/** What an erase changed, per kind of record (numbers only: the report must not repeat the data). */
export interface EraseCounts {
  account: number;
  casesAnonymised: number;
  casesClosed: number;
  messages: number;
  attachments: number;
  blobs: number;
  inboundMails: number;
  rawChunks: number;
  outboundMails: number;
  sessions: number;
  apiTokens: number;
  oneTimeTokens: number;
  loginAttempts: number;
  participations: number;
  auditEntries: number;
}

export interface EraseInput {
  email: string;
  userId: string | null;
  at: string;
  /** Who erased (user id, or "cli"), for the case events of cases closed by the erase. */
  actorId: string | null;
  /** The text that replaces erased subjects and message bodies. */
  placeholder: string;
}

export interface RetentionCandidate { id: string; receivedAt: string }

export interface PrivacyAuditEntry { id: number; at: string; actor: string | null; /** The actor's address when the actor is a user (the CLI writes `cli:<account>`). */ actorEmail: string | null; action: string; target: string | null; detail: Record<string, unknown> | null }

/** The three parts of the privacy store, by who uses them. */
export interface PrivacyStore {
  readonly people: PersonDataStore;
  readonly retention: RetentionStore;
  readonly audit: PrivacyAuditStore;
}

/** Export and erasure of one person. */
export interface PersonDataStore {
  /** Everything stored about `email` (lower-case). */
  collect(email: string): Promise<PersonRecords>;
  /** The raw bytes of a received mail as a stream of chunks (null once deleted). */
  inboundRaw(id: string): Promise<Readable | null>;
  outboundRaw(id: string): Promise<Buffer | null>;
  attachmentContent(id: string): Promise<Readable | null>;
  /** Numbers of the person's cases that are not closed. */
  openCaseNumbers(userId: string): Promise<number[]>;
  /**
   * Removes or anonymises every record of the person in one transaction, then rebuilds the
   * full-text index so that no erased word stays in it and lets the database drop the old row
   * versions (SQLite: zeroed pages and a WAL checkpoint; PostgreSQL: VACUUM). `purged` is false
   * when that second part failed: the rows are gone from every query already.
   */
  erase(input: EraseInput): Promise<{ counts: EraseCounts; purged: boolean }>;
  /** Where `needles` still occur in text columns after an erase (an agent quoting the person in another case). */
  residualMentions(needles: string[]): Promise<Array<{ table: string; id: string }>>;
}

/** The retention sweep's deletes and the admin's retention setting. */
export interface RetentionStore {

  /** Received mails with raw bytes, received before `before`, fully processed (never one still waiting). */
  rawRetentionCandidates(before: string, limit: number): Promise<RetentionCandidate[]>;
  /** Deletes the raw bytes (and chunk rows) of one mail if it still qualifies; false if it no longer does. */
  dropRawForRetention(id: string, before: string, at: string, days: number): Promise<{ dropped: boolean; chunks: number }>;
  /** Rejected and quarantined mails received before `before`. */
  rejectedRetentionCandidates(before: string, limit: number): Promise<RetentionCandidate[]>;
  /** Deletes one rejected or quarantined mail (row, chunks, its duplicates) if it still qualifies. */
  deleteRejectedMail(id: string, before: string): Promise<{ deleted: boolean; chunks: number }>;

  /** The retention setting an admin saved (null: none saved, the configuration applies). */
  loadRetention(): Promise<{ value: unknown; updatedAt: string; updatedBy: string | null } | null>;
  saveRetention(value: RetentionDays | null, at: string, by: string | null): Promise<void>;
}

export interface PrivacyAuditStore {

  recordAudit(e: { at: string; actor: string | null; action: string; target: string | null; detail: Record<string, unknown> }): Promise<void>;
  auditEntries(filter: { actions: string[]; limit: number }): Promise<PrivacyAuditEntry[]>;
}

/** Days after which data is deleted; null = kept (off). */
export interface RetentionDays {
  rawMailDays: number | null;
  rejectedMailDays: number | null;
}

/** One file of an export archive: its bytes now, or a stream read when the writer gets to it. */
export interface ArchiveEntry { name: string; content: Buffer | (() => Promise<Readable | null>) }

export interface ArchiveWriter {
  /** Writes a ZIP of `entries` to `out`, reading one streamed entry at a time; resolves when all bytes are written. */
  writeZip(entries: ArchiveEntry[], out: NodeJS.WritableStream): Promise<void>;
}

export interface PrivacyContext {
  privacy: PrivacyStore;
  archive: ArchiveWriter;
  clock: Clock;
  /** The configured retention (SUPPORTAL_*_RETENTION_DAYS); an admin's saved value wins. */
  retentionDefaults: RetentionDays;
}

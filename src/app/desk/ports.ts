import type { CaseStatus } from '../../domain/case.js';
import type { Organisation, User } from '../../domain/entities.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import type { AttachmentPolicy } from '../../domain/attachment-policy.js';
import type { AttachmentInspector, MimeParser } from '../ingest/ports.js';

/** The agents' read models and the quarantine's one write (`src/db/stores/desk.ts`). */

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

export interface MailAdminStore {
  /** Drops a mail's raw bytes and records the outcome given; false when there is no such mail. */
  dropRaw(id: string, outcome: { status: InboundStatus; reason: ReasonCode | null; detail: string }): Promise<boolean>;
}

/**
 * How the desk reads a stored mail for an agent (a rejected mail's text and files): the same
 * parser and attachment inspection as the pipeline, given by the composition root.
 */
export interface MailReader {
  parser: MimeParser;
  inspector: AttachmentInspector;
  /** The attachment policy in effect (an admin may have changed it). */
  policy(): Promise<AttachmentPolicy>;
  /** The pipeline's HTML sanitizer: no scripts, handlers, forms or remote loads. */
  sanitizeHtml(html: string): string;
}

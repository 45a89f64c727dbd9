import type { AttachmentInspector, VirusScanner } from '../ingest/ports.js';
import type { AttachmentPolicy } from '../../domain/attachment-policy.js';
import type { CaseStatus } from '../../domain/case.js';
import type { Attachment, Case, InboundMail, Message } from '../../domain/entities.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';

/**
 * What the portal needs to judge uploaded files exactly like e-mailed ones: the inspector (magic
 * bytes, ZIP listing), the optional virus scanner and the installation's attachment policy. The
 * composition root hands over the same adapters the inbound pipeline uses, so a file refused by
 * mail is refused in the browser too; the portal never imports the inbound adapters itself.
 *
 * Usage:
 *   buildApp({ ..., uploads: { inspector, scanner, policy } });
 */
export interface UploadGate {
  inspector: AttachmentInspector;
  scanner: VirusScanner | null;
  policy: AttachmentPolicy;
}

/** A file as it arrived in a multipart request: the name and type are the browser's claims. */
export interface UploadedFile {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** A file that passed the policy (and the scan, when configured), ready to store. */
export interface CheckedFile {
  filename: string;
  content: Buffer;
  detectedType: string | null;
  scan: 'clean' | 'not_scanned';
}

/** What lists the files inside a stored ZIP for the case page (zip-listing.ts). */
export interface ZipListing {
  entries(attachment: { id: string; detectedType: string | null; size: number }): Promise<ZipListingResult | null>;
}

export interface ZipListingResult {
  /** The first entries in archive order (display-safe names, uncompressed sizes). */
  entries: Array<{ name: string; size: number }>;
  /** How many entries the archive has; more than `entries.length` when the list was cut. */
  total: number;
}

/** The case read models of the case pages and the mail log (`src/db/stores/search.ts`). */
export interface CaseSearch {
  customerId?: string;
  organisationId?: string;
  statuses?: CaseStatus[];
  /** A user id, or null for "nobody". */
  assigneeId?: string | null;
  /** Also the cases assigned to this agent in these statuses (the "to do" queue: new and open, plus mine). */
  orAssignedTo?: { assigneeId: string; statuses: CaseStatus[] };
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
  /** The names of these users, in one query (a list's customer and assignee columns). */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
  /** How many cases the filter matches (`limit` ignored): the counts on the desk's queue tabs. */
  countCases(filter: Omit<CaseSearch, 'limit'>): Promise<number>;
  attachment(id: string): Promise<Attachment | null>;
  /** The mail log, newest first, with every filter in the query (a rare reason still fills a page). */
  inbound(filter: InboundSearch): Promise<InboundMail[]>;
  inboundById(id: string): Promise<InboundMail | null>;
  message(id: string): Promise<Message | null>;
  /** Customer replies (portal and e-mail, not phone notes) newer than `since` on cases assigned to `agentId` or to nobody. */
  customerRepliesSince(f: { agentId: string; since: string; limit: number }): Promise<Array<{ message: Message; caseNumber: number; caseSubject: string; authorName: string | null; opensCase: boolean }>>;
}

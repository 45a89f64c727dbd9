/** The shapes the JSON API answers with (see docs/api.md and /api/openapi.json). */
export type Language = 'de' | 'en';
export type Role = 'customer' | 'agent' | 'admin';
export type CaseStatus = 'new' | 'open' | 'waiting_for_customer' | 'closed';
export type InboundStatus = 'received' | 'accepted' | 'rejected' | 'ignored' | 'duplicate' | 'quarantined' | 'deferred';
export type OutboundStatus = 'held' | 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'bounced';

export const CASE_STATUSES: CaseStatus[] = ['new', 'open', 'waiting_for_customer', 'closed'];
export const INBOUND_STATUSES: InboundStatus[] = ['received', 'accepted', 'rejected', 'ignored', 'duplicate', 'quarantined', 'deferred'];
export const REASON_CODES = [
  'duplicate', 'malformed', 'too_large', 'loop', 'auto_reply', 'bounce', 'auth_failed', 'no_case_reference', 'unknown_sender',
  'case_closed', 'attachment_type', 'too_many_archives', 'bad_archive', 'encrypted', 'rich_text', 'virus', 'scan_unavailable', 'processing_failed',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export const QUEUES = ['new', 'open', 'waiting', 'mine', 'unassigned', 'all'] as const;
export type Queue = (typeof QUEUES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: Language;
  organisationId: string | null;
  orgAdmin: boolean;
  emailVerified: boolean;
  disabled: boolean;
}

export interface Person { id: string; name: string; email: string; mailFailing?: { since: string; reason: string } }

export interface Case {
  id: string;
  number: number;
  subject: string;
  status: CaseStatus;
  channel: 'portal' | 'phone';
  customerId: string;
  organisationId: string | null;
  productId: string | null;
  version: string | null;
  environment: string | null;
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  closedAt: string | null;
}

export interface Message {
  id: string;
  caseId: string;
  authorId: string | null;
  authorEmail: string | null;
  kind: 'customer_reply' | 'agent_reply' | 'internal_note';
  source: 'portal' | 'email' | 'phone' | 'agent';
  bodyText: string;
  bodyHtml: string | null;
  quotedText: string | null;
  inboundMailId?: string | null;
  outboundMailId?: string | null;
  createdAt: string;
}

export interface ZipEntry { name: string; size?: number }

export interface Attachment {
  id: string;
  caseId: string;
  messageId: string | null;
  filename: string;
  detectedType: string | null;
  size: number;
  scan: string;
  url: string;
  createdAt: string;
  /** The file list of a ZIP archive (the first 200), when the API offers it. */
  entries?: ZipEntry[];
  /** How many files the ZIP holds. */
  entriesTotal?: number;
}

export interface CaseEvent {
  id: string;
  kind: string;
  actorId: string | null;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus | null;
  detail: string | null;
  at: string;
}

export interface CaseDetail {
  case: Case;
  customer: Person | null;
  assignee: Person | null;
  product: string | null;
  messages: Message[];
  attachments: Attachment[];
  events: CaseEvent[];
  participants?: string[];
}

/** A reason in plain words and what to do, as the API explains it (per language or already localised). */
export interface Explanation { text: string; advice: string }

export interface MailLogEntry {
  id: string;
  receivedAt: string;
  subject: string | null;
  fromAddress: string | null;
  caseNumber: number | null;
  status: InboundStatus;
  reason: ReasonCode | null;
  detail: string | null;
  processedAt: string | null;
  explanation?: Explanation | Partial<Record<Language, Explanation>> | null;
  decisions?: Array<{ step: string; verdict: string; reason?: string; note?: string }>;
  envelopeFrom?: string | null;
  envelopeTo?: string[];
  channel?: string;
  size?: number;
  /** The raw source was deleted (retention sweep or erasure of the person): nothing to download. */
  rawDeleted?: { at: string; reason: 'retention' | 'erasure'; afterDays: number | null } | null;
}

export interface OutboundMail {
  id: string;
  kind: string;
  recipients: string[];
  subject: string;
  status: OutboundStatus;
  attempts: number;
  lastError: string | null;
  bounceDiagnostic: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Product { id: string; name: string; versions: string[] }

export interface Organisation { id: string; name: string; customerNo: string | null }

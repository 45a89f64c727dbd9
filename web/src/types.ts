/**
 * The shapes the JSON API answers with (see docs/api.md and /api/openapi.json). The statuses and
 * reason codes are the server's own lists from src/domain, so that a code added there reaches every
 * select and label here (and the locales' type check) without a second copy.
 */
import { CASE_STATUSES, LANGUAGES, USER_ROLES, type CaseStatus, type Language, type UserRole } from '../../src/domain/case.js';
import { INBOUND_STATUSES, REASON_CODES, type InboundStatus, type ReasonCode } from '../../src/domain/reason-codes.js';
import type { Case, OutboundStatus } from '../../src/domain/entities.js';

export { CASE_STATUSES, INBOUND_STATUSES, LANGUAGES, REASON_CODES, USER_ROLES };
export type { CaseStatus, InboundStatus, Language, OutboundStatus, ReasonCode };
export type Role = UserRole;
export const QUEUES = ['todo', 'new', 'open', 'waiting', 'mine', 'unassigned', 'all'] as const;
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

/** A case as the API answers it: the server's own record (src/domain/entities.ts). */
export type { Case };

/** A case in a list: with the names its columns show. */
export type CaseRow = Case & { customerName?: string | null; organisationName?: string | null; assigneeName?: string | null; productName?: string | null };

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
  /** Who wrote it; a phone case's first message: the agent who took the call. */
  authorName?: string | null;
  /** Staff only: the From of this mailed reply could not be verified (SPF/DKIM). */
  senderUnverified?: boolean;
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
  actorName?: string | null;
  assigneeName?: string | null;
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
  /** The attachments the mail was refused for. */
  refusedFiles?: string[];
  /** Staff: the processing notes as codes with values, in both languages. */
  detailParts?: Array<{ code: string; params: Record<string, string>; text: Record<Language, string>; untranslated?: boolean }>;
  /** The case in the portal, when the sender may see it. */
  caseUrl?: string | null;
  /** The raw source was deleted (retention sweep or erasure of the person): nothing to download. */
  rawDeleted?: { at: string; reason: 'retention' | 'erasure'; afterDays: number | null } | null;
  /** Staff only: the sender check's verdict on From; null when no check ran (mailbox, pipe). */
  senderVerification?: 'verified' | 'unverified' | null;
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

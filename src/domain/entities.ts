import type { CaseChannel, CaseStatus, Language, MessageKind, MessageSource, UserRole } from './case.js';
import type { InboundStatus, ReasonCode } from './reason-codes.js';

/** The shapes the use cases work with; the database adapter maps its rows to these. */
export interface Organisation { id: string; name: string; customerNo: string | null; createdAt: string }

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  language: Language;
  passwordHash: string | null;
  disabled: boolean;
  emailVerified: boolean;
  organisationId: string | null;
  orgAdmin: boolean;
  /** Set when a mail to this address bounced permanently (L3); agents see it at the case. */
  mailFailing?: { since: string; reason: string } | null;
  createdAt: string;
}

export interface Product { id: string; name: string; versions: string[] }

export interface Case {
  id: string;
  number: number;
  subject: string;
  status: CaseStatus;
  channel: CaseChannel;
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

export interface CaseEvent {
  id: string;
  caseId: string;
  kind: 'opened' | 'closed' | 'reopened' | 'status' | 'assigned' | 'participant_added' | 'mail_accepted';
  actorId: string | null;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus | null;
  detail: string | null;
  at: string;
}

export interface Message {
  id: string;
  caseId: string;
  authorId: string | null;
  authorEmail: string | null;
  kind: MessageKind;
  source: MessageSource;
  bodyText: string;
  bodyHtml: string | null;
  quotedText: string | null;
  inboundMailId: string | null;
  outboundMailId: string | null;
  createdAt: string;
  /** A mailed reply whose From could not be verified (no aligned SPF/DKIM pass); shown to agents. */
  senderUnverified?: boolean;
}

export interface Attachment {
  id: string;
  caseId: string;
  messageId: string | null;
  filename: string;
  detectedType: string | null;
  size: number;
  sha256: string;
  scan: 'clean' | 'not_scanned';
  createdAt: string;
}

export type OutboundStatus = 'held' | 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'bounced';
export type OutboundKind = 'agent_reply' | 'receipt' | 'notice' | 'case_opened' | 'signup' | 'password_reset' | 'agent_notification';

export interface OutboundMail {
  id: string;
  kind: OutboundKind;
  caseId: string | null;
  inboundMailId: string | null;
  messageId: string;
  fromAddress: string;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  language: Language;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  bounceDiagnostic: string | null;
  createdAt: string;
  sentAt: string | null;
}

export type InboundChannel = 'smtp' | 'lmtp' | 'imap' | 'pipe';

export interface InboundMail {
  id: string;
  receivedAt: string;
  channel: InboundChannel;
  envelopeFrom: string | null;
  envelopeTo: string[];
  remoteIp: string | null;
  messageId: string | null;
  sha256: string;
  size: number;
  duplicateOf: string | null;
  fromAddress: string | null;
  subject: string | null;
  status: InboundStatus;
  reason: ReasonCode | null;
  detail: string | null;
  caseId: string | null;
  caseNumber: number | null;
  scan: string | null;
  decisions: PipelineDecision[];
  processedAt: string | null;
  processingMs: number | null;
  /** The raw bytes were deleted (retention sweep or erasure of the sender); the log row stays. */
  rawDeleted?: RawDeleted | null;
  /** The sender check's verdict on From (aligned SPF/DKIM pass), null when no check ran. */
  senderVerification?: 'verified' | 'unverified' | null;
}

export interface RawDeleted { at: string; reason: 'retention' | 'erasure'; afterDays: number | null }

/** One step's verdict; `files`: the attachments a refusing step named (the notice and the portal name them too). */
export interface PipelineDecision { step: string; verdict: string; reason?: ReasonCode; note?: string; files?: string[] }

export interface Job {
  id: string;
  kind: string;
  key: string | null;
  payload: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'dead';
  attempts: number;
  runAt: string;
  lastError: string | null;
}

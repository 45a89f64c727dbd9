import type { Attachment, Case, InboundMail, Message, OutboundMail, User } from '../../domain/entities.js';
import { reasonText } from '../ingest/reason-texts.js';
import { detailParts, type DetailPart } from '../ingest/detail-texts.js';

/**
 * What the API shows of each record. Password hashes, raw mail bytes, envelope data of other
 * people and internal ids that a customer has no use for never leave through these.
 */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: User['role'];
  language: User['language'];
  organisationId: string | null;
  orgAdmin: boolean;
  emailVerified: boolean;
  disabled: boolean;
}

export function userView(u: User): UserView {
  return { id: u.id, email: u.email, name: u.name, role: u.role, language: u.language, organisationId: u.organisationId, orgAdmin: u.orgAdmin, emailVerified: u.emailVerified, disabled: u.disabled };
}

export interface PersonView { id: string; name: string; email: string; mailFailing?: { since: string; reason: string } }

export function personView(u: User | null): PersonView | null {
  return u ? { id: u.id, name: u.name, email: u.email } : null;
}

export type CaseView = Omit<Case, 'id'> & { id: string };

export function caseView(c: Case): CaseView {
  return { ...c };
}

export type MessageView = Omit<Message, 'inboundMailId' | 'outboundMailId' | 'senderUnverified'> & { inboundMailId?: string | null; outboundMailId?: string | null; senderUnverified?: boolean };

/** Staff see which mail a message came from and whether its sender was verified (RELIABILITY E4). */
export function messageView(m: Message, staff: boolean): MessageView {
  const { inboundMailId, outboundMailId, senderUnverified, ...rest } = m;
  return staff ? { ...rest, inboundMailId, outboundMailId, senderUnverified: senderUnverified === true } : rest;
}

export type AttachmentView = Omit<Attachment, 'sha256'> & {
  url: string;
  /** A ZIP's files (name, uncompressed size), the first 200; `entriesTotal` counts them all. */
  entries?: Array<{ name: string; size: number }>;
  entriesTotal?: number;
};

export function attachmentView(a: Attachment): AttachmentView {
  const { sha256: _sha, ...rest } = a;
  return { ...rest, url: `/api/attachments/${a.id}` };
}

export interface MailLogEntry {
  id: string;
  receivedAt: string;
  subject: string | null;
  fromAddress: string | null;
  caseNumber: number | null;
  status: InboundMail['status'];
  reason: InboundMail['reason'];
  processedAt: string | null;
  /** The reason in plain words and what to do, in both languages (null when accepted). */
  explanation: Record<'de' | 'en', { text: string; advice: string }> | null;
  /** The attachments the mail was refused for (the notice names them too). */
  refusedFiles: string[];
  /** The case's page in the portal, when the sender may see the case: the advice's link leads there. */
  caseUrl: string | null;
  /** Staff only: the pipeline's notes (they may name other cases or internal findings). */
  detail?: string | null;
  /** Staff only: the same notes as codes with their values, in German and English. */
  detailParts?: DetailPart[];
  /** Staff only: the pipeline's decisions and the envelope. */
  decisions?: InboundMail['decisions'];
  envelopeFrom?: string | null;
  envelopeTo?: string[];
  channel?: InboundMail['channel'];
  size?: number;
  /** Staff only: the raw source was deleted (retention or erasure), so there is nothing to download. */
  rawDeleted?: InboundMail['rawDeleted'];
  /** Staff only: `unverified` when the From could not be verified (RELIABILITY E4), null when not checked. */
  senderVerification?: InboundMail['senderVerification'];
}

export function mailLogEntry(m: InboundMail, staff: boolean, caseNumberVisible: boolean, portalUrl: string): MailLogEntry {
  const caseUrl = caseNumberVisible && m.caseNumber !== null ? `${portalUrl}/cases/${m.caseNumber}` : null;
  const base: MailLogEntry = {
    id: m.id,
    receivedAt: m.receivedAt,
    subject: m.subject,
    fromAddress: m.fromAddress,
    caseNumber: caseNumberVisible ? m.caseNumber : null,
    status: m.status,
    reason: m.reason,
    processedAt: m.processedAt,
    explanation: m.reason ? { de: reasonText(m.reason, 'de', portalUrl, caseUrl ?? undefined), en: reasonText(m.reason, 'en', portalUrl, caseUrl ?? undefined) } : null,
    refusedFiles: (m.decisions ?? []).flatMap((d) => d.files ?? []),
    caseUrl,
  };
  return staff ? { ...base, detail: m.detail, detailParts: detailParts(m.detail), decisions: m.decisions, envelopeFrom: m.envelopeFrom, envelopeTo: m.envelopeTo, channel: m.channel, size: m.size, rawDeleted: m.rawDeleted ?? null, senderVerification: m.senderVerification ?? null } : base;
}

export type OutboundView = OutboundMail;

export function outboundView(m: OutboundMail): OutboundView {
  return { ...m };
}

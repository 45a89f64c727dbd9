import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppSlice } from '../context.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { isStaff } from '../../domain/case.js';
import type { Language } from '../../domain/case.js';
import { OUTBOUND_KINDS_SHOWN, OUTBOUND_STATUSES_SHOWN } from './outbox-lists.js';
import type { OutboundMail, User } from '../../domain/entities.js';
import { CLIENT_STYLES, styleReply, type OriginalMail } from './client-styles.js';
import type { ComposedFile, OutboxTools, ReadMail } from './ports.js';

/** What this module's use cases reach of the context. */
export type OutboxViewerDeps = AppSlice<'outbound' | 'cases' | 'users', 'clock' | 'mail'>;

/** One line of the outbox list: what a mail client's "Sent" folder shows, plus the delivery state. */
export interface OutboxEntry {
  id: string;
  kind: OutboundMail['kind'];
  status: OutboundMail['status'];
  subject: string;
  recipients: string[];
  caseNumber: number | null;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  bounceDiagnostic: string | null;
}

export interface OutboxMailView {
  mail: OutboxEntry & { fromAddress: string; envelopeFrom: string; messageId: string; language: Language; size: number };
  headers: Array<{ name: string; value: string }>;
  text: string | null;
  hasHtml: boolean;
  attachments: Array<{ index: number; filename: string; contentType: string; size: number }>;
  /** "Reply as the customer" is offered: a held agent reply, no relay, our SMTP listener runs. */
  replyAsCustomer: boolean;
  /** The recipient, when they have an account: whose reply "reply as the customer" writes. */
  customer: { name: string; email: string } | null;
}

function requireStaff(user: User): void {
  if (!isStaff(user.role)) throw new AppError('forbidden');
}

async function caseNumbers(ctx: OutboxViewerDeps, mails: OutboundMail[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const id of new Set(mails.map((m) => m.caseId).filter((x): x is string => x !== null))) {
    const c = await ctx.store.cases.findById(id);
    if (c) out.set(id, c.number);
  }
  return out;
}

function entry(m: OutboundMail, numbers: Map<string, number>): OutboxEntry {
  return {
    id: m.id, kind: m.kind, status: m.status, subject: m.subject, recipients: m.recipients,
    caseNumber: m.caseId ? (numbers.get(m.caseId) ?? null) : null,
    createdAt: m.createdAt, sentAt: m.sentAt, attempts: m.attempts, lastError: m.lastError, bounceDiagnostic: m.bounceDiagnostic,
  };
}

const listInput = z.object({
  kind: z.enum(OUTBOUND_KINDS_SHOWN).optional(),
  status: z.enum(OUTBOUND_STATUSES_SHOWN).optional(),
  caseNumber: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(200),
});

/** Staff: every mail Supportal sent or holds, newest first (by kind, delivery state or case). */
export async function listOutbox(ctx: OutboxViewerDeps, user: User, input: z.input<typeof listInput>): Promise<{ mails: OutboxEntry[]; relayConfigured: boolean }> {
  requireStaff(user);
  const i = parseInput(listInput, input);
  let caseId: string | undefined;
  if (i.caseNumber !== undefined) {
    const c = await ctx.store.cases.findByNumber(i.caseNumber);
    if (!c) throw new AppError('case_not_found', { de: `es gibt keinen Fall ${i.caseNumber}`, en: `there is no case ${i.caseNumber}` });
    caseId = c.id;
  }
  // The kind filter is applied here: the store filters by case and status only. Up to 5 000 rows
  // are read for it, so that a rare kind is still found among many receipts.
  const rows = await ctx.store.outbound.list({ caseId, status: i.status, limit: i.kind ? 5000 : i.limit });
  const picked = rows.filter((m) => !i.kind || m.kind === i.kind).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, i.limit);
  const numbers = await caseNumbers(ctx, picked);
  return { mails: picked.map((m) => entry(m, numbers)), relayConfigured: ctx.mail.relayConfigured };
}

async function loadMail(ctx: OutboxViewerDeps, user: User, id: string): Promise<{ m: OutboundMail; raw: Buffer }> {
  requireStaff(user);
  const m = z.string().uuid().safeParse(id).success ? await ctx.store.outbound.findById(id) : null;
  if (!m) throw new AppError('mail_not_found', { de: `es gibt keine ausgehende E-Mail ${id}`, en: `there is no outgoing mail ${id}` });
  const raw = await ctx.store.outbound.raw(m.id);
  if (!raw) throw new AppError('not_found', { de: 'der Inhalt dieser E-Mail wurde gelöscht', en: 'the content of this mail was deleted' });
  return { m, raw };
}

async function customerOf(ctx: OutboxViewerDeps, m: OutboundMail): Promise<{ name: string; email: string } | null> {
  const u = m.recipients[0] ? await ctx.store.users.findByEmail(m.recipients[0]) : null;
  return u ? { name: u.name, email: u.email } : null;
}

function canReplyAsCustomer(ctx: OutboxViewerDeps, tools: OutboxTools, m: OutboundMail): boolean {
  return !ctx.mail.relayConfigured && tools.smtp !== null && m.kind === 'agent_reply' && m.status === 'held';
}

/** Staff: one sent mail as a mail client shows it (the HTML comes from outboxHtml, for a sandboxed frame). */
export async function openOutboxMail(ctx: OutboxViewerDeps, tools: OutboxTools, user: User, id: string): Promise<OutboxMailView> {
  const { m, raw } = await loadMail(ctx, user, id);
  const read = await tools.reader.read(raw);
  const numbers = await caseNumbers(ctx, [m]);
  return {
    mail: { ...entry(m, numbers), fromAddress: m.fromAddress, envelopeFrom: m.envelopeFrom, messageId: m.messageId, language: m.language, size: raw.length },
    headers: read.headers,
    text: read.text,
    hasHtml: read.html !== null,
    attachments: read.attachments.filter((a) => a.contentId === null || !read.html?.includes(`cid:${a.contentId}`)).map((a) => ({ index: read.attachments.indexOf(a), filename: a.filename, contentType: a.contentType, size: a.size })),
    replyAsCustomer: canReplyAsCustomer(ctx, tools, m),
    customer: await customerOf(ctx, m),
  };
}

/** Staff: the HTML part, inline images (cid:) as data: URIs, for `<iframe sandbox>` under the mail CSP. */
export async function outboxHtml(ctx: OutboxViewerDeps, tools: OutboxTools, user: User, id: string): Promise<string> {
  const { raw } = await loadMail(ctx, user, id);
  const read = await tools.reader.read(raw);
  if (read.html === null) throw new AppError('not_found', { de: 'diese E-Mail hat keinen HTML-Teil', en: 'this mail has no HTML part' });
  let html = read.html;
  for (const a of read.attachments) {
    if (a.contentId && a.contentType.startsWith('image/')) html = html.split(`cid:${a.contentId}`).join(`data:${a.contentType};base64,${a.content.toString('base64')}`);
  }
  return html;
}

/** Staff: the stored bytes, exactly as they were (or would be) handed to the relay. */
export async function outboxRaw(ctx: OutboxViewerDeps, user: User, id: string): Promise<{ filename: string; raw: Buffer }> {
  const { m, raw } = await loadMail(ctx, user, id);
  return { filename: `${m.kind}-${m.createdAt.slice(0, 19).replace(/[:T]/g, '-')}-${m.id.slice(0, 8)}.eml`, raw };
}

/** Staff: the n-th file of a sent mail. */
export async function outboxAttachment(ctx: OutboxViewerDeps, tools: OutboxTools, user: User, id: string, index: number): Promise<{ filename: string; content: Buffer }> {
  const { raw } = await loadMail(ctx, user, id);
  const a = (await tools.reader.read(raw)).attachments[index];
  if (!a) throw new AppError('not_found', { de: `diese E-Mail hat keinen Anhang ${index}`, en: `this mail has no attachment ${index}` });
  return { filename: a.filename, content: a.content };
}

export const BAD_VARIANTS = ['pdf', 'two_zips', 'closed_case', 'changed_subject'] as const;
export type BadVariant = (typeof BAD_VARIANTS)[number];

const replyInput = z.object({
  style: z.enum(CLIENT_STYLES).default('plain'),
  text: z.string().trim().min(1).max(100_000),
  variant: z.enum(BAD_VARIANTS).optional(),
  files: z.array(z.object({ filename: z.string().min(1).max(255), contentType: z.string().min(1).max(255), content: z.instanceof(Buffer) })).max(10).default([]),
});
export type ReplyAsCustomerInput = z.input<typeof replyInput>;

export interface ReplyAsCustomerResult {
  /** The inbound mail our listener stored ("stored as <id>"). */
  inboundMailId: string;
  /** Exactly the bytes that were built and sent. */
  raw: Buffer;
  sha256: string;
  to: string;
  subject: string;
  smtpAnswer: string;
}

/**
 * A tiny but well-formed PDF (one empty page), so that the attachment check judges a real PDF
 * by its content, not by its name.
 */
const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n' +
    'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n168\n%%EOF\n',
);

async function variantFiles(tools: OutboxTools, variant: BadVariant | undefined, lang: Language): Promise<ComposedFile[]> {
  if (variant === 'pdf') return [{ filename: lang === 'de' ? 'Rechnung.pdf' : 'invoice.pdf', contentType: 'application/pdf', content: SAMPLE_PDF }];
  if (variant === 'two_zips') {
    const log = Buffer.from('2026-12-06 10:00:00 ERROR export stopped at page 200\n'.repeat(20));
    return [
      { filename: 'logs-server.zip', contentType: 'application/zip', content: await tools.zip.zip([{ name: 'server.log', content: log }]) },
      { filename: 'logs-client.zip', contentType: 'application/zip', content: await tools.zip.zip([{ name: 'client.log', content: log }]) },
    ];
  }
  return [];
}

function originalOf(read: ReadMail, m: OutboundMail): OriginalMail {
  return {
    fromName: read.from?.name || read.from?.address || m.fromAddress,
    fromAddress: read.from?.address ?? m.fromAddress,
    to: read.to.length ? read.to : m.recipients,
    subject: read.subject || m.subject,
    date: new Date(read.date ?? m.createdAt),
    text: read.text ?? '',
    html: read.html,
  };
}

/**
 * Demo only, while no relay is configured: answers a held agent reply the way the customer's mail
 * client would — a real RFC 5322 reply with the client's headers — and delivers it through our own
 * SMTP listener over a socket (`demo`: through the MTA pipe), so that it takes exactly the path of
 * a mail from outside. The bad variants make one refused reply each: a PDF, two ZIP archives, a
 * reply to a closed case, a new subject without any reference to the conversation.
 */
export async function replyAsCustomer(ctx: OutboxViewerDeps, tools: OutboxTools, user: User, id: string, input: ReplyAsCustomerInput): Promise<ReplyAsCustomerResult> {
  const i = parseInput(replyInput, input);
  const { m, raw: original } = await loadMail(ctx, user, id);
  if (ctx.mail.relayConfigured) throw new AppError('demo_only', { de: 'ein Relay ist eingerichtet: Antworten kommen von echten Kunden, nicht aus diesem Demo-Formular', en: 'a relay is configured: replies come from real customers, not from this demo form' });
  if (!tools.smtp) throw new AppError('demo_only', { de: 'in diesem Prozess läuft kein SMTP-Listener (SUPPORTAL_SMTP_PORT ist leer): die Antwort kann nicht eingehen', en: 'no SMTP listener runs in this process (SUPPORTAL_SMTP_PORT is empty): the reply has no way in' });
  if (m.kind !== 'agent_reply' || m.status !== 'held') throw new AppError('invalid_input', { de: 'nur eine zurückgehaltene Antwort des Supports kann als Kunde beantwortet werden', en: 'only a held agent reply can be answered as the customer' }, { field: 'mailId' });
  const customer = await ctx.store.users.findByEmail(m.recipients[0] ?? '');
  if (!customer) throw new AppError('user_not_found', { de: `${m.recipients[0] ?? 'der Empfänger'} ist kein Benutzer mehr`, en: `${m.recipients[0] ?? 'the recipient'} is no user any more` });
  const read = await tools.reader.read(original);
  const lang = customer.language;
  const o = originalOf(read, m);
  const seed = randomUUID();
  const styled = styleReply(i.style, lang, i.text, o, { sender: customer.email, seed });
  let to = read.replyTo ?? o.fromAddress;
  let subject = styled.subject;
  let inReplyTo: string | null = read.messageId;
  let references = read.messageId ? [...read.references.filter((r) => r !== read.messageId), read.messageId] : read.references;
  if (i.variant === 'closed_case') {
    const [closed] = await ctx.store.cases.list({ customerId: customer.id, status: ['closed'], limit: 1 });
    if (!closed) throw new AppError('case_not_closed', { de: `${customer.email} hat keinen geschlossenen Fall, auf den er antworten könnte`, en: `${customer.email} has no closed case to reply to` });
    // An old mail of a closed case: its subject token is the only reference, as when a customer digs out last year's mail.
    to = ctx.mail.supportAddress;
    subject = `Re: [${ctx.mail.caseTokenLabel} #${closed.number}] ${closed.subject}`;
    inReplyTo = null;
    references = [];
  } else if (i.variant === 'changed_subject') {
    to = ctx.mail.supportAddress;
    subject = lang === 'de' ? 'Noch eine Frage zum Export' : 'One more question about the export';
    inReplyTo = null;
    references = [];
  }
  const raw = await tools.composer.build({
    from: { name: customer.name, address: customer.email },
    to,
    subject,
    date: ctx.clock.now(),
    messageId: `${seed}@${styled.messageIdDomain}`,
    inReplyTo,
    references,
    text: styled.text,
    html: styled.html,
    attachments: [...i.files, ...(await variantFiles(tools, i.variant, lang))],
    headers: styled.headers,
  });
  const smtpAnswer = await tools.smtp.submit({ from: customer.email, to: [to] }, raw);
  const stored = /stored as ([0-9a-f-]{36})/.exec(smtpAnswer);
  if (!stored) throw new AppError('internal', { de: `der SMTP-Listener antwortete „${smtpAnswer}“`, en: `the SMTP listener answered "${smtpAnswer}"` });
  return { inboundMailId: stored[1]!, raw, sha256: createHash('sha256').update(raw).digest('hex'), to, subject, smtpAnswer };
}

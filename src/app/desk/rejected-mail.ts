import { randomUUID } from 'node:crypto';
import type { WebSlice } from '../web-context.js';
import type { MailReader } from './ports.js';
import type { IngestDeps } from '../ingest/ports.js';
import type { RawMail } from '../../domain/raw-mail.js';
import type { Case, InboundMail, User } from '../../domain/entities.js';
import type { ReasonCode } from '../../domain/reason-codes.js';
import { judgeAttachments } from '../../domain/attachment-policy.js';
import { normalizeEmail } from '../../domain/case.js';
import { splitCustomerReply } from '../../domain/reply.js';
import { AppError } from '../errors.js';
import { requireStaff } from '../portal/access.js';
import { mailLogEntry, type MailLogEntry } from '../portal/views.js';
import { PROCESS_INBOUND_JOB } from '../ingest/receive-mail.js';

/**
 * What an agent sees of a mail the pipeline turned away (unknown sender, closed case, refused
 * attachments), and the one-click decisions that let it into its case after all. Before this,
 * such a mail could be read only as raw source.
 *
 * An acceptance never writes the case message itself: it removes the obstacle (adds the sender
 * as a contact, reopens the case) or tells the pipeline to leave the refused files out, and sends
 * the mail through the whole pipeline again. So the accepted mail is split, stored, scanned and
 * acknowledged with a receipt exactly like any other reply, and anything else wrong with it is
 * still found.
 */

/** The desk reads mails with the pipeline's own adapters and the attachment policy in effect. */
export function mailReaderFrom(deps: IngestDeps): MailReader {
  return {
    parser: deps.parser,
    inspector: deps.inspector,
    policy: async () => (deps.settings ? (await deps.settings.current()).policy : deps.policy),
    sanitizeHtml: deps.sanitizeHtml,
  };
}

export interface MailContentAttachment {
  /** Position among the mail's attachments: the download's address. */
  part: number;
  /** Display-safe name. */
  name: string;
  declaredType: string;
  /** What the bytes are (magic numbers); null when nothing was recognised. */
  detectedType: string | null;
  size: number;
  /** The attachment policy's verdict on this file, as the pipeline would judge it now. */
  verdict: 'allowed' | 'refused';
  /** Why a refused file is refused (the policy's words). */
  why: string | null;
}

export interface MailContent {
  subject: string;
  from: string | null;
  date: string | null;
  /** What the sender wrote, cut like an accepted reply (splitCustomerReply). */
  replyText: string;
  /** The cut-off signature and quoted history. */
  quotedText: string;
  /** The signature part of quotedText, when the text split found one. */
  signature: string;
  /** The reply as sanitized HTML; null for a text-only mail. */
  replyHtml: string | null;
  attachments: MailContentAttachment[];
  /** S/MIME or PGP encryption that hid the content. */
  encrypted: 'smime' | 'pgp' | null;
}

/** Parses a stored mail and judges its attachments as the pipeline does. Throws the parser's error on a mail it cannot read. */
export async function readMailContent(reader: MailReader, raw: RawMail): Promise<MailContent> {
  const m = await reader.parser.parse(raw);
  const policy = await reader.policy();
  const files = await reader.inspector.inspect(m.attachments, policy);
  const judgement = judgeAttachments(files, policy);
  const why = new Map<string, string>();
  if (!judgement.ok) for (const o of judgement.offences) why.set(o.file, [why.get(o.file), o.detail].filter(Boolean).join('; '));
  const split = splitCustomerReply({ text: m.text, html: m.html });
  return {
    subject: m.subject,
    from: m.from?.address ?? null,
    date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.toISOString() : null,
    replyText: split.replyText,
    quotedText: split.quotedText,
    signature: split.signature,
    replyHtml: split.replyHtml === null ? null : reader.sanitizeHtml(split.replyHtml),
    attachments: m.attachments.map((a, i) => {
      const f = files[i];
      const name = f?.name ?? `attachment-${i + 1}`;
      const refusal = why.get(name) ?? null;
      return { part: i, name, declaredType: a.contentType, detectedType: f?.detectedType ?? null, size: a.size, verdict: refusal === null ? 'allowed' : 'refused', why: refusal };
    }),
    encrypted: m.encrypted,
  };
}

/** The three ways an agent lets a rejected mail in. */
export const ACCEPT_ACTIONS = ['add_contact', 'reopen_case', 'without_attachments'] as const;
export type AcceptAction = (typeof ACCEPT_ACTIONS)[number];

/** The rejection each action overcomes. */
const ACTION_FOR_REASON: Partial<Record<ReasonCode, AcceptAction>> = {
  unknown_sender: 'add_contact',
  case_closed: 'reopen_case',
  attachment_type: 'without_attachments',
  too_many_archives: 'without_attachments',
  bad_archive: 'without_attachments',
};

/** What this module's use cases reach of the web context. */
export type RejectedMailDeps = WebSlice<'audit' | 'cases' | 'inbound' | 'jobs' | 'organisations' | 'transaction' | 'users', 'search', 'clock' | 'events' | 'mail' | 'mailReader'>;

export interface RejectedMailView {
  mail: MailLogEntry;
  /** Null when the content was deleted or cannot be parsed (`unreadable` says why). */
  content: MailContent | null;
  unreadable: string | null;
  /** The one action that fits the mail's rejection, if any. */
  actions: AcceptAction[];
  /** The organisation a new contact would join (for add_contact). */
  organisation: { id: string; name: string } | null;
}

function requireReader(ctx: Pick<RejectedMailDeps, 'mailReader'>): MailReader {
  if (!ctx.mailReader) throw new AppError('mail_unreadable', { de: 'E-Mails können in diesem Prozess nicht gelesen werden.', en: 'Reading mails is not available in this process.' });
  return ctx.mailReader;
}

async function requireMail(ctx: RejectedMailDeps, id: string): Promise<InboundMail> {
  const m = await ctx.web.search.inboundById(id);
  if (!m) throw new AppError('mail_not_found');
  return m;
}

/** The action that fits a mail, or none: only rejected mails with a case and one of the reasons above. */
function actionFor(m: InboundMail): AcceptAction | null {
  if (m.status !== 'rejected' || m.reason === null || m.caseId === null || m.rawDeleted) return null;
  return ACTION_FOR_REASON[m.reason] ?? null;
}

/** Staff: a mail of the log with its text, its attachments (names, types, verdicts) and what may be done about it. */
export async function rejectedMailView(ctx: RejectedMailDeps, user: User, id: string): Promise<RejectedMailView> {
  requireStaff(user);
  const m = await requireMail(ctx, id);
  const reader = requireReader(ctx);
  const raw = m.rawDeleted ? null : await ctx.store.inbound.rawMail(id);
  let content: MailContent | null = null;
  let unreadable: string | null = null;
  if (!raw) unreadable = 'content_deleted';
  else {
    try {
      content = await readMailContent(reader, raw);
    } catch (e) {
      unreadable = (e as { code?: string }).code === 'loop' ? 'loop' : 'malformed';
    }
  }
  const action = actionFor(m);
  const c = m.caseId ? await ctx.store.cases.findById(m.caseId) : null;
  const organisation = c?.organisationId ? await ctx.store.organisations.findById(c.organisationId) : null;
  const actions = action && (action !== 'add_contact' || organisation) ? [action] : [];
  return { mail: mailLogEntry(m, true, true, ctx.mail.publicUrl), content, unreadable, actions, organisation: organisation ? { id: organisation.id, name: organisation.name } : null };
}

/** Staff: one attachment of a stored mail, for download only (the route never lets the browser render it). */
export async function rejectedMailAttachment(ctx: RejectedMailDeps, user: User, id: string, part: number): Promise<{ name: string; content: Buffer }> {
  requireStaff(user);
  const m = await requireMail(ctx, id);
  const reader = requireReader(ctx);
  const raw = m.rawDeleted ? null : await ctx.store.inbound.rawMail(id);
  if (!raw) throw new AppError('not_found', { de: 'Der Inhalt dieser E-Mail wurde gelöscht.', en: 'The content of this mail was deleted.' });
  let parsed;
  try {
    parsed = await reader.parser.parse(raw);
  } catch {
    throw new AppError('mail_unreadable');
  }
  const a = parsed.attachments[part];
  if (!a) throw new AppError('not_found', { de: `Die E-Mail hat keinen Anhang ${part}.`, en: `The mail has no attachment ${part}.` });
  const files = await reader.inspector.inspect([a], await reader.policy());
  return { name: files[0]?.name ?? `attachment-${part + 1}`, content: a.content };
}

/**
 * Staff: lets a rejected mail into its case with the one action that fits its rejection, then
 * sends it through the pipeline again (a job, like reprocessing). Everything happens in one
 * transaction with an audit entry and a case-history event naming the agent:
 * - add_contact (unknown_sender): the sender becomes a customer contact of the case's organisation;
 * - reopen_case (case_closed): the case is opened again;
 * - without_attachments (attachment_type, too_many_archives, bad_archive): the pipeline leaves
 *   the refused files out; the case notes which files were dropped.
 * The sender gets the ordinary receipt once the pipeline accepts the mail.
 */
export async function acceptRejectedMail(ctx: RejectedMailDeps, user: User, id: string, action: AcceptAction): Promise<MailLogEntry> {
  requireStaff(user);
  const result = await ctx.store.transaction(async (tx) => {
    const m = await tx.inbound.findById(id);
    if (!m) throw new AppError('mail_not_found');
    const fits = actionFor(m);
    if (fits !== action) {
      throw new AppError('mail_not_acceptable', { de: `E-Mail ${id} ist ${m.status}${m.reason ? ` (${m.reason})` : ''}: ${fits ? `sie kann mit ${fits} angenommen werden` : 'sie kann so nicht angenommen werden'}.`, en: `Mail ${id} is ${m.status}${m.reason ? ` (${m.reason})` : ''}: ${fits ? `it can be accepted with ${fits}` : 'it cannot be accepted this way'}.` }, { action: fits });
    }
    const c = await tx.cases.findById(m.caseId!);
    if (!c) throw new AppError('case_not_found');
    const now = ctx.clock.now().toISOString();
    const t = { ...ctx, store: tx };
    let detail: string;
    if (action === 'add_contact') detail = await addSenderAsContact(t, c, m, user, now);
    else if (action === 'reopen_case') {
      if (c.status === 'closed') {
        await tx.cases.update(c.id, { status: 'open', closedAt: null, updatedAt: now, lastActivityAt: now });
        await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'reopened', actorId: user.id, fromStatus: c.status, toStatus: 'open', detail: 'to accept a mail', at: now });
        await tx.audit.record({ at: now, actor: user.id, action: 'case.reopen', target: c.id });
      }
      detail = `case ${c.number} reopened`;
    } else detail = 'refused attachments left out';
    await tx.inbound.setOutcome(id, {
      status: 'received', reason: null, detail: `accepted by ${user.email}: ${detail} (was rejected/${m.reason})`, caseId: null, fromAddress: m.fromAddress, subject: m.subject,
      scan: null, auth: null, decisions: [], processedAt: now, processingMs: 0,
    });
    await tx.jobs.enqueue({
      id: randomUUID(), kind: PROCESS_INBOUND_JOB, key: `inbound:${id}:accept:${now}`,
      payload: { mailId: id, acceptedBy: user.id, ...(action === 'without_attachments' ? { dropRefusedAttachments: true } : {}) },
      runAt: now, now,
    });
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'mail_accepted', actorId: user.id, fromStatus: null, toStatus: null, detail: action, at: now });
    await tx.audit.record({ at: now, actor: user.id, action: `inbound.accept.${action}`, target: id, detail: { reason: m.reason, case: c.number, sender: m.fromAddress } });
    return m;
  });
  ctx.events?.publish({ kind: 'mail', mailId: id });
  return mailLogEntry({ ...(await requireMail(ctx, id)), caseNumber: result.caseNumber }, true, true, ctx.mail.publicUrl);
}

async function addSenderAsContact(ctx: RejectedMailDeps, c: Case, m: InboundMail, user: User, now: string): Promise<string> {
  if (!c.organisationId) throw new AppError('mail_not_acceptable', { de: `Fall ${c.number} gehört zu keiner Organisation: Nehmen Sie den Absender stattdessen in Kopie in den Fall auf.`, en: `Case ${c.number} belongs to no organisation: copy the sender on the case instead.` });
  const sender = m.fromAddress ? normalizeEmail(m.fromAddress) : null;
  if (!sender) throw new AppError('mail_not_acceptable', { de: 'Die E-Mail hat keine Absenderadresse.', en: 'The mail has no sender address.' });
  const existing = await ctx.store.users.findByEmail(sender);
  if (existing) throw new AppError('sender_has_account', { de: `${sender} hat bereits ein Konto (${existing.role}${existing.disabled ? ', gesperrt' : ''}); ändern Sie es in der Benutzerverwaltung.`, en: `${sender} has an account already (${existing.role}${existing.disabled ? ', disabled' : ''}); change it in the user administration.` });
  const org = await ctx.store.organisations.findById(c.organisationId);
  const userId = randomUUID();
  await ctx.store.users.insert({
    id: userId, email: sender, name: sender.split('@')[0] ?? sender, role: 'customer', language: ctx.mail.defaultLanguage, passwordHash: null,
    disabled: false, emailVerified: false, organisationId: c.organisationId, orgAdmin: false, createdAt: now,
  });
  await ctx.store.audit.record({ at: now, actor: user.id, action: 'user.add', target: userId, detail: { email: sender, role: 'customer', organisation: org?.name ?? c.organisationId, via: `rejected mail ${m.id}` } });
  // A colleague who is not the organisation's admin may write to a case only when an agent
  // copied them on it (060-authorise-sender, the portal's visibility rule): the agent's decision
  // to let this mail in is that copy.
  await ctx.store.cases.addParticipant(c.id, sender, user.id, now);
  return `${sender} added as a contact of ${org?.name ?? 'the organisation'} and copied on case ${c.number}`;
}

import { randomUUID } from 'node:crypto';
import type { AppSlice } from '../context.js';
import type { Store } from '../ports.js';
import type { TemplateName } from './mail-composer.js';
import type { Language } from '../../domain/case.js';
import type { Case, OutboundKind } from '../../domain/entities.js';
import { caseSubject, makeCaseMessageId, makeMessageId, makePlusAddress, stripReplyPrefixes, threadIndex } from '../../domain/thread-tokens.js';
import { AppError } from '../errors.js';

/** What this module's use cases reach of the context. */
export type QueueMailDeps = AppSlice<never, 'clock' | 'composer' | 'mail'>;

/** Kinds that are sent by a robot: no-reply sender, no Reply-To, Auto-Submitted (RFC 3834). */
const AUTOMATIC: ReadonlySet<OutboundKind> = new Set(['receipt', 'notice', 'signup', 'password_reset', 'agent_notification']);

export interface QueueMailInput {
  kind: OutboundKind;
  template: TemplateName;
  language: Language;
  to: { name: string; address: string };
  cc?: Array<{ name: string; address: string }>;
  vars: Record<string, string | number | null | undefined>;
  /** The case the mail is about: its token goes into the subject and the Message-ID. */
  case?: Case;
  /** The Message-ID this mail answers (e.g. the customer's mail a receipt confirms). */
  inReplyTo?: string | null;
  inboundMailId?: string | null;
  attachments?: Array<{ filename: string; content: Buffer; contentType?: string }>;
  /**
   * The recipient's address is not authenticated (a receipt under the fallback rule, RELIABILITY
   * E1): the mail names the case by its number only — no Thread-Topic with the case's subject, no
   * References to our earlier mails, and a Message-ID that is not a signed reference to the case.
   */
  unverifiedRecipient?: boolean;
  /**
   * Vars that hold a secret (a verification or reset link). The mail is sent with them, but the
   * outbox keeps them only until it is sent or has failed: then a placeholder takes their place,
   * so that whoever reads the database later finds no working link (issue 10, item 10).
   */
  secretVars?: string[];
}

/** What stands in a sent mail's stored copy where a secret link was. */
export const SECRET_PLACEHOLDER: Record<Language, string> = { de: '[Link nach dem Versand entfernt]', en: '[link removed after sending]' };

/** A VERP envelope sender: a bounce names the outbound mail it concerns (bounces+<id>@domain). */
export function verpAddress(bounceAddress: string, outboundId: string): string {
  const at = bounceAddress.lastIndexOf('@');
  return `${bounceAddress.slice(0, at)}+${outboundId.replace(/-/g, '')}${bounceAddress.slice(at)}`;
}

/** The outbound id a VERP token names (the inverse of verpAddress), or null. */
export function outboundIdFromVerp(token: string): string | null {
  const m = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i.exec(token);
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() : null;
}

const CRLF = /[\r\n\0]/;

/**
 * Renders, composes and writes one mail to the outbox, inside the caller's transaction, so that
 * the mail commits or rolls back with the change that caused it (transactional outbox).
 */
export async function queueMail(ctx: QueueMailDeps, tx: Store, input: QueueMailInput): Promise<{ id: string; messageId: string }> {
  const s = ctx.mail;
  for (const [what, v] of [[{ de: 'Der Name des Empfängers', en: 'recipient name' }, input.to.name], [{ de: 'Die Adresse des Empfängers', en: 'recipient address' }, input.to.address]] as const) {
    if (CRLF.test(v)) throw new AppError('invalid_input', { de: `${what.de} darf keine Zeilenumbrüche enthalten`, en: `${what.en} must not contain line breaks` });
  }
  const id = randomUUID();
  const automatic = AUTOMATIC.has(input.kind);
  const c = input.case;
  const renderWith = (vars: QueueMailInput['vars']) =>
    ctx.composer.render(input.template, input.language, {
      productName: s.productName,
      portalUrl: s.publicUrl,
      ...(c ? { caseToken: `#${c.number}`, caseUrl: `${s.publicUrl}/cases/${c.number}` } : {}),
      mailLogUrl: `${s.publicUrl}/mails`,
      ...vars,
    });
  const rendered = renderWith(input.vars);
  const threaded = c && !input.unverifiedRecipient ? c : undefined;
  const messageId = threaded ? makeCaseMessageId(s.secret, threaded.number, s.mailDomain) : makeMessageId(s.mailDomain);
  const subject = c ? caseSubject(s.caseTokenLabel, c.number, rendered.subject) : rendered.subject;
  const headers: Record<string, string> = {};
  let references: string[] = [];
  if (threaded) {
    // Threading: every earlier mail of ours about the case, newest last, capped at 20 so that
    // headers stay small (clients need only the root and the parent to thread).
    const earlier = await tx.outbound.list({ caseId: threaded.id, limit: 20 });
    references = earlier.map((m) => m.messageId).reverse();
    headers['Thread-Topic'] = stripReplyPrefixes(threaded.subject).replace(/[\r\n\0]+/g, ' ');
    headers['Thread-Index'] = threadIndex(s.secret, threaded.number, earlier.length);
    headers['X-Supportal-Case'] = String(threaded.number);
  }
  const inReplyTo = input.inReplyTo ?? references[references.length - 1] ?? null;
  if (input.inReplyTo && !references.includes(input.inReplyTo)) references.push(input.inReplyTo);
  if (automatic) {
    headers['Auto-Submitted'] = input.kind === 'receipt' || input.kind === 'notice' ? 'auto-replied' : 'auto-generated';
    // Ask Exchange and others not to send out-of-office replies to our robot mails (loops, L6).
    headers['X-Auto-Response-Suppress'] = 'All';
    headers['Precedence'] = 'auto_reply';
  }
  const from = automatic ? { name: s.productName, address: s.noreplyAddress } : { name: `${s.productName} Support`, address: s.supportAddress };
  const replyTo = automatic ? null : c && s.plusAddressing ? makePlusAddress(s.secret, s.supportAddress, c.number) : s.supportAddress;
  const envelopeFrom = verpAddress(s.bounceAddress, id);
  const now = ctx.clock.now();
  const envelope = { from, to: [input.to], cc: input.cc, replyTo, subject, messageId, inReplyTo, references, headers, attachments: input.attachments, date: now };
  const raw = await ctx.composer.compose({ ...envelope, text: rendered.text, html: rendered.html });
  let rawAfterSend: Buffer | null = null;
  if (input.secretVars?.length) {
    // The same mail with the secrets replaced, composed now, so that the secret need not be kept.
    const placeholder = SECRET_PLACEHOLDER[input.language];
    const redacted = renderWith({ ...input.vars, ...Object.fromEntries(input.secretVars.map((k) => [k, placeholder])) });
    rawAfterSend = await ctx.composer.compose({ ...envelope, text: redacted.text, html: redacted.html });
  }
  await tx.outbound.insert({
    id,
    kind: input.kind,
    caseId: c?.id ?? null,
    inboundMailId: input.inboundMailId ?? null,
    messageId,
    fromAddress: from.address,
    envelopeFrom,
    recipients: [input.to.address.toLowerCase(), ...(input.cc ?? []).map((x) => x.address.toLowerCase())],
    subject,
    language: input.language,
    raw,
    rawAfterSend,
    status: s.relayConfigured ? 'queued' : 'held',
    createdAt: now.toISOString(),
  });
  return { id, messageId };
}

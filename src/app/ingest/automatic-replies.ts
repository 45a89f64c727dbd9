import type { Store } from '../ports.js';
import type { PipelineContext } from './pipeline-context.js';
import type { ReasonCode } from '../../domain/reason-codes.js';
import type { Language } from '../../domain/case.js';
import { suppressesAutoResponse } from '../../domain/auto-reply.js';
import { queueMail } from '../outbound/queue-mail.js';
import { reasonText, offendingFilesLine } from './reason-texts.js';
import { stripReplyPrefixes } from '../../domain/thread-tokens.js';
import { formatUtcDateTime } from '../../domain/utc-date-time.js';

const HOUR_MS = 3_600_000;

/** Reasons whose notice may name the case: the sender was authorised for it. */
const CASE_REVEALING: ReadonlySet<ReasonCode> = new Set(['case_closed', 'attachment_type', 'too_many_archives', 'bad_archive', 'encrypted', 'rich_text', 'virus']);

/** SPF verdicts that say the connecting server may NOT send for the envelope domain. */
const SPF_REFUSED: ReadonlySet<string> = new Set(['fail', 'softfail']);

/** What a receipt or notice names instead of a subject it must not repeat (RELIABILITY E2). */
const SUBJECT_NOT_REPEATED: Record<Language, string> = { de: '(Betreff aus Sicherheitsgründen nicht wiederholt)', en: '(subject not repeated, for safety)' };
/** What an unverified receipt says instead of the case's subject (RELIABILITY E1). */
const YOUR_MAIL: Record<Language, string> = { de: 'Ihre E-Mail', en: 'your e-mail' };

/** Where a receipt or notice may go, and whether that address is authenticated for the From domain. */
export type ReplyTarget = { address: string; verified: boolean } | { none: string };

/**
 * The address a receipt or notice may go to (RELIABILITY E1, L7), never one that the mail's
 * sender merely claims:
 *  - SPF passed for the envelope sender's domain and it aligns with From: the notice goes to the
 *    envelope sender, the receipt to From (both of the proven domain);
 *  - an aligned DKIM signature verified: both go to From;
 *  - SPF refused the connecting server (fail/softfail) and no DKIM aligns: nothing;
 *  - no check (mailbox, pipe, SUPPORTAL_SENDER_AUTH=off) or no verdict (none, neutral, DNS
 *    errors): only when the envelope sender is the From address itself — then at most the
 *    owner of that address gets it, never a third party who put it in From — and unverified.
 */
export function replyTarget(p: Pick<PipelineContext, 'auth' | 'sender' | 'mail' | 'parsed'>, kind: 'receipt' | 'notice'): ReplyTarget {
  const from = p.sender?.toLowerCase() ?? null;
  const envelope = envelopeSender(p);
  if (!from) return { none: 'the mail has no From address to judge the sender by' };
  const a = p.auth;
  if (a?.spfAligned && envelope) return { address: kind === 'notice' ? envelope : from, verified: true };
  if (a?.dkimAligned) return { address: from, verified: true };
  if (a && SPF_REFUSED.has(a.spf)) return { none: `SPF ${a.spf} for the envelope sender and no DKIM signature of the From domain: the sender may be forged (no backscatter)` };
  if (envelope === from) return { address: from, verified: false };
  return { none: `the sender is not verified and the envelope sender ${envelope ?? '<>'} is not the From address (no backscatter)` };
}

/**
 * The envelope sender: as the SMTP/LMTP client or `ingest --sender` gave it; for a mailbox (or
 * a pipe without --sender) the topmost Return-Path, which the server that delivered the mail into
 * the mailbox wrote from its envelope (RFC 5321 §4.4).
 */
function envelopeSender(p: Pick<PipelineContext, 'mail' | 'parsed'>): string | null {
  if (p.mail.envelopeFrom) return p.mail.envelopeFrom.toLowerCase();
  if (p.mail.channel !== 'imap' && p.mail.channel !== 'pipe') return null;
  const value = p.parsed?.headers.get('return-path')?.[0]?.trim() ?? '';
  const address = value.replace(/^<|>$/g, '').trim().toLowerCase();
  return address.includes('@') && !/[\s<>]/.test(address) ? address : null;
}

/**
 * Queues the receipt of an accepted mail or the failure notice of a rejected one, in the
 * finalising transaction. Rules (RELIABILITY 7, L1–L7, E1–E3): never to ourselves; only to an
 * address `replyTarget` allows; a case's subject, Thread-Topic and References only to an
 * authenticated address (an unverified one learns at most the case number and link, which the
 * sender named himself); the incoming subject and file names are repeated only to a known
 * contact, never to a stranger; at most N automatic mails per address and N notices per
 * recipient domain per hour (loop breaker, backscatter cap); the recipient's name and language
 * only from the account of the address written to; what is suppressed is noted in the log.
 * Returns whether a mail was queued.
 */
export async function queueAutomaticReply(p: PipelineContext, tx: Store, what: { kind: 'receipt' } | { kind: 'notice'; reason: ReasonCode }): Promise<boolean> {
  const s = p.app.mail;
  const m = p.parsed;
  const target = replyTarget(p, what.kind);
  if ('none' in target) {
    p.notes.push(`no ${what.kind}: ${target.none}`);
    return false;
  }
  const to = target.address;
  if ([s.noreplyAddress, s.supportAddress, s.bounceAddress].includes(to) || to.startsWith(`${s.bounceAddress.split('@')[0]}+`)) {
    p.notes.push(`no ${what.kind}: the sender is our own address`);
    return false;
  }
  if (m && suppressesAutoResponse(m.headers)) {
    p.notes.push(`no ${what.kind}: the sender asked for no automatic replies (X-Auto-Response-Suppress)`);
    return false;
  }
  const since = new Date(p.app.clock.now().getTime() - HOUR_MS).toISOString();
  const cap = s.autoMailsPerSenderPerHour;
  if ((await tx.outbound.countAutomaticTo(to, since, cap)) >= cap) {
    p.notes.push(`no ${what.kind}: ${cap} automatic mails to ${to} in the last hour (loop breaker)`);
    return false;
  }
  const domain = to.slice(to.lastIndexOf('@') + 1);
  if (what.kind === 'notice' && (await tx.outbound.countNoticesToDomain(domain, since, cap)) >= cap) {
    p.notes.push(`no notice: ${cap} notices to addresses at ${domain} in the last hour (per-domain cap)`);
    return false;
  }
  // Name and language only from the account of the address we write to: never the From's
  // account when the mail goes elsewhere (the display name of a customer would leak).
  const recipient = p.senderUser?.email === to ? p.senderUser : await tx.users.findByEmail(to);
  const language = recipient?.language ?? s.defaultLanguage;
  const receivedAt = formatUtcDateTime(p.mail.receivedAt, language);
  const toField = { name: recipient?.name ?? '', address: to };
  if (what.kind === 'receipt') {
    await queueMail(p.app, tx, {
      kind: 'receipt',
      template: 'receipt',
      language,
      to: toField,
      case: p.matched!.case,
      inReplyTo: m?.messageId ?? null,
      inboundMailId: p.mail.id,
      vars: { subject: target.verified ? p.matched!.case.subject : YOUR_MAIL[language], receivedAt },
      unverifiedRecipient: !target.verified,
    });
    if (!target.verified) p.notes.push('receipt without the case subject: the sender is not verified');
    return true;
  }
  // The sender's own subject, without prefixes and our token (the notice carries its own) —
  // only to a known contact; a stranger's subject is not relayed to anyone (E2).
  const repeatsSenderText = recipient !== null;
  const subject = repeatsSenderText
    ? stripReplyPrefixes((m?.subject ?? '').replace(/[\r\n\t]+/g, ' ').replace(/\[[^\]]{0,40}#\s*\d{1,12}\s*\]/g, ' ')).slice(0, 200)
    : SUBJECT_NOT_REPEATED[language];
  const revealCase = p.matched && CASE_REVEALING.has(what.reason);
  const t = reasonText(what.reason, language, s.publicUrl, revealCase ? `${s.publicUrl}/cases/${p.matched!.case.number}` : undefined);
  // File names are the sender's text too: named only where the subject is repeated, else counted.
  const files = offendingFilesLine(p.offendingFiles, language, repeatsSenderText);
  await queueMail(p.app, tx, {
    kind: 'notice',
    template: 'notice',
    language,
    to: toField,
    case: revealCase ? p.matched!.case : undefined,
    inReplyTo: m?.messageId ?? null,
    inboundMailId: p.mail.id,
    vars: { subject: subject || '-', receivedAt, reasonText: t.text, advice: t.advice, fileLine: files },
    unverifiedRecipient: !target.verified,
  });
  return true;
}

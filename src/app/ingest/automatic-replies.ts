import type { Store } from '../ports.js';
import type { PipelineContext } from './pipeline-context.js';
import type { ReasonCode } from '../../domain/reason-codes.js';
import { suppressesAutoResponse } from '../../domain/auto-reply.js';
import { queueMail } from '../outbound/queue-mail.js';
import { reasonText, offendingFilesLine } from './reason-texts.js';
import { stripReplyPrefixes } from '../../domain/thread-tokens.js';

const HOUR_MS = 3_600_000;

/** Reasons whose notice may name the case: the sender was authorised for it. */
const CASE_REVEALING: ReadonlySet<ReasonCode> = new Set(['case_closed', 'attachment_type', 'too_many_archives', 'bad_archive', 'encrypted', 'rich_text', 'virus']);

/**
 * Queues the receipt of an accepted mail or the failure notice of a rejected one, in the
 * finalising transaction. Rules (RELIABILITY 7, L1–L7): never to ourselves; a notice only to a
 * known contact or an authenticated sender (no backscatter to forged addresses); at most N
 * automatic mails per address per hour (loop breaker); what is suppressed is noted in the log.
 * Returns whether a mail was queued.
 */
export async function queueAutomaticReply(p: PipelineContext, tx: Store, what: { kind: 'receipt' } | { kind: 'notice'; reason: ReasonCode }): Promise<boolean> {
  const s = p.app.mail;
  const m = p.parsed;
  // Receipts go to the authorised author (From); notices to the envelope sender, where bounces belong.
  const to = what.kind === 'receipt' ? p.sender : p.mail.envelopeFrom || p.sender;
  if (!to) {
    p.notes.push(`no ${what.kind}: no address to send it to`);
    return false;
  }
  if ([s.noreplyAddress, s.supportAddress, s.bounceAddress].includes(to) || to.startsWith(`${s.bounceAddress.split('@')[0]}+`)) {
    p.notes.push(`no ${what.kind}: the sender is our own address`);
    return false;
  }
  if (m && suppressesAutoResponse(m.headers)) {
    p.notes.push(`no ${what.kind}: the sender asked for no automatic replies (X-Auto-Response-Suppress)`);
    return false;
  }
  const knownUser = p.senderUser ?? (await tx.users.findByEmail(to));
  if (what.kind === 'notice' && !knownUser && !p.auth?.authenticated) {
    p.notes.push('no notice: the sender is neither a known contact nor authenticated (no backscatter)');
    return false;
  }
  const since = new Date(p.app.clock.now().getTime() - HOUR_MS).toISOString();
  if ((await tx.outbound.countAutomaticTo(to, since, s.autoMailsPerSenderPerHour)) >= s.autoMailsPerSenderPerHour) {
    p.notes.push(`no ${what.kind}: ${s.autoMailsPerSenderPerHour} automatic mails to ${to} in the last hour (loop breaker)`);
    return false;
  }
  const language = knownUser?.language ?? s.defaultLanguage;
  const receivedAt = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(p.mail.receivedAt)) + ' UTC';
  // The sender's own subject, without prefixes and our token (the notice carries its own).
  const subject = stripReplyPrefixes((m?.subject ?? '').replace(/[\r\n\t]+/g, ' ').replace(/\[[^\]]{0,40}#\s*\d{1,12}\s*\]/g, ' ')).slice(0, 200);
  if (what.kind === 'receipt') {
    await queueMail(p.app, tx, {
      kind: 'receipt',
      template: 'receipt',
      language,
      to: { name: knownUser?.name ?? '', address: to },
      case: p.matched!.case,
      inReplyTo: m?.messageId ?? null,
      inboundMailId: p.mail.id,
      vars: { subject: p.matched!.case.subject, receivedAt },
    });
    return true;
  }
  const revealCase = p.matched && CASE_REVEALING.has(what.reason);
  const t = reasonText(what.reason, language, s.publicUrl, revealCase ? `${s.publicUrl}/cases/${p.matched!.case.number}` : undefined);
  const files = offendingFilesLine(p.offendingFiles, language);
  await queueMail(p.app, tx, {
    kind: 'notice',
    template: 'notice',
    language,
    to: { name: knownUser?.name ?? '', address: to },
    case: revealCase ? p.matched!.case : undefined,
    inReplyTo: m?.messageId ?? null,
    inboundMailId: p.mail.id,
    vars: { subject: subject || '-', receivedAt, reasonText: t.text, advice: t.advice, fileLine: files },
  });
  return true;
}

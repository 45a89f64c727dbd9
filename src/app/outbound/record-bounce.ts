import { randomUUID } from 'node:crypto';
import type { AppSlice } from '../context.js';
import type { Store } from '../ports.js';
import type { BounceReport } from '../../domain/bounce.js';
import type { OutboundMail } from '../../domain/entities.js';
import { outboundIdFromVerp } from './queue-mail.js';

/** What this module's use cases reach of the context. */
export type RecordBounceDeps = AppSlice<'transaction', 'clock'>;

/**
 * RFC 3464 actions that do not mean "not delivered": the remote MTA still tries (`delayed`) or
 * reports success. They are recorded on the mail but do not mark it bounced.
 */
const NOT_A_FAILURE: ReadonlySet<string> = new Set(['delayed', 'delivered', 'relayed', 'expanded']);

/** Mails Supportal sends by itself: their bounces are recorded on the mail and the address only. */
const AUTOMATIC_KINDS: ReadonlySet<string> = new Set(['receipt', 'notice', 'agent_notification', 'signup', 'password_reset']);

/** The diagnostic is shown in one line of the outbox list; 500 characters keep it readable. */
const MAX_DIAGNOSTIC_CHARS = 500;

async function findBounced(store: Store, report: BounceReport): Promise<OutboundMail | null> {
  // The VERP token names the outbound row exactly and survives relays that strip the returned
  // copy; the original Message-ID is the fallback for mail systems that bounce to the From.
  const id = report.verpToken ? outboundIdFromVerp(report.verpToken) : null;
  const byVerp = id ? await store.outbound.findById(id) : null;
  if (byVerp) return byVerp;
  return report.originalMessageId ? store.outbound.findByMessageId(report.originalMessageId) : null;
}

/**
 * The note that tells agents about a bounced reply, in both languages. The diagnostic is the
 * remote server's free text — anyone can send a DSN — so it is quoted line by line and labelled
 * as the report's words, never written as a statement of ours (RELIABILITY E6).
 */
export function bounceNote(recipient: string, permanent: boolean, diagnostic: string, mail: Pick<OutboundMail, 'subject' | 'messageId'>): string {
  const quoted = diagnostic.split(/\r?\n/).map((l) => `> ${l}`).join('\n');
  return [
    permanent ? `Mail to ${recipient} bounced (permanent failure).` : `Mail to ${recipient} bounced (temporary failure; a later mail may get through).`,
    permanent ? `Die E-Mail an ${recipient} kam zurück (dauerhafter Fehler).` : `Die E-Mail an ${recipient} kam zurück (vorübergehender Fehler; eine spätere E-Mail kann ankommen).`,
    'The bounce report says (quoted, not verified) / Der Unzustellbarkeitsbericht sagt (Zitat, nicht geprüft):',
    quoted,
    `Subject: ${mail.subject}`,
    `Message-ID: <${mail.messageId}>`,
  ].join('\n');
}

function diagnosticOf(report: BounceReport): string {
  const parts = [report.status, report.diagnostic].filter((p): p is string => Boolean(p && p.trim()));
  const text = parts.join(' ').replace(/\s+/g, ' ').trim() || (report.action ?? 'bounced');
  return text.slice(0, MAX_DIAGNOSTIC_CHARS);
}

/**
 * A bounce (DSN or MTA notice) for one of our mails (RELIABILITY L3): the mail is marked
 * `bounced` with the diagnostic, the audit log records it, a permanently failing address is marked
 * on its user, and — for an agent's reply, not for a receipt or notice — an internal note on the
 * case tells the agents that the customer did not get the mail. Nothing is sent back (no reply to a bounce).
 * A report that matches none of our mails changes nothing and returns nulls. A report for an
 * address the matched mail was not sent to (a forged DSN to the VERP address of a notice, naming
 * another customer) changes nothing either and is recorded in the audit log as refused
 * (RELIABILITY E5). The same failure reported twice adds no second note.
 *
 * @example
 *   const report = parseBounce(input, { bounceLocalPart: 'bounces', mailDomain });
 *   await recordBounce(ctx, { report, inboundMailId });  // → { outboundId, caseId }
 */
export async function recordBounce(
  ctx: RecordBounceDeps,
  input: { report: BounceReport; inboundMailId: string | null },
): Promise<{ outboundId: string | null; caseId: string | null; effect: 'bounced' | 'noted' | 'foreign_recipient' | null }> {
  const { report } = input;
  return ctx.store.transaction(async (tx) => {
    const m = await findBounced(tx, report);
    if (!m) return { outboundId: null, caseId: null, effect: null };
    const now = ctx.clock.now().toISOString();
    const diagnostic = diagnosticOf(report);
    if (report.recipient && !m.recipients.includes(report.recipient.toLowerCase())) {
      await tx.audit.record({ at: now, actor: null, action: 'outbound.bounce_refused', target: m.id, detail: { recipient: report.recipient, recipients: m.recipients, inboundMailId: input.inboundMailId } });
      return { outboundId: m.id, caseId: m.caseId, effect: 'foreign_recipient' as const };
    }
    const recipient = report.recipient ?? m.recipients.join(', ');
    const failed = !(report.action && NOT_A_FAILURE.has(report.action));
    const detail = { recipient, status: report.status, action: report.action, diagnostic: report.diagnostic, permanent: report.permanent, inboundMailId: input.inboundMailId };
    if (!failed) {
      await tx.outbound.update(m.id, { bounceDiagnostic: `${report.action}: ${diagnostic}`.slice(0, MAX_DIAGNOSTIC_CHARS) });
      await tx.audit.record({ at: now, actor: null, action: `outbound.${report.action}`, target: m.id, detail });
      return { outboundId: m.id, caseId: m.caseId, effect: 'noted' as const };
    }
    const repeated = m.status === 'bounced' && m.bounceDiagnostic === diagnostic;
    await tx.outbound.update(m.id, { status: 'bounced', bounceDiagnostic: diagnostic, lockedUntil: null, nextAttemptAt: null });
    await tx.audit.record({ at: now, actor: null, action: 'outbound.bounced', target: m.id, detail });
    // The address is marked failing, so that agents see at the case that mails do not arrive (L3).
    if (report.permanent) {
      for (const address of report.recipient ? [report.recipient.toLowerCase()] : m.recipients) {
        const user = await tx.users.findByEmail(address);
        if (user) await tx.users.update(user.id, { mailFailing: { since: now, reason: diagnostic } });
      }
    }
    // A bounced receipt or notice is not news for the case (no case noise, L3); a bounced agent
    // reply is: the customer did not get the answer.
    if (m.caseId && !repeated && !AUTOMATIC_KINDS.has(m.kind)) {
      await tx.messages.insert({
        id: randomUUID(),
        caseId: m.caseId,
        authorId: null,
        authorEmail: null,
        kind: 'internal_note',
        source: 'email',
        bodyText: bounceNote(recipient, report.permanent, diagnostic, m),
        bodyHtml: null,
        quotedText: null,
        inboundMailId: input.inboundMailId,
        outboundMailId: m.id,
        createdAt: now,
      });
    }
    return { outboundId: m.id, caseId: m.caseId, effect: 'bounced' as const };
  });
}

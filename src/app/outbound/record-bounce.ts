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
 * A report that matches none of our mails changes nothing and returns nulls. The same failure
 * reported twice adds no second note.
 *
 * @example
 *   const report = parseBounce(input, { bounceLocalPart: 'bounces', mailDomain });
 *   await recordBounce(ctx, { report, inboundMailId });  // → { outboundId, caseId }
 */
export async function recordBounce(
  ctx: RecordBounceDeps,
  input: { report: BounceReport; inboundMailId: string | null },
): Promise<{ outboundId: string | null; caseId: string | null; effect: 'bounced' | 'noted' | null }> {
  const { report } = input;
  return ctx.store.transaction(async (tx) => {
    const m = await findBounced(tx, report);
    if (!m) return { outboundId: null, caseId: null, effect: null };
    const now = ctx.clock.now().toISOString();
    const diagnostic = diagnosticOf(report);
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
      const kind = report.permanent ? 'bounced' : 'bounced (temporary failure; a later mail may get through)';
      await tx.messages.insert({
        id: randomUUID(),
        caseId: m.caseId,
        authorId: null,
        authorEmail: null,
        kind: 'internal_note',
        source: 'email',
        bodyText: `Mail to ${recipient} ${kind}: ${diagnostic}\nSubject: ${m.subject}\nMessage-ID: <${m.messageId}>`,
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

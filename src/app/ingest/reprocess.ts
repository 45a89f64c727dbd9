import { randomUUID } from 'node:crypto';
import type { AppSlice } from '../context.js';
import { AppError } from '../errors.js';
import { PROCESS_INBOUND_JOB } from './receive-mail.js';

/** What this module's use cases reach of the context. */
export type ReprocessDeps = AppSlice<'transaction', 'clock'>;

/**
 * An admin asks for a quarantined or deferred mail (or one whose job is dead) to go through the
 * pipeline again, e.g. after releasing it or after clamd is back. The outcome is reset and a new
 * job queued; the mail keeps its id, so the log shows one entry. A mail an agent `released` is
 * not held again by the sender checks (an agent vouched for it); its other checks still run.
 */
export async function reprocessInboundMail(ctx: ReprocessDeps, mailId: string, opts: { released?: boolean } = {}): Promise<{ mailId: string; status: 'received' }> {
  return ctx.store.transaction(async (tx) => {
    const m = await tx.inbound.findById(mailId);
    if (!m) throw new AppError('mail_not_found', { de: `es gibt keine eingegangene E-Mail ${mailId}`, en: `there is no inbound mail ${mailId}` });
    if (m.status !== 'quarantined' && m.status !== 'deferred' && m.status !== 'received') {
      throw new AppError('not_reprocessable', { de: `die E-Mail ${mailId} ist ${m.status}; nur zurückgehaltene oder zurückgestellte E-Mails werden neu verarbeitet`, en: `mail ${mailId} is ${m.status}; only quarantined or deferred mails are processed again` });
    }
    const now = ctx.clock.now().toISOString();
    await tx.inbound.setOutcome(mailId, {
      status: 'received', reason: null, detail: `reprocess requested (was ${m.status}${m.reason ? `/${m.reason}` : ''})`, caseId: null, fromAddress: m.fromAddress, subject: m.subject,
      scan: null, auth: null, decisions: [], processedAt: now, processingMs: 0,
    });
    await tx.jobs.enqueue({ id: randomUUID(), kind: PROCESS_INBOUND_JOB, key: `inbound:${mailId}:${now}`, payload: opts.released ? { mailId, released: true } : { mailId }, runAt: now, now });
    await tx.audit.record({ at: now, actor: null, action: 'inbound.reprocess', target: mailId });
    return { mailId, status: 'received' as const };
  });
}

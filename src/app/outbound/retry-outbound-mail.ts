import type { AppSlice } from '../context.js';
import { AppError } from '../errors.js';
import type { OutboundMail } from '../../domain/entities.js';

/** What this module's use cases reach of the context. */
export type RetryOutboundMailDeps = AppSlice<'audit' | 'outbound', 'clock' | 'mail'>;

/** An admin asks for another attempt now: a failed, retrying or bounced mail is queued again. */
export async function retryOutboundMail(ctx: RetryOutboundMailDeps, id: string): Promise<OutboundMail> {
  const m = await ctx.store.outbound.findById(id);
  if (!m) throw new AppError('mail_not_found', { de: `es gibt keine ausgehende E-Mail ${id}`, en: `there is no outbound mail ${id}` });
  if (!ctx.mail.relayConfigured) throw new AppError('invalid_input', { de: 'kein Relay eingerichtet (SUPPORTAL_RELAY_URL): E-Mails bleiben im lokalen Postausgang', en: 'no relay is configured (SUPPORTAL_RELAY_URL): mails stay held in the local outbox' });
  if (m.status === 'sent' || m.status === 'sending') throw new AppError('invalid_input', { de: `die ausgehende E-Mail ${id} ist ${m.status}; es gibt nichts zu wiederholen`, en: `outbound mail ${id} is ${m.status}; nothing to retry` });
  const now = ctx.clock.now().toISOString();
  await ctx.store.outbound.update(id, { status: 'queued', nextAttemptAt: now, lockedUntil: null });
  await ctx.store.audit.record({ at: now, actor: null, action: 'outbound.retry', target: id });
  return { ...m, status: 'queued', nextAttemptAt: now };
}

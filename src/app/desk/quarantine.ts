import type { ReprocessDeps } from '../ingest/reprocess.js';
import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import { reprocessInboundMail } from '../ingest/reprocess.js';
import { PROCESS_INBOUND_JOB } from '../ingest/receive-mail.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import type { User } from '../../domain/entities.js';
import { requireStaff } from '../portal/access.js';
import { mailLogEntry, type MailLogEntry } from '../portal/views.js';

/** What this module's use cases reach of the web context. */
export type QuarantineDeps = WebSlice<'audit' | 'inbound' | 'jobs', 'mailAdmin' | 'search', 'clock' | 'events' | 'mail'> & ReprocessDeps;

export type QuarantineEntry = MailLogEntry & { job: { status: 'dead'; attempts: number; lastError: string | null } | null };

/** Quarantine reasons an agent may release: the sender or the mail's form was in doubt, not its content. */
const RELEASABLE: ReadonlySet<ReasonCode> = new Set(['malformed', 'auth_failed', 'too_large']);
/** Pages of the quarantine view: 200 of each kind is more than anyone reviews at once. */
const LIMIT = 200;

/**
 * Staff: the mails waiting for a human — quarantined (virus, auth_failed, malformed, …),
 * deferred (clamd down, a processing error being retried) and those whose job died after its
 * last attempt (promise 3: the dead-letter queue is visible and replayable).
 */
export async function listQuarantine(ctx: QuarantineDeps, user: User): Promise<QuarantineEntry[]> {
  requireStaff(user);
  const [quarantined, deferred, dead] = await Promise.all([
    ctx.web.search.inbound({ status: 'quarantined', limit: LIMIT }),
    ctx.web.search.inbound({ status: 'deferred', limit: LIMIT }),
    ctx.store.jobs.list({ status: 'dead', kind: PROCESS_INBOUND_JOB, limit: LIMIT }),
  ]);
  const jobs = new Map(dead.map((j) => [String(j.payload.mailId), j]));
  const out = new Map<string, QuarantineEntry>();
  for (const m of [...quarantined, ...deferred]) out.set(m.id, { ...mailLogEntry(m, true, true, ctx.mail.publicUrl), job: null });
  for (const [mailId, j] of jobs) {
    const m = out.has(mailId) ? null : await ctx.web.search.inboundById(mailId);
    const job = { status: 'dead' as const, attempts: j.attempts, lastError: j.lastError };
    if (m) out.set(m.id, { ...mailLogEntry(m, true, true, ctx.mail.publicUrl), job });
    else if (out.has(mailId)) out.get(mailId)!.job = job;
  }
  return [...out.values()].sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0));
}

async function requireMail(ctx: QuarantineDeps, id: string) {
  const m = await ctx.web.search.inboundById(id);
  if (!m) throw new AppError('mail_not_found');
  return m;
}

/** Staff: run a quarantined, deferred or dead mail through the pipeline again. */
export async function reprocessMail(ctx: QuarantineDeps, user: User, id: string): Promise<MailLogEntry> {
  requireStaff(user);
  await requireMail(ctx, id);
  await reprocessInboundMail(ctx, id);
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: user.id, action: 'inbound.reprocess.request', target: id });
  ctx.events?.publish({ kind: 'mail', mailId: id });
  return mailLogEntry((await requireMail(ctx, id)), true, true, ctx.mail.publicUrl);
}

/**
 * Staff: release a quarantined mail — an agent vouches that it should go through again. Only
 * mails held for their form or sender (malformed, auth_failed, too_large) qualify; a mail with a
 * virus is never released (A9). The release goes through the whole pipeline again, with an audit
 * entry naming the agent.
 */
export async function releaseMail(ctx: QuarantineDeps, user: User, id: string): Promise<MailLogEntry> {
  requireStaff(user);
  const m = await requireMail(ctx, id);
  if (m.status !== 'quarantined' || m.reason === null || !RELEASABLE.has(m.reason)) {
    const held = `${m.status}${m.reason ? ` (${m.reason})` : ''}`;
    const kinds = [...RELEASABLE].join(', ');
    throw new AppError('not_reprocessable', m.reason === 'virus'
      ? { de: `E-Mail ${id} ist ${held}: Eine E-Mail mit Virus wird nie freigegeben.`, en: `Mail ${id} is ${held}: a mail with a virus is never released.` }
      : { de: `E-Mail ${id} ist ${held}: Nur E-Mails, die als ${kinds} zurückgehalten sind, können freigegeben werden.`, en: `Mail ${id} is ${held}: only mails quarantined as ${kinds} can be released.` });
  }
  await reprocessInboundMail(ctx, id, { released: true });
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: user.id, action: 'inbound.release', target: id, detail: { reason: m.reason } });
  ctx.events?.publish({ kind: 'mail', mailId: id });
  return mailLogEntry((await requireMail(ctx, id)), true, true, ctx.mail.publicUrl);
}

/**
 * Admin: delete a mail's raw bytes (a virus, personal data that must go). The log row stays with
 * its status and a note, so the sender's mail log still explains what happened. A mail still
 * waiting for the pipeline is settled as `ignored` at the same time, so that its job completes
 * instead of failing on the missing bytes.
 */
export async function deleteMailContent(ctx: QuarantineDeps, user: User, id: string): Promise<MailLogEntry> {
  if (user.role !== 'admin') throw new AppError('forbidden');
  const m = await requireMail(ctx, id);
  const now = ctx.clock.now().toISOString();
  const pending = m.status === 'received' || m.status === 'deferred';
  const status: InboundStatus = pending ? 'ignored' : m.status;
  const reason: ReasonCode | null = pending ? (m.reason ?? 'processing_failed') : m.reason;
  const detail = [m.detail, `content deleted by an administrator on ${now.slice(0, 10)}`].filter(Boolean).join('; ').slice(0, 4000);
  await ctx.web.mailAdmin.dropRaw(id, { status, reason, detail });
  await ctx.store.audit.record({ at: now, actor: user.id, action: 'inbound.delete', target: id, detail: { status: m.status, reason: m.reason } });
  ctx.events?.publish({ kind: 'mail', mailId: id });
  return mailLogEntry((await requireMail(ctx, id)), true, true, ctx.mail.publicUrl);
}

/** Staff: the mail exactly as received. */
export async function rawMail(ctx: QuarantineDeps, user: User, id: string): Promise<Buffer> {
  requireStaff(user);
  await requireMail(ctx, id);
  const raw = await ctx.store.inbound.raw(id);
  if (!raw) throw new AppError('not_found', { de: 'Der Inhalt dieser E-Mail wurde gelöscht oder liegt bei ihrer ersten Zustellung.', en: 'The content of this mail was deleted or is kept with its first delivery.' });
  return raw;
}

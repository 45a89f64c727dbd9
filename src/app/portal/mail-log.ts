import { z } from 'zod';
import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { isStaff } from '../../domain/case.js';
import { INBOUND_STATUSES, REASON_CODES } from '../../domain/reason-codes.js';
import type { InboundMail, User } from '../../domain/entities.js';
import { canSeeCase, requireStaff, requireVisibleCase } from './access.js';
import { mailLogEntry, outboundView, type MailLogEntry, type OutboundView } from './views.js';

/** What this module's use cases reach of the web context. */
export type MailLogDeps = WebSlice<'cases' | 'outbound', 'search', 'mail'>;

const listInput = z.object({
  status: z.enum(INBOUND_STATUSES).optional(),
  reason: z.enum(REASON_CODES).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

/** A mail is the customer's when they sent it: the header From or the envelope sender is their address. */
export function sentBy(m: InboundMail, user: User): boolean {
  return m.fromAddress === user.email || m.envelopeFrom === user.email;
}

/** One mail as this user may see it (the case number only when they may open the case). */
export async function mailLogEntryFor(ctx: MailLogDeps, user: User, m: InboundMail): Promise<MailLogEntry> {
  return entry(ctx, user, m);
}

async function entry(ctx: MailLogDeps, user: User, m: InboundMail): Promise<MailLogEntry> {
  const staff = isStaff(user.role);
  let caseVisible = staff;
  if (!staff && m.caseId) {
    // A mail may have gone to a case the sender only takes part in: its number shows only if they may open it.
    const c = await ctx.store.cases.findById(m.caseId);
    caseVisible = c !== null && canSeeCase(user, c);
  }
  return mailLogEntry(m, staff, caseVisible, ctx.mail.publicUrl);
}

/**
 * The inbound mail log. A customer sees the mails they sent, whatever became of them; staff see
 * every mail, filtered by status and reason.
 */
export async function listMailsFor(ctx: MailLogDeps, user: User, input: z.input<typeof listInput>): Promise<MailLogEntry[]> {
  const i = parseInput(listInput, input);
  const staff = isStaff(user.role);
  const rows = await ctx.web.search.inbound({ ...(staff ? {} : { from: user.email }), status: i.status, reason: i.reason, limit: i.limit });
  // The query already keeps a customer to their own mails; the check here makes it not depend on that alone.
  return Promise.all(rows.filter((m) => staff || sentBy(m, user)).map((m) => entry(ctx, user, m)));
}

export async function mailDetailFor(ctx: MailLogDeps, user: User, id: string): Promise<MailLogEntry> {
  const m = await ctx.web.search.inboundById(id);
  if (!m || (!isStaff(user.role) && !sentBy(m, user))) throw new AppError('mail_not_found');
  return entry(ctx, user, m);
}

/** Staff: the mails received for one case, with their outcome. */
export async function inboundForCase(ctx: MailLogDeps, user: User, number: number): Promise<MailLogEntry[]> {
  requireStaff(user);
  const c = await requireVisibleCase(ctx.store, user, number);
  return (await ctx.web.search.inbound({ caseId: c.id, limit: 500 })).map((m) => mailLogEntry(m, true, true, ctx.mail.publicUrl));
}

/** Staff: the mails sent about one case, with their delivery status. */
export async function outboundForCase(ctx: MailLogDeps, user: User, number: number): Promise<OutboundView[]> {
  requireStaff(user);
  const c = await requireVisibleCase(ctx.store, user, number);
  return (await ctx.store.outbound.list({ caseId: c.id })).map(outboundView);
}

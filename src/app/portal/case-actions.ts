import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WebContext } from '../auth/ports.js';
import { AppError } from '../errors.js';
import { parseInput } from '../users.js';
import { closeCase, openCase, reopenCase } from '../cases.js';
import { addAgentReply } from '../outbound/agent-reply.js';
import { isStaff, statusAfterCustomerReply } from '../../domain/case.js';
import type { Case, Message, User } from '../../domain/records.js';
import { requireStaff, requireVisibleCase } from './access.js';

const openInput = z.object({
  subject: z.string(),
  body: z.string(),
  product: z.string().optional(),
  version: z.string().optional(),
  environment: z.string().optional(),
  customerEmail: z.string().optional(),
});

/**
 * A customer opens a case in the portal for themselves; staff open a phone case for a customer
 * named by address. A customer cannot open a case in someone else's name.
 */
export async function openCaseFor(ctx: WebContext, user: User, input: z.input<typeof openInput>): Promise<Case> {
  const i = parseInput(openInput, input);
  const { customerEmail, ...rest } = i;
  if (!isStaff(user.role)) {
    if (customerEmail !== undefined) throw new AppError('forbidden', 'customers open cases for themselves only');
    return openCase(ctx, { ...rest, customer: user.email, channel: 'portal', actorId: user.id });
  }
  if (!customerEmail) throw new AppError('invalid_input', 'customerEmail: required for a phone case', { field: 'customerEmail' });
  return openCase(ctx, { ...rest, customer: customerEmail, channel: 'phone', actorId: user.id });
}

const bodyInput = z.object({ body: z.string().trim().min(1).max(200_000) });

/**
 * A reply in the portal. A customer's reply is added as a message and puts a case that waited
 * for them back into the queue; a closed case must be reopened first. An agent's reply goes
 * through addAgentReply, which queues the mail to the customer.
 */
export async function replyToCase(ctx: WebContext, user: User, number: number, input: { body: string }): Promise<Message> {
  const { body } = parseInput(bodyInput, input);
  const c = await requireVisibleCase(ctx.store, user, number);
  if (isStaff(user.role)) return (await addAgentReply(ctx, { caseNumber: c.number, agent: user.email, body })).message;
  return ctx.store.transaction(async (tx) => {
    const fresh = (await tx.cases.findById(c.id))!;
    if (fresh.status === 'closed') throw new AppError('case_closed', `case ${c.number} is closed; reopen it first`);
    const now = ctx.clock.now().toISOString();
    const m: Message = {
      id: randomUUID(),
      caseId: c.id,
      authorId: user.id,
      authorEmail: user.email,
      kind: 'customer_reply',
      source: 'portal',
      bodyText: body,
      bodyHtml: null,
      quotedText: null,
      inboundMailId: null,
      outboundMailId: null,
      createdAt: now,
    };
    await tx.messages.insert(m);
    const next = statusAfterCustomerReply(fresh.status);
    await tx.cases.update(c.id, { status: next, updatedAt: now, lastActivityAt: now });
    if (next !== fresh.status) {
      await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'status', actorId: user.id, fromStatus: fresh.status, toStatus: next, detail: 'customer_reply', at: now });
    }
    return m;
  });
}

/** A note for the agents only: never mailed, never shown to the customer. */
export async function addInternalNote(ctx: WebContext, user: User, number: number, input: { body: string }): Promise<Message> {
  requireStaff(user);
  const { body } = parseInput(bodyInput, input);
  const c = await requireVisibleCase(ctx.store, user, number);
  const now = ctx.clock.now().toISOString();
  const m: Message = {
    id: randomUUID(),
    caseId: c.id,
    authorId: user.id,
    authorEmail: user.email,
    kind: 'internal_note',
    source: 'agent',
    bodyText: body,
    bodyHtml: null,
    quotedText: null,
    inboundMailId: null,
    outboundMailId: null,
    createdAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.messages.insert(m);
    await tx.cases.update(c.id, { updatedAt: now });
  });
  return m;
}

export async function closeCaseFor(ctx: WebContext, user: User, number: number): Promise<Case> {
  await requireVisibleCase(ctx.store, user, number);
  return closeCase(ctx, number, user.id);
}

export async function reopenCaseFor(ctx: WebContext, user: User, number: number): Promise<Case> {
  await requireVisibleCase(ctx.store, user, number);
  return reopenCase(ctx, number, user.id);
}

/** Gives the case to an agent (or to nobody with null). */
export async function assignCase(ctx: WebContext, user: User, number: number, input: { assigneeId: string | null }): Promise<Case> {
  requireStaff(user);
  const { assigneeId } = parseInput(z.object({ assigneeId: z.string().min(1).max(100).nullable() }), input);
  const c = await requireVisibleCase(ctx.store, user, number);
  if (assigneeId !== null) {
    const a = await ctx.store.users.findById(assigneeId);
    if (!a || !isStaff(a.role) || a.disabled) throw new AppError('invalid_input', 'assigneeId: not an active agent', { field: 'assigneeId' });
  }
  const now = ctx.clock.now().toISOString();
  await ctx.store.transaction(async (tx) => {
    await tx.cases.update(c.id, { assigneeId, updatedAt: now });
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'assigned', actorId: user.id, fromStatus: null, toStatus: null, detail: assigneeId, at: now });
    await tx.audit.record({ at: now, actor: user.id, action: 'case.assign', target: c.id, detail: { assigneeId } });
  });
  return { ...c, assigneeId, updatedAt: now };
}

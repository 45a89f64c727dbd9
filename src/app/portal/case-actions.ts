import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CasesDeps } from '../cases.js';
import type { AgentReplyDeps } from '../outbound/agent-reply.js';
import type { WebSlice } from '../web-context.js';
import type { Store } from '../ports.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { closeCase, openCase, reopenCase } from '../cases.js';
import { addAgentReply } from '../outbound/agent-reply.js';
import { isStaff, type CaseStatus } from '../../domain/case.js';
import type { Case, Message, User } from '../../domain/entities.js';
import { requireStaff, requireVisibleCase } from './access.js';
import { recordCustomerReply } from '../customer-reply.js';
import type { CheckedFile } from './ports.js';

/** What this module's use cases reach of the web context. */
export type CaseActionsDeps = WebSlice<'cases' | 'transaction' | 'users', 'catalog' | 'settings', 'clock'> & AgentReplyDeps & CasesDeps;

const openInput = z.object({
  subject: z.string(),
  body: z.string(),
  product: z.string().optional(),
  version: z.string().optional(),
  environment: z.string().optional(),
  customerEmail: z.string().optional(),
  /** Staff only: a first answer, mailed to the customer at once (a phone case solved on the phone). */
  reply: z.string().trim().min(1).max(200_000).optional(),
});

/** Files that passed checkUploads, stored with the message they came with, in the caller's transaction. */
async function storeFiles(tx: Store, caseId: string, messageId: string, files: readonly CheckedFile[], at: string): Promise<void> {
  for (const f of files) {
    await tx.attachments.insert(
      { id: randomUUID(), caseId, messageId, filename: f.filename, detectedType: f.detectedType, size: f.content.length, sha256: createHash('sha256').update(f.content).digest('hex'), scan: f.scan, createdAt: at },
      f.content,
    );
  }
}

/** A product that was deactivated, or a version that was retired, cannot be named by a new case. */
async function checkCatalog(ctx: CaseActionsDeps, product: string | undefined, version: string | undefined): Promise<void> {
  if (product === undefined) return;
  const p = (await ctx.web.catalog.products(true)).find((x) => x.name === product);
  if (p && !p.active) throw new AppError('invalid_input', { de: `das Produkt „${product}“ wird nicht mehr angeboten`, en: `product "${product}" is no longer offered` }, { field: 'product' });
  if (p && version !== undefined && p.versions.some((v) => v.name === version && !v.active)) {
    throw new AppError('invalid_input', { de: `die Version „${version}“ von ${product} wird nicht mehr unterstützt`, en: `version "${version}" of ${product} is no longer supported` }, { field: 'version' });
  }
}

/**
 * A customer opens a case in the portal for themselves; staff open a phone case for a customer
 * named by address, optionally with a first reply that is mailed at once. A customer cannot open
 * a case in someone else's name. Files (already checked by checkUploads) belong to the first
 * message; the case, its files and the reply commit together or not at all.
 */
export async function openCaseFor(ctx: CaseActionsDeps, user: User, input: z.input<typeof openInput>, files: readonly CheckedFile[] = []): Promise<Case> {
  const i = parseInput(openInput, input);
  const { customerEmail, reply, ...rest } = i;
  const staff = isStaff(user.role);
  if (!staff && customerEmail !== undefined) throw new AppError('forbidden', { de: 'Kunden eröffnen Fälle nur für sich selbst', en: 'customers open cases for themselves only' });
  if (!staff && reply !== undefined) throw new AppError('forbidden', { de: 'nur der Support beantwortet einen Fall schon beim Eröffnen', en: 'only staff answer a case when opening it' });
  if (staff && !customerEmail) throw new AppError('invalid_input', { de: 'customerEmail: für einen Telefonfall nötig', en: 'customerEmail: required for a phone case' }, { field: 'customerEmail' });
  await checkCatalog(ctx, rest.product, rest.version);
  const opened = await ctx.store.transaction(async (tx) => {
    const t = { ...ctx, store: tx };
    const c = staff
      ? await openCase(t, { ...rest, customer: customerEmail!, channel: 'phone', actorId: user.id })
      : await openCase(t, { ...rest, customer: user.email, channel: 'portal', actorId: user.id });
    if (files.length > 0) {
      const first = (await tx.messages.listByCase(c.id))[0]!;
      await storeFiles(tx, c.id, first.id, files, first.createdAt);
    }
    if (reply !== undefined) await addAgentReply(t, { caseNumber: c.number, agent: user.email, body: reply });
    return c;
  });
  return reply === undefined ? opened : ((await ctx.store.cases.findById(opened.id)) ?? opened);
}

const bodyInput = z.object({ body: z.string().trim().min(1).max(200_000) });

/**
 * A reply in the portal. A customer's reply is added as a message and puts a case that waited
 * for them back into the queue; a closed case must be reopened first. An agent's reply goes
 * through addAgentReply, which queues the mail to the customer.
 */
export async function replyToCase(ctx: CaseActionsDeps, user: User, number: number, input: { body: string }, files: readonly CheckedFile[] = []): Promise<Message> {
  const { body } = parseInput(bodyInput, input);
  const c = await requireVisibleCase(ctx.store, user, number);
  if (isStaff(user.role)) {
    const attachments = files.map((f) => ({ filename: f.filename, content: f.content, scan: f.scan, ...(f.detectedType ? { contentType: f.detectedType } : {}) }));
    return (await addAgentReply(ctx, { caseNumber: c.number, agent: user.email, body, attachments })).message;
  }
  return ctx.store.transaction(async (tx) => {
    const fresh = (await tx.cases.findById(c.id))!;
    if (fresh.status === 'closed') throw new AppError('case_closed', { de: `Fall ${c.number} ist geschlossen; öffnen Sie ihn zuerst wieder`, en: `case ${c.number} is closed; reopen it first` });
    return recordCustomerReply(ctx, tx, ctx.web.settings, {
      case: fresh,
      authorId: user.id,
      authorEmail: user.email,
      source: 'portal',
      bodyText: body,
      bodyHtml: null,
      quotedText: null,
      inboundMailId: null,
      files,
      statusDetail: 'customer_reply',
    });
  });
}

/** Staff: the working states of a case. Closing has its own action (it stamps closedAt); a closed case is reopened first. */
export async function setCaseStatus(ctx: CaseActionsDeps, user: User, number: number, input: { status: string }): Promise<Case> {
  requireStaff(user);
  const { status } = parseInput(z.object({ status: z.enum(['new', 'open', 'waiting_for_customer']) }), input);
  const c = await requireVisibleCase(ctx.store, user, number);
  return ctx.store.transaction(async (tx) => {
    const fresh = (await tx.cases.findById(c.id))!;
    if (fresh.status === 'closed') throw new AppError('case_closed', { de: `Fall ${c.number} ist geschlossen; öffnen Sie ihn zuerst wieder`, en: `case ${c.number} is closed; reopen it first` });
    if (fresh.status === status) return fresh;
    const now = ctx.clock.now().toISOString();
    await tx.cases.update(c.id, { status: status as CaseStatus, updatedAt: now });
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'status', actorId: user.id, fromStatus: fresh.status, toStatus: status as CaseStatus, detail: 'set by agent', at: now });
    return { ...fresh, status: status as CaseStatus, updatedAt: now };
  });
}

/** A note for the agents only: never mailed, never shown to the customer. */
export async function addInternalNote(ctx: CaseActionsDeps, user: User, number: number, input: { body: string }): Promise<Message> {
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

export async function closeCaseFor(ctx: CaseActionsDeps, user: User, number: number): Promise<Case> {
  await requireVisibleCase(ctx.store, user, number);
  return closeCase(ctx, number, user.id);
}

export async function reopenCaseFor(ctx: CaseActionsDeps, user: User, number: number): Promise<Case> {
  await requireVisibleCase(ctx.store, user, number);
  return reopenCase(ctx, number, user.id);
}

/** Gives the case to an agent (or to nobody with null). */
export async function assignCase(ctx: CaseActionsDeps, user: User, number: number, input: { assigneeId: string | null }): Promise<Case> {
  requireStaff(user);
  const { assigneeId } = parseInput(z.object({ assigneeId: z.string().min(1).max(100).nullable() }), input);
  const c = await requireVisibleCase(ctx.store, user, number);
  if (assigneeId !== null) {
    const a = await ctx.store.users.findById(assigneeId);
    if (!a || !isStaff(a.role) || a.disabled) throw new AppError('invalid_input', { de: 'assigneeId: kein aktives Support-Konto', en: 'assigneeId: not an active agent' }, { field: 'assigneeId' });
  }
  const now = ctx.clock.now().toISOString();
  await ctx.store.transaction(async (tx) => {
    await tx.cases.update(c.id, { assigneeId, updatedAt: now });
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'assigned', actorId: user.id, fromStatus: null, toStatus: null, detail: assigneeId, at: now });
    await tx.audit.record({ at: now, actor: user.id, action: 'case.assign', target: c.id, detail: { assigneeId } });
  });
  return { ...c, assigneeId, updatedAt: now };
}

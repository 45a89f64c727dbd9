import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { UsersDeps } from './users.js';
import type { AppSlice } from './context.js';
import type { CaseListFilter, Store } from './ports.js';
import { AppError } from './errors.js';
import { requireUserByEmail } from './users.js';
import { parseInput } from './parse-input.js';
import { CASE_CHANNELS, closeTransition, reopenTransition, type CaseStatus } from '../domain/case.js';
import type { Attachment, Case, CaseEvent, Message, User } from '../domain/entities.js';

/** What this module's use cases reach of the context. */
export type CasesDeps = AppSlice<'attachments' | 'cases' | 'messages' | 'transaction' | 'users', 'clock'> & UsersDeps;

const noControl = (v: string) => !/[\r\n\0]/.test(v);

const openCaseInput = z.object({
  customer: z.string().trim().toLowerCase().email(),
  subject: z.string().trim().min(1).max(300).refine(noControl, 'must be one line'),
  body: z.string().trim().min(1).max(200_000),
  channel: z.enum(CASE_CHANNELS).default('portal'),
  product: z.string().trim().min(1).optional(),
  version: z.string().trim().min(1).max(100).optional(),
  environment: z.string().trim().max(2000).optional(),
  actorId: z.string().optional(),
});
export type OpenCaseInput = z.input<typeof openCaseInput>;

export interface CaseDetail {
  case: Case;
  customer: User;
  assignee: User | null;
  messages: Message[];
  events: CaseEvent[];
  attachments: Attachment[];
  participants: string[];
}

/** Opens a case for a customer (portal or phone; never by mail). The first message is the description. */
export async function openCase(ctx: CasesDeps, input: OpenCaseInput): Promise<Case> {
  const i = parseInput(openCaseInput, input);
  return ctx.store.transaction(async (tx) => {
    const customer = await requireUserByEmail({ ...ctx, store: tx }, i.customer);
    if (customer.role !== 'customer') throw new AppError('invalid_input', { de: `${customer.email} ist kein Kunde`, en: `${customer.email} is not a customer` }, { field: 'customer' });
    if (customer.disabled) throw new AppError('invalid_input', { de: `${customer.email} ist gesperrt`, en: `${customer.email} is disabled` }, { field: 'customer' });
    let productId: string | null = null;
    if (i.product) {
      const p = await tx.products.findByName(i.product);
      if (!p) throw new AppError('invalid_input', { de: `unbekanntes Produkt „${i.product}“`, en: `unknown product "${i.product}"` }, { field: 'product' });
      if (i.version && p.versions.length > 0 && !p.versions.includes(i.version)) {
        throw new AppError('invalid_input', { de: `unbekannte Version „${i.version}“ von ${p.name}; bekannt: ${p.versions.join(', ')}`, en: `unknown version "${i.version}" of ${p.name}; known: ${p.versions.join(', ')}` }, { field: 'version' });
      }
      productId = p.id;
    }
    const now = ctx.clock.now().toISOString();
    // The agent who took the call owns the case: it waits in their "mine", not in everybody's queue.
    const takenBy = i.channel === 'phone' && i.actorId ? i.actorId : null;
    const c: Case = {
      id: randomUUID(),
      number: await tx.cases.nextNumber(),
      subject: i.subject,
      status: 'new',
      channel: i.channel,
      customerId: customer.id,
      organisationId: customer.organisationId,
      productId,
      version: i.version ?? null,
      environment: i.environment ?? null,
      assigneeId: takenBy,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
      closedAt: null,
    };
    await tx.cases.insert(c);
    await tx.messages.insert({
      id: randomUUID(),
      caseId: c.id,
      authorId: i.channel === 'phone' && i.actorId ? i.actorId : customer.id,
      authorEmail: customer.email,
      kind: 'customer_reply',
      source: i.channel === 'phone' ? 'phone' : 'portal',
      bodyText: i.body,
      bodyHtml: null,
      quotedText: null,
      inboundMailId: null,
      outboundMailId: null,
      createdAt: now,
    });
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'opened', actorId: i.actorId ?? customer.id, fromStatus: null, toStatus: 'new', detail: i.channel, at: now });
    if (takenBy) await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'assigned', actorId: takenBy, fromStatus: null, toStatus: null, detail: takenBy, at: now });
    await tx.audit.record({ at: now, actor: i.actorId ?? customer.id, action: 'case.open', target: c.id, detail: { number: c.number, channel: c.channel } });
    return c;
  });
}

export async function requireCase(store: Pick<Store, 'cases'>, number: number): Promise<Case> {
  const c = Number.isSafeInteger(number) ? await store.cases.findByNumber(number) : null;
  if (!c) throw new AppError('case_not_found', { de: `es gibt keinen Fall ${number}`, en: `there is no case ${number}` });
  return c;
}

export async function showCase(ctx: CasesDeps, number: number): Promise<CaseDetail> {
  const c = await requireCase(ctx.store, number);
  const [customer, assignee, messages, events, attachments, participants] = await Promise.all([
    ctx.store.users.findById(c.customerId),
    c.assigneeId ? ctx.store.users.findById(c.assigneeId) : Promise.resolve(null),
    ctx.store.messages.listByCase(c.id),
    ctx.store.cases.events(c.id),
    ctx.store.attachments.listByCase(c.id),
    ctx.store.cases.participants(c.id),
  ]);
  return { case: c, customer: customer!, assignee, messages, events, attachments, participants };
}

export async function listCases(ctx: CasesDeps, filter: CaseListFilter): Promise<Case[]> {
  return ctx.store.cases.list(filter);
}

async function changeStatus(ctx: CasesDeps, number: number, actorId: string | null, kind: 'closed' | 'reopened'): Promise<Case> {
  return ctx.store.transaction(async (tx) => {
    const c = await requireCase(tx, number);
    const problem = kind === 'closed' ? closeTransition(c.status) : reopenTransition(c.status);
    if (problem === 'already_closed') throw new AppError('case_closed', { de: `Fall ${number} ist bereits geschlossen`, en: `case ${number} is closed already` });
    if (problem === 'not_closed') throw new AppError('case_not_closed', { de: `Fall ${number} ist nicht geschlossen`, en: `case ${number} is not closed` });
    const now = ctx.clock.now().toISOString();
    const to: CaseStatus = kind === 'closed' ? 'closed' : 'open';
    await tx.cases.update(c.id, { status: to, closedAt: kind === 'closed' ? now : null, updatedAt: now, lastActivityAt: now });
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind, actorId, fromStatus: c.status, toStatus: to, detail: null, at: now });
    await tx.audit.record({ at: now, actor: actorId, action: kind === 'closed' ? 'case.close' : 'case.reopen', target: c.id });
    return { ...c, status: to, closedAt: kind === 'closed' ? now : null, updatedAt: now, lastActivityAt: now };
  });
}

export function closeCase(ctx: CasesDeps, number: number, actorId: string | null = null): Promise<Case> {
  return changeStatus(ctx, number, actorId, 'closed');
}

export function reopenCase(ctx: CasesDeps, number: number, actorId: string | null = null): Promise<Case> {
  return changeStatus(ctx, number, actorId, 'reopened');
}

/** Copies an address on a case: it may then reply by e-mail like the customer. */
export async function addParticipant(ctx: CasesDeps, number: number, email: string, actorId: string | null): Promise<void> {
  const addr = parseInput(z.string().trim().toLowerCase().email(), email);
  await ctx.store.transaction(async (tx) => {
    const c = await requireCase(tx, number);
    const now = ctx.clock.now().toISOString();
    await tx.cases.addParticipant(c.id, addr, actorId, now);
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'participant_added', actorId, fromStatus: null, toStatus: null, detail: addr, at: now });
  });
}

import { z } from 'zod';
import type { WebSlice } from '../web-context.js';
import type { CaseSearch } from './ports.js';
import { CASE_STATUSES, isStaff, type CaseStatus } from '../../domain/case.js';
import type { Case, CaseEvent, User } from '../../domain/entities.js';
import { parseInput } from '../parse-input.js';
import { requireVisibleCase } from './access.js';
import { attachmentView, messageView, personView, type AttachmentView, type MessageView, type PersonView } from './views.js';
import type { ZipListing } from './ports.js';

/** What this module's use cases reach of the web context. */
export type CaseQueriesDeps = WebSlice<'attachments' | 'cases' | 'messages' | 'organisations' | 'products' | 'users', 'search', 'zipListing'>;

/**
 * The agent desk's queues. Customers have no queues: they see their (organisation's) cases.
 * `todo`, where the desk opens, is what waits for the agent: every new and open case, plus their
 * own cases that wait for the customer (a first look at "open" alone showed nothing while three
 * new cases waited).
 */
export const QUEUES = ['todo', 'new', 'open', 'waiting', 'mine', 'unassigned', 'all'] as const;
export type Queue = (typeof QUEUES)[number];

const OPEN_STATUSES: CaseStatus[] = ['new', 'open', 'waiting_for_customer'];

const listInput = z.object({
  queue: z.enum(QUEUES).optional(),
  status: z.array(z.enum(CASE_STATUSES)).optional(),
  q: z.string().trim().max(200).optional(),
  // The list route allows 500; the CSV export asks for up to 5 000.
  limit: z.number().int().min(1).max(5000).default(100),
});
export type CaseListInput = z.input<typeof listInput>;

/**
 * The case list a user may see. Customers: their own cases, or their organisation's for an
 * organisation admin; queue filters apply to staff only. `q` matches the subject and the
 * messages (never internal notes for customers, or a note's words would reveal it).
 */
export async function listCasesFor(ctx: CaseQueriesDeps, user: User, input: CaseListInput): Promise<Case[]> {
  const i = parseInput(listInput, input);
  const f = caseSearchFor(user, i);
  if (!f) return [];
  return ctx.web.search.cases(f);
}

/** The search a list input means for this user; null when it can match nothing. */
function caseSearchFor(user: User, i: z.output<typeof listInput>): CaseSearch | null {
  const f: CaseSearch = { includeInternalNotes: isStaff(user.role), limit: i.limit };
  if (!isStaff(user.role)) {
    if (user.orgAdmin && user.organisationId) f.organisationId = user.organisationId;
    else f.customerId = user.id;
  } else {
    switch (i.queue ?? 'all') {
      case 'todo': f.statuses = ['new', 'open']; f.orAssignedTo = { assigneeId: user.id, statuses: OPEN_STATUSES }; break;
      case 'new': f.statuses = ['new']; break;
      case 'open': f.statuses = ['open']; break;
      case 'waiting': f.statuses = ['waiting_for_customer']; break;
      case 'mine': f.statuses = OPEN_STATUSES; f.assigneeId = user.id; break;
      case 'unassigned': f.statuses = OPEN_STATUSES; f.assigneeId = null; break;
      case 'all': break;
    }
  }
  if (i.status?.length) f.statuses = f.statuses ? f.statuses.filter((s) => i.status!.includes(s)) : i.status;
  if (f.statuses && f.statuses.length === 0) return null;
  if (i.q) f.q = i.q;
  return f;
}

/** Staff: how many cases each queue holds (with the same search and status filter), for the tabs. */
export async function queueCountsFor(ctx: CaseQueriesDeps, user: User, input: Omit<CaseListInput, 'queue' | 'limit'>): Promise<Record<Queue, number>> {
  const counts = await Promise.all(
    QUEUES.map(async (queue) => {
      const f = caseSearchFor(user, parseInput(listInput, { ...input, queue }));
      return f ? ctx.web.search.countCases(f) : 0;
    }),
  );
  return Object.fromEntries(QUEUES.map((q, n) => [q, counts[n]!])) as Record<Queue, number>;
}

/** A case in the desk's list, with the names its columns show. */
export type CaseListRow = Case & { customerName: string | null; organisationName: string | null; assigneeName: string | null; productName: string | null };

/**
 * The names for the desk's columns (customer, organisation, assignee, product): the people in
 * one query per list (200 lookups one by one would cost the list its 50 ms), organisations and
 * products from their (short) lists.
 */
export async function withNames(ctx: CaseQueriesDeps, cases: Case[]): Promise<CaseListRow[]> {
  const userIds = [...new Set(cases.flatMap((c) => [c.customerId, c.assigneeId]).filter((id): id is string => id !== null))];
  const [name, organisations, products] = await Promise.all([
    ctx.web.search.userNames(userIds),
    cases.some((c) => c.organisationId) ? ctx.store.organisations.list() : Promise.resolve([]),
    cases.some((c) => c.productId) ? ctx.store.products.list() : Promise.resolve([]),
  ]);
  const orgName = new Map(organisations.map((o) => [o.id, o.name]));
  const productName = new Map(products.map((p) => [p.id, p.name]));
  return cases.map((c) => ({
    ...c,
    customerName: name.get(c.customerId) ?? null,
    organisationName: c.organisationId ? (orgName.get(c.organisationId) ?? null) : null,
    assigneeName: c.assigneeId ? (name.get(c.assigneeId) ?? null) : null,
    productName: c.productId ? (productName.get(c.productId) ?? null) : null,
  }));
}

export interface CaseDetailView {
  case: Case;
  customer: PersonView | null;
  assignee: PersonView | null;
  product: string | null;
  /** `authorName`: who wrote it (for a phone case's first message: the agent who took the call). */
  messages: Array<MessageView & { authorName: string | null }>;
  /** A ZIP's view also has `entries` (its files, at most 200) and `entriesTotal`, when it can be listed. */
  attachments: AttachmentView[];
  /** Each event with the names of who did it and, for an assignment, of the new assignee. */
  events: Array<CaseEvent & { actorName: string | null; assigneeName?: string | null }>;
  /** Staff only: addresses copied on the case. */
  participants?: string[];
}

/** One case as the user may see it: customers never see internal notes or their attachments. */
export async function caseDetailFor(ctx: CaseQueriesDeps & { zipListing?: ZipListing }, user: User, number: number): Promise<CaseDetailView> {
  const c = await requireVisibleCase(ctx.store, user, number);
  const staff = isStaff(user.role);
  const [customer, assignee, messages, events, attachments, participants, products] = await Promise.all([
    ctx.store.users.findById(c.customerId),
    c.assigneeId ? ctx.store.users.findById(c.assigneeId) : Promise.resolve(null),
    ctx.store.messages.listByCase(c.id),
    ctx.store.cases.events(c.id),
    ctx.store.attachments.listByCase(c.id),
    staff ? ctx.store.cases.participants(c.id) : Promise.resolve([]),
    c.productId ? ctx.store.products.list() : Promise.resolve([]),
  ]);
  const visible = staff ? messages : messages.filter((m) => m.kind !== 'internal_note');
  const visibleIds = new Set(visible.map((m) => m.id));
  // Names, not addresses: "Anna Agent", "Interne Notiz von Anna Agent", "Anna Agent assigned Ben Berger".
  const known = new Map([customer, assignee].filter((u): u is User => u !== null).map((u) => [u.id, u]));
  const wanted = new Set([...visible.map((m) => m.authorId), ...events.map((e) => e.actorId), ...events.filter((e) => e.kind === 'assigned').map((e) => e.detail)]);
  const missing = [...wanted].filter((id): id is string => typeof id === 'string' && id !== '' && !known.has(id));
  for (const u of await Promise.all(missing.map((id) => ctx.store.users.findById(id)))) if (u) known.set(u.id, u);
  const nameOf = (id: string | null) => (id ? (known.get(id)?.name ?? null) : null);
  const files = attachments.filter((a) => a.messageId === null || visibleIds.has(a.messageId));
  const listings = await Promise.all(files.map((a) => ctx.zipListing?.entries(a) ?? Promise.resolve(null)));
  return {
    case: c,
    // Staff see when the customer's address bounced permanently (L3): their mails do not arrive.
    customer: customer && staff && customer.mailFailing ? { ...personView(customer)!, mailFailing: customer.mailFailing } : personView(customer),
    assignee: personView(assignee),
    product: products.find((p) => p.id === c.productId)?.name ?? null,
    messages: visible.map((m) => ({ ...messageView(m, staff), authorName: nameOf(m.authorId) })),
    attachments: files.map((a, i) => {
      const l = listings[i];
      return l ? { ...attachmentView(a), entries: l.entries, entriesTotal: l.total } : attachmentView(a);
    }),
    events: events.map((e) => (e.kind === 'assigned' ? { ...e, actorName: nameOf(e.actorId), assigneeName: nameOf(e.detail) } : { ...e, actorName: nameOf(e.actorId) })),
    ...(staff ? { participants } : {}),
  };
}

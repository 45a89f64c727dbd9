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
export type CaseQueriesDeps = WebSlice<'attachments' | 'cases' | 'messages' | 'products' | 'users', 'search', 'zipListing'>;

/** The agent desk's queues. Customers have no queues: they see their (organisation's) cases. */
export const QUEUES = ['new', 'open', 'waiting', 'mine', 'unassigned', 'all'] as const;
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
  const f: CaseSearch = { includeInternalNotes: isStaff(user.role), limit: i.limit };
  if (!isStaff(user.role)) {
    if (user.orgAdmin && user.organisationId) f.organisationId = user.organisationId;
    else f.customerId = user.id;
  } else {
    switch (i.queue ?? 'all') {
      case 'new': f.statuses = ['new']; break;
      case 'open': f.statuses = ['open']; break;
      case 'waiting': f.statuses = ['waiting_for_customer']; break;
      case 'mine': f.statuses = OPEN_STATUSES; f.assigneeId = user.id; break;
      case 'unassigned': f.statuses = OPEN_STATUSES; f.assigneeId = null; break;
      case 'all': break;
    }
  }
  if (i.status?.length) f.statuses = f.statuses ? f.statuses.filter((s) => i.status!.includes(s)) : i.status;
  if (f.statuses && f.statuses.length === 0) return [];
  if (i.q) f.q = i.q;
  return ctx.web.search.cases(f);
}

export interface CaseDetailView {
  case: Case;
  customer: PersonView | null;
  assignee: PersonView | null;
  product: string | null;
  messages: MessageView[];
  /** A ZIP's view also has `entries` (its files, at most 200) and `entriesTotal`, when it can be listed. */
  attachments: AttachmentView[];
  events: CaseEvent[];
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
  const files = attachments.filter((a) => a.messageId === null || visibleIds.has(a.messageId));
  const listings = await Promise.all(files.map((a) => ctx.zipListing?.entries(a) ?? Promise.resolve(null)));
  return {
    case: c,
    // Staff see when the customer's address bounced permanently (L3): their mails do not arrive.
    customer: customer && staff && customer.mailFailing ? { ...personView(customer)!, mailFailing: customer.mailFailing } : personView(customer),
    assignee: personView(assignee),
    product: products.find((p) => p.id === c.productId)?.name ?? null,
    messages: visible.map((m) => messageView(m, staff)),
    attachments: files.map((a, i) => {
      const l = listings[i];
      return l ? { ...attachmentView(a), entries: l.entries, entriesTotal: l.total } : attachmentView(a);
    }),
    events,
    ...(staff ? { participants } : {}),
  };
}

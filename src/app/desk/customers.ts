import { z } from 'zod';
import type { UsersDeps } from '../users.js';
import type { WebSlice } from '../web-context.js';
import { addUser } from '../users.js';
import { parseInput } from '../parse-input.js';
import { LANGUAGES } from '../../domain/case.js';
import type { Organisation, User } from '../../domain/entities.js';
import { requireStaff } from '../portal/access.js';

/** What this module's use cases reach of the web context. */
export type CustomersDeps = WebSlice<'audit' | 'organisations', 'directory', 'clock'> & UsersDeps;

export interface CustomerView {
  id: string;
  name: string;
  email: string;
  language: User['language'];
  disabled: boolean;
  organisation: { id: string; name: string; customerNo: string | null } | null;
}

function customerView(u: User, o: Organisation | null): CustomerView {
  return { id: u.id, name: u.name, email: u.email, language: u.language, disabled: u.disabled, organisation: o ? { id: o.id, name: o.name, customerNo: o.customerNo } : null };
}

/** Staff, for a phone case: customers by name, e-mail address, organisation or customer number. */
export async function findCustomers(ctx: CustomersDeps, user: User, input: { q: string; limit?: number }): Promise<CustomerView[]> {
  requireStaff(user);
  const i = parseInput(z.object({ q: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(100).default(20) }), input);
  return (await ctx.web.directory.customers(i.q, i.limit)).map((r) => customerView(r.user, r.organisation));
}

const noBreaks = (v: string) => !/[\r\n\0]/.test(v);
const createInput = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200).refine(noBreaks, 'must be one line'),
  organisation: z.string().trim().min(1).max(200).refine(noBreaks, 'must be one line').optional(),
  customerNo: z.string().trim().min(1).max(50).refine(noBreaks, 'must be one line').optional(),
  language: z.enum(LANGUAGES).optional(),
});

/**
 * Staff create the contact (and the organisation, when it is new) during a phone call. The
 * address counts as verified because the agent took it down; the customer has no password yet
 * and sets one with "forgot password" when they want the portal.
 */
export async function createCustomer(ctx: CustomersDeps, user: User, input: z.input<typeof createInput>): Promise<CustomerView> {
  requireStaff(user);
  const i = parseInput(createInput, input);
  const u = await addUser(ctx, { role: 'customer', email: i.email, name: i.name, org: i.organisation, customerNo: i.customerNo, lang: i.language, emailVerified: true });
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: user.id, action: 'customer.create', target: u.id, detail: { organisation: i.organisation ?? null } });
  const o = u.organisationId ? await ctx.store.organisations.findById(u.organisationId) : null;
  return customerView(u, o);
}

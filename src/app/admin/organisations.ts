import { z } from 'zod';
import type { UsersDeps } from '../users.js';
import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import { ensureOrganisation } from '../users.js';
import { parseInput } from '../parse-input.js';
import type { Organisation, User } from '../../domain/entities.js';
import { oneLine, recordAdminAction, requireAdmin } from './admin-action.js';

/** What this module's use cases reach of the web context. */
export type OrganisationsDeps = WebSlice<'audit' | 'organisations' | 'users', 'organisations', 'clock'> & UsersDeps;

export type OrganisationView = Organisation & { members: number };

export async function listOrganisations(ctx: OrganisationsDeps, admin: User): Promise<OrganisationView[]> {
  requireAdmin(admin);
  return ctx.web.organisations.list();
}

async function organisationView(ctx: OrganisationsDeps, id: string): Promise<OrganisationView> {
  const o = (await ctx.web.organisations.list()).find((x) => x.id === id);
  if (!o) throw new AppError('not_found', { de: 'Diese Organisation gibt es nicht.', en: 'There is no such organisation.' });
  return o;
}

export async function createOrganisation(ctx: OrganisationsDeps, admin: User, input: { name: string; customerNo?: string }): Promise<OrganisationView> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(200), customerNo: oneLine(50).optional() }), input);
  if (await ctx.store.organisations.findByName(i.name)) throw new AppError('invalid_input', { de: `eine Organisation namens „${i.name}“ gibt es bereits`, en: `an organisation named "${i.name}" exists already` }, { field: 'name' });
  let o: Organisation;
  try {
    o = await ensureOrganisation(ctx, i.name, i.customerNo ?? null);
  } catch (e) {
    // The unique index on the customer number decides, also between two admins at the same moment.
    if (/unique|duplicate/i.test(String((e as Error).message))) throw new AppError('invalid_input', { de: `die Kundennummer ${i.customerNo} ist schon vergeben`, en: `customer number ${i.customerNo} is taken` }, { field: 'customerNo' });
    throw e;
  }
  await recordAdminAction(ctx, admin, 'admin.organisation.create', o.id, { name: o.name, customerNo: o.customerNo });
  return organisationView(ctx, o.id);
}

/** Renames an organisation or sets (null: removes) its customer number. */
export async function updateOrganisation(ctx: OrganisationsDeps, admin: User, id: string, input: { name?: string; customerNo?: string | null }): Promise<OrganisationView> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(200).optional(), customerNo: oneLine(50).nullable().optional() }).strict(), input);
  const r = await ctx.web.organisations.update(id, i);
  if (r === 'not_found') throw new AppError('not_found', { de: 'Diese Organisation gibt es nicht.', en: 'There is no such organisation.' });
  if (r === 'conflict') throw new AppError('invalid_input', { de: 'der Name oder die Kundennummer gehört zu einer anderen Organisation', en: 'the name or customer number belongs to another organisation' }, { field: i.customerNo !== undefined ? 'customerNo' : 'name' });
  await recordAdminAction(ctx, admin, 'admin.organisation.update', id, i);
  return organisationView(ctx, id);
}

/** Makes a member of the organisation its admin (they see every case of the organisation), or not. */
export async function setOrganisationAdmin(ctx: OrganisationsDeps, admin: User, organisationId: string, input: { userId: string; orgAdmin: boolean }): Promise<{ userId: string; orgAdmin: boolean }> {
  requireAdmin(admin);
  const i = parseInput(z.object({ userId: z.string().min(1).max(100), orgAdmin: z.boolean() }), input);
  await organisationView(ctx, organisationId);
  const u = await ctx.store.users.findById(i.userId);
  if (!u) throw new AppError('user_not_found');
  if (u.role !== 'customer' || u.organisationId !== organisationId) throw new AppError('invalid_input', { de: 'der Benutzer ist kein Kunde dieser Organisation', en: 'the user is not a customer of this organisation' }, { field: 'userId' });
  await ctx.store.users.update(u.id, { orgAdmin: i.orgAdmin });
  await recordAdminAction(ctx, admin, 'admin.organisation.admin', u.id, { organisationId, orgAdmin: i.orgAdmin });
  return { userId: u.id, orgAdmin: i.orgAdmin };
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { UsersDeps } from '../users.js';
import type { WebSlice } from '../web-context.js';
import type { CatalogProduct } from './ports.js';
import { AppError } from '../errors.js';
import { ensureOrganisation } from '../users.js';
import { parseInput } from '../parse-input.js';
import type { Organisation, Product, User } from '../../domain/entities.js';

/** What this module's use cases reach of the web context. */
export type CatalogDeps = WebSlice<'audit' | 'organisations' | 'products' | 'transaction' | 'users', 'catalog' | 'organisations', 'clock'> & UsersDeps;

const noBreaks = (v: string) => !/[\r\n\0]/.test(v);
const oneLine = (max: number) => z.string().trim().min(1).max(max).refine(noBreaks, 'must be one line');

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new AppError('forbidden');
}

async function audit(ctx: CatalogDeps, admin: User, action: string, target: string, detail?: Record<string, unknown>): Promise<void> {
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: admin.id, action, target, ...(detail ? { detail } : {}) });
}

export type OrganisationView = Organisation & { members: number };

export async function listOrganisations(ctx: CatalogDeps, admin: User): Promise<OrganisationView[]> {
  requireAdmin(admin);
  return ctx.web.organisations.list();
}

async function organisationView(ctx: CatalogDeps, id: string): Promise<OrganisationView> {
  const o = (await ctx.web.organisations.list()).find((x) => x.id === id);
  if (!o) throw new AppError('not_found', 'There is no such organisation.');
  return o;
}

export async function createOrganisation(ctx: CatalogDeps, admin: User, input: { name: string; customerNo?: string }): Promise<OrganisationView> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(200), customerNo: oneLine(50).optional() }), input);
  if (await ctx.store.organisations.findByName(i.name)) throw new AppError('invalid_input', `an organisation named "${i.name}" exists already`, { field: 'name' });
  let o: Organisation;
  try {
    o = await ensureOrganisation(ctx, i.name, i.customerNo ?? null);
  } catch (e) {
    // The unique index on the customer number decides, also between two admins at the same moment.
    if (/unique|duplicate/i.test(String((e as Error).message))) throw new AppError('invalid_input', `customer number ${i.customerNo} is taken`, { field: 'customerNo' });
    throw e;
  }
  await audit(ctx, admin, 'admin.organisation.create', o.id, { name: o.name, customerNo: o.customerNo });
  return organisationView(ctx, o.id);
}

/** Renames an organisation or sets (null: removes) its customer number. */
export async function updateOrganisation(ctx: CatalogDeps, admin: User, id: string, input: { name?: string; customerNo?: string | null }): Promise<OrganisationView> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(200).optional(), customerNo: oneLine(50).nullable().optional() }).strict(), input);
  const r = await ctx.web.organisations.update(id, i);
  if (r === 'not_found') throw new AppError('not_found', 'There is no such organisation.');
  if (r === 'conflict') throw new AppError('invalid_input', 'the name or customer number belongs to another organisation', { field: i.customerNo !== undefined ? 'customerNo' : 'name' });
  await audit(ctx, admin, 'admin.organisation.update', id, i);
  return organisationView(ctx, id);
}

/** Makes a member of the organisation its admin (they see every case of the organisation), or not. */
export async function setOrganisationAdmin(ctx: CatalogDeps, admin: User, organisationId: string, input: { userId: string; orgAdmin: boolean }): Promise<{ userId: string; orgAdmin: boolean }> {
  requireAdmin(admin);
  const i = parseInput(z.object({ userId: z.string().min(1).max(100), orgAdmin: z.boolean() }), input);
  await organisationView(ctx, organisationId);
  const u = await ctx.store.users.findById(i.userId);
  if (!u) throw new AppError('user_not_found');
  if (u.role !== 'customer' || u.organisationId !== organisationId) throw new AppError('invalid_input', 'the user is not a customer of this organisation', { field: 'userId' });
  await ctx.store.users.update(u.id, { orgAdmin: i.orgAdmin });
  await audit(ctx, admin, 'admin.organisation.admin', u.id, { organisationId, orgAdmin: i.orgAdmin });
  return { userId: u.id, orgAdmin: i.orgAdmin };
}

/** Admin: every product and version, also the deactivated ones. */
export async function listCatalog(ctx: CatalogDeps, admin: User): Promise<CatalogProduct[]> {
  requireAdmin(admin);
  return ctx.web.catalog.products(true);
}

async function catalogProduct(ctx: CatalogDeps, id: string): Promise<CatalogProduct> {
  const p = (await ctx.web.catalog.products(true)).find((x) => x.id === id);
  if (!p) throw new AppError('not_found', 'There is no such product.');
  return p;
}

export async function createProduct(ctx: CatalogDeps, admin: User, input: { name: string; versions?: string[] }): Promise<CatalogProduct> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(200), versions: z.array(oneLine(100)).max(100).default([]) }), input);
  if (await ctx.store.products.findByName(i.name)) throw new AppError('invalid_input', `a product named "${i.name}" exists already`, { field: 'name' });
  const id = randomUUID();
  await ctx.store.transaction(async (tx) => {
    await tx.products.insert({ id, name: i.name });
    for (const v of i.versions) await tx.products.addVersion(id, v);
  });
  await audit(ctx, admin, 'admin.product.create', id, { name: i.name });
  return catalogProduct(ctx, id);
}

export async function addProductVersion(ctx: CatalogDeps, admin: User, productId: string, input: { name: string }): Promise<CatalogProduct> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(100) }), input);
  await catalogProduct(ctx, productId);
  await ctx.store.products.addVersion(productId, i.name);
  await audit(ctx, admin, 'admin.product.version', productId, { version: i.name });
  return catalogProduct(ctx, productId);
}

/** A deactivated product is no longer offered for new cases; its cases keep it. */
export async function setProductActive(ctx: CatalogDeps, admin: User, productId: string, active: boolean): Promise<CatalogProduct> {
  requireAdmin(admin);
  if (!(await ctx.web.catalog.setProductActive(productId, active))) throw new AppError('not_found', 'There is no such product.');
  await audit(ctx, admin, active ? 'admin.product.activate' : 'admin.product.deactivate', productId);
  return catalogProduct(ctx, productId);
}

export async function setVersionActive(ctx: CatalogDeps, admin: User, versionId: string, active: boolean): Promise<CatalogProduct> {
  requireAdmin(admin);
  const v = await ctx.web.catalog.version(versionId);
  if (!v) throw new AppError('not_found', 'There is no such version.');
  await ctx.web.catalog.setVersionActive(versionId, active, ctx.clock.now().toISOString());
  await audit(ctx, admin, active ? 'admin.version.activate' : 'admin.version.deactivate', versionId, { productId: v.productId, version: v.name });
  return catalogProduct(ctx, v.productId);
}

/** Everyone: what a new case may name: active products, with their versions that are not retired. */
export async function listProducts(ctx: CatalogDeps): Promise<Product[]> {
  return (await ctx.web.catalog.products(false)).map((p) => ({ id: p.id, name: p.name, versions: p.versions.map((v) => v.name) }));
}

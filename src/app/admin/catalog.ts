import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WebSlice } from '../web-context.js';
import type { CatalogProduct } from './ports.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import type { Product, User } from '../../domain/entities.js';
import { oneLine, recordAdminAction, requireAdmin } from './admin-action.js';

/** What this module's use cases reach of the web context. */
export type CatalogDeps = WebSlice<'audit' | 'products' | 'transaction', 'catalog', 'clock'>;

/** Admin: every product and version, also the deactivated ones. */
export async function listCatalog(ctx: CatalogDeps, admin: User): Promise<CatalogProduct[]> {
  requireAdmin(admin);
  return ctx.web.catalog.products(true);
}

async function catalogProduct(ctx: CatalogDeps, id: string): Promise<CatalogProduct> {
  const p = (await ctx.web.catalog.products(true)).find((x) => x.id === id);
  if (!p) throw new AppError('not_found', { de: 'Dieses Produkt gibt es nicht.', en: 'There is no such product.' });
  return p;
}

export async function createProduct(ctx: CatalogDeps, admin: User, input: { name: string; versions?: string[] }): Promise<CatalogProduct> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(200), versions: z.array(oneLine(100)).max(100).default([]) }), input);
  if (await ctx.store.products.findByName(i.name)) throw new AppError('invalid_input', { de: `ein Produkt namens „${i.name}“ gibt es bereits`, en: `a product named "${i.name}" exists already` }, { field: 'name' });
  const id = randomUUID();
  await ctx.store.transaction(async (tx) => {
    await tx.products.insert({ id, name: i.name });
    for (const v of i.versions) await tx.products.addVersion(id, v);
  });
  await recordAdminAction(ctx, admin, 'admin.product.create', id, { name: i.name });
  return catalogProduct(ctx, id);
}

export async function addProductVersion(ctx: CatalogDeps, admin: User, productId: string, input: { name: string }): Promise<CatalogProduct> {
  requireAdmin(admin);
  const i = parseInput(z.object({ name: oneLine(100) }), input);
  await catalogProduct(ctx, productId);
  await ctx.store.products.addVersion(productId, i.name);
  await recordAdminAction(ctx, admin, 'admin.product.version', productId, { version: i.name });
  return catalogProduct(ctx, productId);
}

/** A deactivated product is no longer offered for new cases; its cases keep it. */
export async function setProductActive(ctx: CatalogDeps, admin: User, productId: string, active: boolean): Promise<CatalogProduct> {
  requireAdmin(admin);
  if (!(await ctx.web.catalog.setProductActive(productId, active))) throw new AppError('not_found', { de: 'Dieses Produkt gibt es nicht.', en: 'There is no such product.' });
  await recordAdminAction(ctx, admin, active ? 'admin.product.activate' : 'admin.product.deactivate', productId);
  return catalogProduct(ctx, productId);
}

export async function setVersionActive(ctx: CatalogDeps, admin: User, versionId: string, active: boolean): Promise<CatalogProduct> {
  requireAdmin(admin);
  const v = await ctx.web.catalog.version(versionId);
  if (!v) throw new AppError('not_found', { de: 'Diese Version gibt es nicht.', en: 'There is no such version.' });
  await ctx.web.catalog.setVersionActive(versionId, active, ctx.clock.now().toISOString());
  await recordAdminAction(ctx, admin, active ? 'admin.version.activate' : 'admin.version.deactivate', versionId, { productId: v.productId, version: v.name });
  return catalogProduct(ctx, v.productId);
}

/** Everyone: what a new case may name: active products, with their versions that are not retired. */
export async function listProducts(ctx: CatalogDeps): Promise<Product[]> {
  return (await ctx.web.catalog.products(false)).map((p) => ({ id: p.id, name: p.name, versions: p.versions.map((v) => v.name) }));
}

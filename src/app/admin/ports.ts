import type { Organisation } from '../../domain/entities.js';

/** The admin pages' stores: the product catalog and the organisations (`src/db/stores/admin.ts`). */

export interface CatalogProduct {
  id: string;
  name: string;
  active: boolean;
  versions: Array<{ id: string; name: string; active: boolean }>;
}

export interface CatalogStore {
  /** Products with their versions; without `includeInactive` only what a new case may name. */
  products(includeInactive: boolean): Promise<CatalogProduct[]>;
  setProductActive(productId: string, active: boolean): Promise<boolean>;
  version(versionId: string): Promise<{ id: string; productId: string; name: string; active: boolean } | null>;
  setVersionActive(versionId: string, active: boolean, at: string): Promise<void>;
}

export interface OrganisationAdminStore {
  list(): Promise<Array<Organisation & { members: number }>>;
  /** 'conflict' when the name or customer number belongs to another organisation. */
  update(id: string, patch: { name?: string; customerNo?: string | null }): Promise<'ok' | 'not_found' | 'conflict'>;
}

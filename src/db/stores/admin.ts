import type { Connection } from '../transaction-scope.js';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import type { CatalogProduct, CatalogStore, OrganisationAdminStore } from '../../app/admin/ports.js';

export function catalogStore(db: Connection): CatalogStore {
  return {
    async products(includeInactive) {
      let pq = db().selectFrom('products').selectAll().orderBy('name');
      if (!includeInactive) pq = pq.where('active', '=', 1);
      const products = await pq.execute();
      const versions = await db()
        .selectFrom('product_versions')
        .leftJoin('product_version_retirements', 'product_version_retirements.version_id', 'product_versions.id')
        .select(['product_versions.id', 'product_versions.product_id', 'product_versions.name', 'product_version_retirements.retired_at'])
        .orderBy('product_versions.created_at')
        .orderBy('product_versions.name')
        .execute();
      return products.map(
        (p): CatalogProduct => ({
          id: p.id,
          name: p.name,
          active: p.active === 1,
          versions: versions
            .filter((v) => v.product_id === p.id && (includeInactive || v.retired_at === null))
            .map((v) => ({ id: v.id, name: v.name, active: v.retired_at === null })),
        }),
      );
    },
    async setProductActive(productId, active) {
      const r = await db().updateTable('products').set({ active: active ? 1 : 0 }).where('id', '=', productId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async version(versionId) {
      const r = await db()
        .selectFrom('product_versions')
        .leftJoin('product_version_retirements', 'product_version_retirements.version_id', 'product_versions.id')
        .select(['product_versions.id', 'product_versions.product_id', 'product_versions.name', 'product_version_retirements.retired_at'])
        .where('product_versions.id', '=', versionId)
        .executeTakeFirst();
      return r ? { id: r.id, productId: r.product_id, name: r.name, active: r.retired_at === null } : null;
    },
    async setVersionActive(versionId, active, at) {
      if (active) await db().deleteFrom('product_version_retirements').where('version_id', '=', versionId).execute();
      else await db().insertInto('product_version_retirements').values({ version_id: versionId, retired_at: at }).onConflict((oc) => oc.column('version_id').doNothing()).execute();
    },
  };
}

export function organisationAdminStore(db: Connection, dialect: DialectAdapter): OrganisationAdminStore {
  return {
    async list() {
      const rows = await db()
        .selectFrom('organisations')
        .leftJoin('users', 'users.organisation_id', 'organisations.id')
        .select((eb) => ['organisations.id', 'organisations.name', 'organisations.customer_no', 'organisations.created_at', eb.fn.count<number>('users.id').as('members')])
        .groupBy(['organisations.id', 'organisations.name', 'organisations.customer_no', 'organisations.created_at'])
        .orderBy('organisations.name')
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, customerNo: r.customer_no, createdAt: r.created_at, members: Number(r.members) }));
    },
    async update(id, patch) {
      const set: { name?: string; customer_no?: string | null } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.customerNo !== undefined) set.customer_no = patch.customerNo;
      try {
        if (Object.keys(set).length === 0) {
          return (await db().selectFrom('organisations').select('id').where('id', '=', id).executeTakeFirst()) ? 'ok' : 'not_found';
        }
        const r = await db().updateTable('organisations').set(set).where('id', '=', id).executeTakeFirst();
        return Number(r.numUpdatedRows) > 0 ? 'ok' : 'not_found';
      } catch (e) {
        if (dialect.isUniqueViolation(e)) return 'conflict';
        throw e;
      }
    },
  };
}

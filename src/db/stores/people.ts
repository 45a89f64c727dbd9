import type { Kysely } from 'kysely';
import type { Database, UserTable } from '../schema.js';
import type { Clock, OrganisationStore, ProductStore, UserStore } from '../../app/ports.js';
import type { User } from '../../domain/entities.js';
import type { Language, UserRole } from '../../domain/case.js';
import { randomUUID } from 'node:crypto';

export function toUser(r: UserTable): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as UserRole,
    language: r.language as Language,
    passwordHash: r.password_hash,
    disabled: r.disabled === 1,
    emailVerified: r.email_verified === 1,
    organisationId: r.organisation_id,
    orgAdmin: r.org_admin === 1,
    mailFailing: r.mail_failing_since ? { since: r.mail_failing_since, reason: r.mail_failing_reason ?? '' } : null,
    createdAt: r.created_at,
  };
}

export function organisationStore(db: Kysely<Database>): OrganisationStore {
  const map = (r: Database['organisations']) => ({ id: r.id, name: r.name, customerNo: r.customer_no, createdAt: r.created_at });
  return {
    async findByName(name) {
      const r = await db.selectFrom('organisations').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? map(r) : null;
    },
    async findById(id) {
      const r = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? map(r) : null;
    },
    async insert(o) {
      await db.insertInto('organisations').values({ id: o.id, name: o.name, customer_no: o.customerNo, created_at: o.createdAt }).execute();
    },
    async list() {
      return (await db.selectFrom('organisations').selectAll().orderBy('name').execute()).map(map);
    },
  };
}

export function userStore(db: Kysely<Database>, clock: Clock): UserStore {
  return {
    async findByEmail(email) {
      const r = await db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
      return r ? toUser(r) : null;
    },
    async findById(id) {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toUser(r) : null;
    },
    async insert(u) {
      await db
        .insertInto('users')
        .values({
          id: u.id,
          email: u.email,
          name: u.name,
          role: u.role,
          language: u.language,
          password_hash: u.passwordHash,
          disabled: u.disabled ? 1 : 0,
          email_verified: u.emailVerified ? 1 : 0,
          organisation_id: u.organisationId,
          org_admin: u.orgAdmin ? 1 : 0,
          created_at: u.createdAt,
          updated_at: u.createdAt,
        })
        .execute();
    },
    async update(id, p) {
      const set: Partial<UserTable> = { updated_at: clock.now().toISOString() };
      if (p.name !== undefined) set.name = p.name;
      if (p.language !== undefined) set.language = p.language;
      if (p.passwordHash !== undefined) set.password_hash = p.passwordHash;
      if (p.disabled !== undefined) set.disabled = p.disabled ? 1 : 0;
      if (p.emailVerified !== undefined) set.email_verified = p.emailVerified ? 1 : 0;
      if (p.organisationId !== undefined) set.organisation_id = p.organisationId;
      if (p.orgAdmin !== undefined) set.org_admin = p.orgAdmin ? 1 : 0;
      if (p.mailFailing !== undefined) {
        set.mail_failing_since = p.mailFailing?.since ?? null;
        set.mail_failing_reason = p.mailFailing?.reason ?? null;
      }
      await db.updateTable('users').set(set).where('id', '=', id).execute();
    },
    async list(filter = {}) {
      let q = db.selectFrom('users').selectAll().orderBy('email');
      if (filter.role) q = q.where('role', '=', filter.role);
      if (filter.organisationId) q = q.where('organisation_id', '=', filter.organisationId);
      return (await q.execute()).map(toUser);
    },
  };
}

export function productStore(db: Kysely<Database>, clock: Clock): ProductStore {
  return {
    async findByName(name) {
      const p = await db.selectFrom('products').selectAll().where('name', '=', name).executeTakeFirst();
      if (!p) return null;
      const versions = await db.selectFrom('product_versions').select('name').where('product_id', '=', p.id).orderBy('created_at').orderBy('name').execute();
      return { id: p.id, name: p.name, versions: versions.map((v) => v.name) };
    },
    async insert(p) {
      await db.insertInto('products').values({ id: p.id, name: p.name, active: 1, created_at: clock.now().toISOString() }).execute();
    },
    async addVersion(productId, version) {
      await db
        .insertInto('product_versions')
        .values({ id: randomUUID(), product_id: productId, name: version, created_at: clock.now().toISOString() })
        .onConflict((oc) => oc.columns(['product_id', 'name']).doNothing())
        .execute();
    },
    async list() {
      const products = await db.selectFrom('products').selectAll().where('active', '=', 1).orderBy('name').execute();
      const versions = await db.selectFrom('product_versions').selectAll().orderBy('created_at').orderBy('name').execute();
      return products.map((p) => ({ id: p.id, name: p.name, versions: versions.filter((v) => v.product_id === p.id).map((v) => v.name) }));
    },
  };
}

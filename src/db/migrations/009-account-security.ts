import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * Account security (issue 10, items 6–10).
 * - `api_tokens.scope`: read, write or admin. Tokens made before carry `write`: they keep working
 *   for the API a customer or agent uses, and an admin's old token is no longer full access.
 * - `one_time_tokens.password_hash`: the password chosen at sign-up travels with its verification
 *   link and becomes the account's only when that link is used, so that whoever signed up an
 *   address first cannot set the password its owner later verifies.
 * - `outbound_mails.raw_after_send`: the bytes kept once a mail with a secret link was sent (the
 *   link replaced by a placeholder); until then `raw` is what the relay gets.
 * - `auth_throttle`: one row per (purpose, account or client IP) with its failures and the time
 *   before which the next attempt waits; claimed with a compare-and-set before the password check.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);
  const blob = sql.raw(d.types.blob);
  await db.schema.alterTable('api_tokens').addColumn('scope', 'text', (c) => c.notNull().defaultTo('write').check(sql`scope in ('read', 'write', 'admin')`)).execute();
  await db.schema.alterTable('one_time_tokens').addColumn('password_hash', 'text').execute();
  await db.schema.alterTable('outbound_mails').addColumn('raw_after_send', blob).execute();
  await db.schema
    .createTable('auth_throttle')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('throttle_key', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('next_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_throttle_pk', ['kind', 'throttle_key'])
    .execute();
  await db.schema.createIndex('auth_throttle_updated').on('auth_throttle').column('updated_at').execute();
}

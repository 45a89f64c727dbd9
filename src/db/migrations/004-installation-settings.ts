import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * Installation settings an admin edits in the web UI (attachment policy, size limit, template
 * overrides): one row per key with a JSON value. JSON as text instead of a json/jsonb column so
 * that both databases store and compare it the same way; the values are a few KiB at most and
 * are always read whole. A key without a row means "the configured default".
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);
  await db.schema
    .createTable('installation_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('users.id'))
    .execute();
}

import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * Full-text search over case subjects and message texts, the desk's per-user settings
 * (notifications), retired product versions, and the indexes the live updates and the overview
 * poll with.
 *
 * Search: SQLite gets two FTS5 tables kept in sync by triggers, so that no store has to remember
 * them; PostgreSQL gets GIN indexes over `to_tsvector('simple', …)` expressions. An expression
 * index instead of a stored generated column: the column would be fetched by every
 * `selectAll()` on cases and messages (a message's vector is about as large as its text), and
 * the index serves the same `@@` queries. Both use no stemming ('simple', unicode61) because
 * customers write German and English in the same case. Message texts are indexed up to 100 000
 * characters: PostgreSQL refuses a tsvector over 1 MB, and an error there would fail the insert
 * of an accepted mail.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);

  await db.schema
    .createTable('user_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('notify_by_email', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notifications_read_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('product_version_retirements')
    .addColumn('version_id', 'text', (c) => c.primaryKey().references('product_versions.id'))
    .addColumn('retired_at', ts, (c) => c.notNull())
    .execute();

  // Live updates poll "processed since" every 2 s per open page; the overview reads 14 days of mail.
  await db.schema.createIndex('inbound_mails_processed').on('inbound_mails').column('processed_at').execute();
  await db.schema.createIndex('inbound_mails_received').on('inbound_mails').column('received_at').execute();
  await db.schema.createIndex('cases_updated').on('cases').column('updated_at').execute();
  await db.schema.createIndex('cases_activity').on('cases').column('last_activity_at').execute();
  // Agent notifications: customer replies since the last read.
  await db.schema.createIndex('messages_kind_created').on('messages').columns(['kind', 'created_at']).execute();

  // The full-text indexes differ per database; the dialect adapter keeps them beside the
  // condition that uses them (fullTextMatch).
  for (const statement of d.fullTextIndexStatements) await sql.raw(statement).execute(db);
}

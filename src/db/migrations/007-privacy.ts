import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * Data protection: a received mail whose raw bytes were deleted (by the retention sweep or by
 * erasing a person) keeps its log row and says so: when, why and after how many days. The audit
 * log gets an index on (action, at) for the admins' "who exported or erased whom" listing, which
 * reads only the privacy actions among all others.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);
  await db.schema.alterTable('inbound_mails').addColumn('raw_deleted_at', ts).execute();
  // 'retention' or 'erasure'; null while the bytes are there (or were dropped by an admin in the quarantine).
  await db.schema.alterTable('inbound_mails').addColumn('raw_deleted_reason', 'text').execute();
  await db.schema.alterTable('inbound_mails').addColumn('raw_retention_days', 'integer').execute();
  await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();
}

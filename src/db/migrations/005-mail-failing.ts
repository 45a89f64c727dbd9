import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * A customer address that bounced permanently is marked failing (RELIABILITY L3), so that agents
 * see at the case that their mails do not arrive.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  await db.schema.alterTable('users').addColumn('mail_failing_since', sql.raw(d.types.timestamp)).execute();
  await db.schema.alterTable('users').addColumn('mail_failing_reason', 'text').execute();
}

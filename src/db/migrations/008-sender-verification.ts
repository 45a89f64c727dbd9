import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * A customer reply whose From could not be verified (no SPF or DKIM pass aligned with the From
 * domain) is marked, so that agents see on the case that the mail may be forged (RELIABILITY E4).
 * 1 = marked; 0 for every other message, including those written before this check existed.
 *
 * Notices are also limited per recipient domain (RELIABILITY E3): the index on (kind,
 * created_at) lets that count read only the last hour's notices.
 */
export async function up(db: Kysely<any>, _d: DialectAdapter): Promise<void> {
  await db.schema.alterTable('messages').addColumn('sender_unverified', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('outbound_mails_kind_created').on('outbound_mails').columns(['kind', 'created_at']).execute();
}

import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * Inbound mailboxes with their own credentials (password or OAuth2). `key` is the stable name a
 * per-mailbox lease can use; `definition` is the JSON of the non-secret settings, read whole;
 * `secrets` is the AES-256-GCM sealed JSON of passwords, client secrets, private keys and
 * refresh tokens (never plain). The state columns are what the admin page shows (green/red).
 * `connect_*` hold one started authorization-code flow: the hash of its `state` parameter and the
 * sealed PKCE verifier, until the callback takes them.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);
  await db.schema
    .createTable('mailboxes')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('new'))
    .addColumn('state_detail', 'text')
    .addColumn('state_at', ts)
    .addColumn('connect_state_hash', 'text')
    .addColumn('connect_verifier', 'text')
    .addColumn('connect_expires_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mailboxes_connect_state_hash').on('mailboxes').column('connect_state_hash').execute();
}

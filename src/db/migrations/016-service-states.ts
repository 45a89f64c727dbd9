import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * The last known state of a service Supportal talks to, one row per service (`relay`: the outgoing
 * SMTP relay). Every `serve` process that sends writes here, so that the admin page shows the
 * same state whichever node answers it. `code` is the state (`new`, `ok`, `login_refused`,
 * `unreachable`), `detail` the server's own words (no secrets), `at` since when the state holds,
 * `target` what the state is about as JSON without credentials (the relay's host and OAuth2
 * mailbox), so that a changed configuration starts again at `new`.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  const ts = sql.raw(d.types.timestamp);
  await db.schema
    .createTable('service_states')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .execute();
}

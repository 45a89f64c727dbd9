import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The tables whose records the command line names by id. */
export type IdTable = 'inbound_mails' | 'outbound_mails' | 'jobs';

/** Hex digits and dashes only: an id prefix never carries LIKE's own `%` or `_`. */
export const ID_PREFIX = /^[0-9a-f-]{1,36}$/;

/**
 * The ids in `table` that start with `prefix` (lower-cased), at most `limit`: two are enough to
 * tell a unique prefix from an ambiguous one. Ids are text on both databases, and the primary
 * key's index serves `LIKE 'abc%'`.
 */
export async function idsStartingWith(db: Kysely<Database>, table: IdTable, prefix: string, limit = 2): Promise<string[]> {
  const p = prefix.toLowerCase();
  if (!ID_PREFIX.test(p)) return [];
  const rows = await db.selectFrom(table).select('id').where('id', 'like', `${p}%`).orderBy('id').limit(limit).execute();
  return rows.map((r) => String(r.id));
}

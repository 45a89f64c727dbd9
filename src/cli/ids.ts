import type { Runtime } from '../composition.js';
import { AppError } from '../app/errors.js';
import { ID_PREFIX, idsStartingWith, type IdTable } from '../db/id-prefix.js';
import { CliFailure } from './output.js';

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The full id for what the operator typed: a whole id as it is, or a prefix that names exactly
 * one record (as `git` takes a short hash), so that the 8 characters a listing shows suffice.
 */
export async function resolveId(r: Runtime, table: IdTable, given: string, what: string): Promise<string> {
  if (FULL_ID.test(given) || !ID_PREFIX.test(given.toLowerCase())) return given;
  const ids = await idsStartingWith(r.db.db, table, given);
  if (ids.length === 0) throw new AppError('not_found', `there is no ${what} whose id starts with ${given}`);
  if (ids.length > 1) throw new CliFailure(`${given} is the start of several ${what} ids (${ids.join(', ')}, …): give more characters`);
  return ids[0]!;
}

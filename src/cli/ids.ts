import type { Runtime } from '../composition.js';
import { AppError, type Text } from '../app/errors.js';
import { ID_PREFIX, idsStartingWith, type IdTable } from '../db/id-prefix.js';
import { CliFailure } from './output.js';

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What each table holds, as the failure lines name it. */
const RECORD_NAME: Record<IdTable, Text> = {
  inbound_mails: { de: 'eingegangene E-Mail', en: 'inbound mail' },
  outbound_mails: { de: 'ausgehende E-Mail', en: 'outbound mail' },
  jobs: { de: 'Job', en: 'job' },
};

/**
 * The full id for what the operator typed: a whole id as it is, or a prefix that names exactly
 * one record (as `git` takes a short hash), so that the 8 characters a listing shows suffice.
 */
export async function resolveId(r: Runtime, table: IdTable, given: string): Promise<string> {
  if (FULL_ID.test(given) || !ID_PREFIX.test(given.toLowerCase())) return given;
  const ids = await idsStartingWith(r.db.db, table, given);
  const what = RECORD_NAME[table];
  if (ids.length === 0) throw new AppError('not_found', { de: `keine ID (${what.de}) beginnt mit ${given}`, en: `there is no ${what.en} whose id starts with ${given}` });
  if (ids.length > 1) throw new CliFailure({ de: `${given} ist der Anfang mehrerer IDs (${what.de}: ${ids.join(', ')}, …): geben Sie mehr Zeichen an`, en: `${given} is the start of several ${what.en} ids (${ids.join(', ')}, …): give more characters` });
  return ids[0]!;
}

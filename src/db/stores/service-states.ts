import type { DatabaseHandle } from '../database.js';
import { RELAY_STATES, type RelayStateCode, type RelayStateStore, type RelayTarget } from '../../app/ports.js';

/** A row of migration 016; typed here, beside its only store. */
interface ServiceStateTable {
  key: string;
  code: string;
  detail: string | null;
  at: string;
  /** JSON of what the state is about (for the relay: RelayTarget). */
  target: string;
}

const RELAY_KEY = 'relay';

function targetOf(json: string): RelayTarget {
  try {
    const t = JSON.parse(json) as Partial<RelayTarget>;
    return { host: typeof t.host === 'string' ? t.host : null, oauthMailbox: typeof t.oauthMailbox === 'string' ? t.oauthMailbox : null };
  } catch {
    return { host: null, oauthMailbox: null };
  }
}

/**
 * The RelayStateStore port over `service_states` (migration 016), in one statement per call, the
 * same on both databases. The write is an upsert whose update only happens when the code, the
 * detail or the target differ: a node that finds the relay as another node already recorded it
 * changes nothing, and the row keeps the time the state began (new words in the same state too).
 */
export function createRelayStateStore(h: DatabaseHandle): RelayStateStore {
  const db = h.db.withTables<{ service_states: ServiceStateTable }>();
  return {
    async read() {
      const r = await db.selectFrom('service_states').selectAll().where('key', '=', RELAY_KEY).executeTakeFirst();
      if (!r) return null;
      // A code this version does not know (written by a newer one) reads as not yet known.
      const code = (RELAY_STATES as readonly string[]).includes(r.code) ? (r.code as RelayStateCode) : 'new';
      return { code, detail: r.detail, at: r.at, target: targetOf(r.target) };
    },
    async write(s) {
      const target = JSON.stringify({ host: s.target.host, oauthMailbox: s.target.oauthMailbox });
      const r = await db
        .insertInto('service_states')
        .values({ key: RELAY_KEY, code: s.code, detail: s.detail, at: s.at, target })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({
              code: eb.ref('excluded.code'),
              detail: eb.ref('excluded.detail'),
              // New words of the relay in the same state (a server id in each 535 answer) keep the time it began.
              at: eb
                .case()
                .when(eb.or([eb('service_states.code', '<>', eb.ref('excluded.code')), eb('service_states.target', '<>', eb.ref('excluded.target'))]))
                .then(eb.ref('excluded.at'))
                .else(eb.ref('service_states.at'))
                .end(),
              target: eb.ref('excluded.target'),
            }))
            .where((eb) =>
              eb.or([
                eb('service_states.code', '<>', eb.ref('excluded.code')),
                // coalesce: a comparison with NULL is never true, and "no detail" must differ from a detail.
                eb(eb.fn.coalesce('service_states.detail', eb.val('')), '<>', eb.fn.coalesce('excluded.detail', eb.val(''))),
                eb('service_states.target', '<>', eb.ref('excluded.target')),
              ]),
            ),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}

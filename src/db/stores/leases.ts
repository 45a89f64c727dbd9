import type { LeaseStore } from '../../app/cluster/ports.js';
import type { DatabaseHandle } from '../database.js';

/**
 * Named leases (migration 014) in one statement each, the same on both databases: the upsert
 * takes a free name, renews the holder's own lease, and takes an expired one over; a lease held
 * by another node and still running is left alone (the update's condition fails, no row changes).
 */
export function createLeaseStore(h: DatabaseHandle): LeaseStore {
  const { db } = h;
  return {
    async acquire(name, holder, now, until) {
      const r = await db
        .insertInto('leases')
        .values({ name, holder, acquired_at: now, expires_at: until })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({
              holder: eb.ref('excluded.holder'),
              expires_at: eb.ref('excluded.expires_at'),
              // A renewal keeps the time the holder first took it; a takeover starts anew.
              acquired_at: eb.case().when('leases.holder', '=', holder).then(eb.ref('leases.acquired_at')).else(eb.ref('excluded.acquired_at')).end(),
            }))
            .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)])),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async release(name, holder) {
      await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
    },
    async holder(name, now) {
      const r = await db.selectFrom('leases').select('holder').where('name', '=', name).where('expires_at', '>', now).executeTakeFirst();
      return r?.holder ?? null;
    },
  };
}

import type { Connection } from '../transaction-scope.js';
import type { LiveQueries } from '../../app/live/ports.js';
import { toCase } from './cases.js';
import { toInbound } from './mail.js';
import { inboundRows } from './search.js';

export function liveQueries(db: Connection): LiveQueries {
  const inboundQuery = () => inboundRows(db);
  return {
    async mailsProcessedSince(f) {
      let q = inboundQuery().where('inbound_mails.processed_at', '>=', f.since).orderBy('inbound_mails.processed_at').orderBy('inbound_mails.id').limit(f.limit);
      if (f.from) {
        const from = f.from.toLowerCase();
        q = q.where((eb) => eb.or([eb('inbound_mails.from_address', '=', from), eb('inbound_mails.envelope_from', '=', from)]));
      }
      return (await q.execute()).map(toInbound);
    },
    async casesChangedSince(f) {
      let q = db().selectFrom('cases').selectAll().where(f.column, '>=', f.since).orderBy(f.column).orderBy('number').limit(f.limit);
      if (f.customerId) q = q.where('customer_id', '=', f.customerId);
      if (f.organisationId) q = q.where('organisation_id', '=', f.organisationId);
      return (await q.execute()).map((r) => ({ case: toCase(r), changedAt: r[f.column] }));
    },
  };
}

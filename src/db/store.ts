import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DatabaseHandle } from './database.js';
import type { DialectAdapter } from './dialects/dialect-adapter.js';
import type { Clock, Store } from '../app/ports.js';
import { organisationStore, productStore, userStore } from './stores/people.js';
import { attachmentStore, caseStore, messageStore } from './stores/cases.js';
import { inboundMailStore, outboundMailStore } from './stores/mail.js';
import { auditStore, jobStore } from './stores/jobs.js';
import { runInTransactionScope } from './transaction-scope.js';

function build(root: Kysely<Database>, db: Kysely<Database>, d: DialectAdapter, clock: Clock, inTransaction: boolean): Store {
  const store: Store = {
    organisations: organisationStore(db),
    users: userStore(db, clock),
    products: productStore(db, clock),
    cases: caseStore(db),
    messages: messageStore(db),
    attachments: attachmentStore(db),
    inbound: inboundMailStore(db, d),
    outbound: outboundMailStore(db, d, clock),
    jobs: jobStore(db, d),
    audit: auditStore(db),
    async transaction(fn) {
      if (inTransaction) return fn(store);
      // The web stores and the settings join through the scope (transaction-scope.ts).
      return db.transaction().execute((trx) => runInTransactionScope(root, trx, () => fn(build(root, trx, d, clock, true))));
    },
    ping: () => d.ping(db),
  };
  return store;
}

/** The Store port over a Kysely database; every time it writes on its own comes from `clock`. */
export function createStore(h: DatabaseHandle, clock: Clock): Store {
  return build(h.db, h.db, h.dialect, clock, false);
}

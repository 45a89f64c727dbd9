import type { DatabaseHandle } from '../database.js';
import { boundConnection } from '../transaction-scope.js';
import type { WebStore } from '../../app/web-context.js';
import { catalogStore, organisationAdminStore } from './admin.js';
import { apiTokenStore, attemptStore, oneTimeTokenStore, sessionStore, userSettingsStore } from './auth.js';
import { directoryQueries, mailAdminStore, reportQueries } from './desk.js';
import { liveQueries } from './live.js';
import { portalSearch } from './search.js';

/**
 * The WebStore port over a Kysely database: one store per port, each in the file of its port's
 * folder. Every store looks its connection up per call (`boundConnection`), so inside a
 * `store.transaction()` callback it runs on the transaction's connection instead of waiting for
 * it (on SQLite the one connection is held by the transaction: a call outside it would wait for
 * itself).
 */
export function createWebStore(h: DatabaseHandle): WebStore {
  const db = boundConnection(h);
  return {
    sessions: sessionStore(db),
    apiTokens: apiTokenStore(db),
    oneTimeTokens: oneTimeTokenStore(db),
    attempts: attemptStore(db),
    settings: userSettingsStore(db),
    search: portalSearch(db, h.dialect),
    live: liveQueries(db),
    reports: reportQueries(db),
    directory: directoryQueries(db),
    catalog: catalogStore(db),
    organisations: organisationAdminStore(db, h.dialect),
    mailAdmin: mailAdminStore(db),
  };
}

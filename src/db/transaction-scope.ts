import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DatabaseHandle } from './database.js';

/** The connection a store should use for its next statement. */
export type Connection = () => Kysely<Database>;

/** The open transaction of the current async call chain, per database. */
const scopes = new WeakMap<Kysely<Database>, AsyncLocalStorage<Kysely<Database>>>();

function scopeOf(db: Kysely<Database>): AsyncLocalStorage<Kysely<Database>> {
  let s = scopes.get(db);
  if (!s) scopes.set(db, (s = new AsyncLocalStorage()));
  return s;
}

/**
 * Runs `fn` with `trx` as the connection of every store built with `boundConnection` on the same
 * database, for the whole async call chain of `fn` (store.ts calls it for each transaction).
 */
export function runInTransactionScope<T>(db: Kysely<Database>, trx: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  return scopeOf(db).run(trx, fn);
}

/**
 * The database's connection as seen from the caller: the open transaction when the call comes
 * from inside a `store.transaction()` callback, else the database itself. Stores that are not
 * handed the transaction explicitly (the web stores, the installation settings) use this, so they
 * join the unit of work instead of waiting for the connection the transaction holds.
 */
export function boundConnection(h: DatabaseHandle): Connection {
  const scope = scopeOf(h.db);
  return () => scope.getStore() ?? h.db;
}

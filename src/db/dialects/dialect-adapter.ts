import type { Dialect, Expression, Kysely, SqlBool } from 'kysely';
import type { Database } from '../schema.js';

/**
 * How many of a word's matches a search looks at, newest first, per index (subjects, messages).
 * Every word rarer than this is found wherever it is; a word in more places than this finds the
 * cases of its newest matches, which is what a list sorted by activity shows first anyway.
 */
export const FULL_TEXT_MATCH_BOUND = 5000;

/**
 * Everything that differs between SQLite and PostgreSQL lives behind this interface, implemented
 * once per database in this folder. No other file asks which database it runs on.
 */
export interface DialectAdapter {
  readonly name: 'sqlite' | 'postgres';
  readonly kyselyDialect: Dialect;
  /** Column types for the migrations. */
  readonly types: { blob: string; timestamp: string; bigint: string; autoId: string };
  /** Was this error a violated unique constraint? */
  isUniqueViolation(err: unknown): boolean;
  /** Is this error worth retrying (busy/locked database, lost connection, serialization)? */
  isTransient(err: unknown): boolean;
  /**
   * Rows of `table` that are due and not leased, locked so that two workers never take the same
   * one: `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer at a time, so the
   * surrounding write transaction already serialises.
   */
  lockSuffix: '' | ' for update skip locked';
  /**
   * The full-text condition of the case search (migration 003 built the indexes): every term
   * occurs, also as a word prefix, in the case's subject or in one of its messages — terms may be
   * spread over subject and messages ("printer smokes" finds a case titled "Printer" whose
   * description says it smokes). One indexed lookup pair per term (≤10). `terms` are letters and
   * digits only (search.ts `searchTerms`), so no query syntax can come from the user.
   */
  fullTextMatch(terms: string[], includeInternalNotes: boolean): Expression<SqlBool>;
  /**
   * The statements of migration 003 that build the indexes `fullTextMatch` reads. Part of a
   * migration that has run on installations: never change them; a new index needs a new migration.
   */
  readonly fullTextIndexStatements: readonly string[];
  /**
   * The statements of migration 015 that let `fullTextMatch` take a word's newest matches first
   * and stop: PostgreSQL's tables of stored word vectors numbered in arrival order. None on
   * SQLite, whose FTS5 rowids (migration 003) already are that order. Shipped with that
   * migration: never change them.
   */
  readonly fullTextNewestFirstStatements: readonly string[];
  /** Checks that the database answers. */
  ping(db: Kysely<Database>): Promise<void>;
  /**
   * After an erasure: drops the erased words from the full-text index and the old row versions
   * from the database (SQLite: FTS5 optimize and a WAL checkpoint, deleted content being zeroed
   * by secure_delete; PostgreSQL: VACUUM of the touched tables, which also cleans the GIN indexes).
   */
  purgeDeletedContent(db: Kysely<Database>): Promise<void>;
  /**
   * Tells the processes listening on `channel` (other nodes on one database): PostgreSQL's
   * NOTIFY, delivered when the surrounding transaction commits (never when it rolls back); SQLite
   * has no such thing, and its processes (all on one machine) find work by polling.
   */
  notify(db: Kysely<Database>, channel: string, payload: string): Promise<void>;
  /** Whether `notify` reaches other processes at all (and `listen` hears them). */
  readonly notifications: boolean;
  /**
   * A connection of its own that receives the notifications of `channels` (PostgreSQL LISTEN),
   * reconnecting after a loss; null on SQLite. `payload` null means "reconnected: notifications
   * may have been missed meanwhile".
   */
  listen(channels: readonly string[], onNotification: (channel: string, payload: string | null) => void, onError: (err: Error) => void): NotificationListener | null;
  close(): Promise<void>;
}

export interface NotificationListener {
  /** Resolves once the first LISTEN is in place (rejects when the database cannot be reached). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

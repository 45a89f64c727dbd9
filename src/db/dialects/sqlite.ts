import SQLite from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqliteDialect, sql, type Kysely, type SqlBool } from 'kysely';
import { FULL_TEXT_MATCH_BOUND, type DialectAdapter } from './dialect-adapter.js';
import type { Database } from '../schema.js';

/**
 * Migration 003: FTS5 tables for the case subjects and the message texts (diacritics folded),
 * kept in sync by triggers, filled once from the existing rows.
 */
const FTS_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'";

const FULL_TEXT_INDEXES: readonly string[] = [
  `create virtual table case_subject_fts using fts5(case_id unindexed, subject, ${FTS_TOKENIZE})`,
  `create virtual table message_fts using fts5(message_id unindexed, case_id unindexed, kind unindexed, body, ${FTS_TOKENIZE})`,
  `create trigger cases_fts_insert after insert on cases begin
     insert into case_subject_fts (case_id, subject) values (new.id, new.subject);
   end`,
  `create trigger cases_fts_update after update of subject on cases begin
     update case_subject_fts set subject = new.subject where case_id = old.id;
   end`,
  `create trigger cases_fts_delete after delete on cases begin
     delete from case_subject_fts where case_id = old.id;
   end`,
  `create trigger messages_fts_insert after insert on messages begin
     insert into message_fts (message_id, case_id, kind, body) values (new.id, new.case_id, new.kind, substr(new.body_text, 1, 100000));
   end`,
  `create trigger messages_fts_update after update of body_text, kind on messages begin
     update message_fts set kind = new.kind, body = substr(new.body_text, 1, 100000) where message_id = old.id;
   end`,
  `create trigger messages_fts_delete after delete on messages begin
     delete from message_fts where message_id = old.id;
   end`,
  `insert into case_subject_fts (case_id, subject) select id, subject from cases`,
  `insert into message_fts (message_id, case_id, kind, body) select id, case_id, kind, substr(body_text, 1, 100000) from messages`,
];

/**
 * Kysely opens transactions with a plain (deferred) BEGIN. When another process (a `supportal
 * ingest` pipe next to `serve`) writes meanwhile, a deferred transaction that read first cannot
 * upgrade to a writer and fails with SQLITE_BUSY at once — busy_timeout does not help there.
 * BEGIN IMMEDIATE takes the write lock up front, and waiting for it is what busy_timeout does
 * (RELIABILITY C5: retry, never drop).
 */
function withImmediateTransactions(database: SQLite.Database): SQLite.Database {
  const prepare = cachedPrepare(database);
  return new Proxy(database, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') return Reflect.get(target, prop, receiver);
      return (source: string) => {
        const statement = source.trim();
        if (/^begin$/i.test(statement)) return prepare('begin immediate');
        // After SQLITE_FULL, SQLITE_IOERR or SQLITE_BUSY SQLite may have rolled the transaction
        // back itself; Kysely's ROLLBACK would then fail ("no transaction is active") and its error
        // would replace the real one, so a full disk was answered 451, not 452 (T2; found by the
        // fault campaign). There is nothing left to roll back: a statement that does nothing.
        if (/^rollback$/i.test(statement) && !target.inTransaction) return prepare('select 0 where 0');
        return prepare(source);
      };
    },
  });
}

/**
 * Kysely prepares every query anew; compiling the SQL was a tenth of the CPU time of processing a
 * mail (profile of 2,000 replies). Queries of the same shape have the same SQL (parameters are
 * `?`), so the prepared statements are kept, the least recently used dropped past 500. Safe
 * because Kysely runs one statement at a time on this connection and reads its rows at once
 * (`all`/`run`; `iterate`, which would keep a statement busy, is never used).
 */
export function cachedPrepare(database: SQLite.Database, limit = 500): (source: string) => SQLite.Statement {
  const cache = new Map<string, SQLite.Statement>();
  return (source) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = database.prepare(source);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  };
}

/**
 * SQLite, the embedded default. WAL so that readers never wait for the writer; synchronous=FULL
 * because a 250 to a mail client promises the mail is on disk (RELIABILITY promise 1);
 * busy_timeout so that another process's write makes us wait, not fail (C5).
 */
export function createSqliteAdapter(file: string): DialectAdapter {
  // The database holds every customer's mail: readable by the service user only. A new folder
  // gets 0700, a new file 0600 before WAL mode creates -wal and -shm, which SQLite gives the
  // database file's permissions.
  const created = file !== ':memory:' && !existsSync(file);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const database = new SQLite(file, { timeout: 10_000 });
  if (created) chmodSync(file, 0o600);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 10000');
  // Deleted content is overwritten with zeros, so that an erased person or a raw mail past its
  // retention is gone from the file too, not only from every query (GDPR Art. 17).
  database.pragma('secure_delete = on');
  return {
    name: 'sqlite',
    kyselyDialect: new SqliteDialect({ database: withImmediateTransactions(database) }),
    types: { blob: 'blob', timestamp: 'text', bigint: 'integer', autoId: 'integer primary key autoincrement' },
    lockSuffix: '',
    isUniqueViolation: (err) => String((err as { code?: string })?.code ?? '').startsWith('SQLITE_CONSTRAINT_UNIQUE') || String((err as { code?: string })?.code) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    isTransient: (err) => /^SQLITE_(BUSY|LOCKED|IOERR|FULL)/.test(String((err as { code?: string })?.code ?? '')),
    // The FTS5 tables that triggers keep in sync; `"term"*` is a quoted prefix query.
    fullTextIndexStatements: FULL_TEXT_INDEXES,
    fullTextNewestFirstStatements: [],
    fullTextMatch(terms, includeInternalNotes) {
      const notes = includeInternalNotes ? sql`` : sql` and kind <> 'internal_note'`;
      // Each word's matches are taken newest first and at most FULL_TEXT_MATCH_BOUND of them
      // (FTS5 walks its rowids backwards for ORDER BY rowid DESC, so the cost is bounded too):
      // a word in every one of 1,000,000 messages took 6.2 s as an unbounded IN-set and 154–184 ms
      // bounded, both at a load average of 26 on 2 cores (docs/benchmarks.md). Rarer words are
      // found in every message.
      const newest = (table: 'case_subject_fts' | 'message_fts', query: string) =>
        table === 'case_subject_fts'
          ? sql<SqlBool>`cases.id in (select case_id from (select case_id from case_subject_fts where case_subject_fts match ${query} order by rowid desc limit ${FULL_TEXT_MATCH_BOUND}))`
          : sql<SqlBool>`cases.id in (select case_id from (select case_id from message_fts where message_fts match ${query}${notes} order by rowid desc limit ${FULL_TEXT_MATCH_BOUND}))`;
      const word = (t: string) => `"${t}"*`;
      const perTerm = terms.map((t) => sql<SqlBool>`(${newest('case_subject_fts', word(t))} or ${newest('message_fts', word(t))})`);
      if (terms.length === 1) return perTerm[0]!;
      // Several words: each anywhere in the case, or all of them in one message or subject. The
      // second is exact whenever one of the words is rare (FTS5 intersects the word lists
      // itself), so a rare word beside a common one is not lost to the bound.
      const all = terms.map(word).join(' AND ');
      return sql<SqlBool>`((${sql.join(perTerm, sql` and `)}) or ${newest('case_subject_fts', all)} or ${newest('message_fts', all)})`;
    },
    ping: async (db: Kysely<Database>) => {
      await sql`select 1`.execute(db);
    },
    purgeDeletedContent: async (db: Kysely<Database>) => {
      // 'optimize' merges the FTS5 segments into one: deleted words leave the index b-tree
      // (until then they sit in older segments behind a delete marker).
      await sql`insert into message_fts (message_fts) values ('optimize')`.execute(db);
      await sql`insert into case_subject_fts (case_subject_fts) values ('optimize')`.execute(db);
      // The WAL holds the old page images until a checkpoint copies the (zeroed) pages back and
      // TRUNCATE empties it; another process reading at this moment makes it partial.
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    },
    // One machine, one file: processes find each other's work by polling (1–2 s).
    notifications: false,
    notify: async () => undefined,
    listen: () => null,
    close: async () => {
      database.close();
    },
  };
}

import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';

/**
 * The desk's search takes each word's newest matches first and stops after a bound, so that a
 * word found in every message costs no more than a rare one (docs/benchmarks.md section 4).
 * SQLite's FTS5 tables of migration 003 already walk their rowids backwards; PostgreSQL's GIN
 * expression indexes cannot give their rows in any order, so PostgreSQL gets tables of stored
 * word vectors numbered in arrival order. The statements live in the dialect adapter beside
 * `fullTextMatch`, which reads what they build.
 */
export async function up(db: Kysely<any>, d: DialectAdapter): Promise<void> {
  for (const statement of d.fullTextNewestFirstStatements) await sql.raw(statement).execute(db);
}

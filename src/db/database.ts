import { Kysely, Migrator } from 'kysely';
import { resolve } from 'node:path';
import type { Database } from './schema.js';
import type { DialectAdapter } from './dialects/dialect-adapter.js';
import { createSqliteAdapter } from './dialects/sqlite.js';
import { createPostgresAdapter } from './dialects/postgres.js';
import { migrationProvider } from './migrations/index.js';
import { StripNulPlugin } from './strip-nul-plugin.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectAdapter;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** The file of a `sqlite:PATH` (or `file:PATH`) URL, absolute; null for any other database. */
export function sqliteFileOf(url: string): string | null {
  if (!url.startsWith('sqlite:') && !url.startsWith('file:')) return null;
  const path = url.replace(/^(sqlite|file):(\/\/)?/, '');
  return path === ':memory:' ? path : resolve(path);
}

/** Opens the database named by a `sqlite:PATH` or `postgres://…` URL. */
export function openDatabase(url: string, opts: { poolSize?: number } = {}): DatabaseHandle {
  let dialect: DialectAdapter;
  if (/^postgres(ql)?:\/\//.test(url)) dialect = createPostgresAdapter(url, opts);
  else if (sqliteFileOf(url) !== null) dialect = createSqliteAdapter(sqliteFileOf(url)!);
  else throw new Error(`unsupported database URL: ${url.split(':')[0]}:…`);
  const db = new Kysely<Database>({ dialect: dialect.kyselyDialect, plugins: [new StripNulPlugin()] });
  return {
    db,
    dialect,
    close: async () => {
      await db.destroy();
    },
  };
}

/** Checks the database answers; throws DatabaseUnavailableError with a readable message if not. */
export async function assertReachable(h: DatabaseHandle): Promise<void> {
  try {
    await h.dialect.ping(h.db);
  } catch (e) {
    throw new DatabaseUnavailableError(`database unreachable: ${(e as Error).message || String(e)}`, { cause: e });
  }
}

export interface MigrationOutcome {
  name: string;
  status: 'Success' | 'Error' | 'NotExecuted';
}

/** Brings the schema up to date. Returns what ran; throws on the first failing migration. */
export async function migrateToLatest(h: DatabaseHandle): Promise<MigrationOutcome[]> {
  await assertReachable(h);
  const migrator = new Migrator({
    db: h.db,
    provider: migrationProvider(h.dialect),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`migration failed: ${(error as Error).message ?? String(error)}`);
  return (results ?? []).map((r) => ({ name: r.migrationName, status: r.status }));
}

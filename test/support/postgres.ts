import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL server for the tests. `npm test` starts one for the whole run and passes its
 * URL in SUPPORTAL_TEST_PG_URL; a test file run on its own starts its own here.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function findPgBin(name: string): string {
  for (const dir of ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  const r = spawnSync('which', [name], { encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim();
  throw new Error(`PostgreSQL's ${name} was not found: install the Debian package "postgresql" (apt-get install postgresql)`);
}

export interface PostgresServer {
  url: string;
  stop(): void;
}

/** A throwaway cluster; `durable` keeps fsync and full-page writes on, as production runs (the benchmark). */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<PostgresServer> {
  const initdb = findPgBin('initdb');
  const pgCtl = findPgBin('pg_ctl');
  const dir = mkdtempSync(join(tmpdir(), 'supportal-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  if (asRoot) {
    const pw = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(pw), Number(gid));
  }
  const port = await freePort();
  run(initdb, ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // fsync off only in tests: durability of the server is not what these tests measure.
  const durability = opts.durable ? '' : ' -c fsync=off -c full_page_writes=off';
  run(pgCtl, ['-D', join(dir, 'data'), '-l', join(dir, 'pg.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durability} -c max_connections=300`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(pgCtl, ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let shared: Promise<string> | null = null;

/** The URL of the test server: the run's shared one, or one started for this process. */
export function postgresServerUrl(): Promise<string> {
  if (process.env.SUPPORTAL_TEST_PG_URL) return Promise.resolve(process.env.SUPPORTAL_TEST_PG_URL);
  shared ??= startPostgres().then((s) => {
    process.on('exit', () => s.stop());
    return s.url;
  });
  return shared;
}

let counter = 0;

/** A fresh, empty database on the test server; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const base = await postgresServerUrl();
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

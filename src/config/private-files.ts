import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from './config.js';

/**
 * The files only the service user may read: the data folder, the SQLite database with its WAL
 * and shared-memory files (every customer's mail), the generated secret (it signs Message-IDs and
 * sessions). New ones are created 0700/0600; older installations, or a copy restored with
 * another umask, may not be, so `serve` checks at start and warns: one line per path, with the
 * command that fixes it. It warns rather than refuses: a restart after an upgrade must not stop
 * the mail flow over a mode bit the admin can fix at leisure.
 */
export function privateFileWarnings(c: Config): string[] {
  const paths: Array<{ path: string; dir: boolean }> = [
    { path: c.dataDir, dir: true },
    { path: resolve(c.dataDir, 'secret.key'), dir: false },
  ];
  const sqlite = /^(sqlite|file):(\/\/)?(.+)$/.exec(c.databaseUrl);
  if (sqlite && sqlite[3] !== ':memory:') {
    const db = resolve(sqlite[3]!);
    if (dirname(db) !== c.dataDir) paths.push({ path: dirname(db), dir: true });
    for (const suffix of ['', '-wal', '-shm']) paths.push({ path: db + suffix, dir: false });
  }
  const warnings: string[] = [];
  for (const p of paths) {
    let mode: number;
    try {
      mode = statSync(p.path).mode & 0o777;
    } catch {
      continue; // not there (yet): nothing to protect
    }
    if ((mode & 0o077) === 0) continue;
    const want = p.dir ? '700' : '600';
    warnings.push(`${p.path} can be read by other users (mode ${mode.toString(8).padStart(3, '0')}); fix: chmod ${want} ${p.path}`);
  }
  return warnings;
}

import SQLite from 'better-sqlite3';
import { existsSync } from 'node:fs';

/**
 * Online backup and restore of the SQLite database through SQLite's backup API
 * (better-sqlite3's `.backup()`): consistent while `serve` keeps writing, without stopping it.
 * PostgreSQL is backed up with its own tools (pg_dump, base backups); see docs/operations.md.
 */
export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/**
 * Pages copied per step while the source is quiet: 2,048 pages (8 MiB at SQLite's 4 KiB page
 * size) keeps the progress moving on a terminal and lets the event loop breathe between steps.
 */
const PAGES_PER_STEP = 2048;
/** better-sqlite3 clamps to 0..0x7fffffff; this many pages means "all the rest in one step". */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the live database `sourceFile` into `targetFile` (which must not exist yet).
 *
 * SQLite restarts a stepwise backup whenever another connection (here: `serve`) writes to the
 * source between two steps, so under a steady stream of mail a stepwise copy might never end.
 * After the first restart the rest is therefore copied in one step: one read transaction, a
 * consistent snapshot, which in WAL mode does not hold up serve's writes.
 */
export async function backupSqlite(sourceFile: string, targetFile: string, onProgress?: (p: BackupProgress) => void): Promise<BackupProgress> {
  if (!existsSync(sourceFile)) throw new Error(`there is no database at ${sourceFile}`);
  if (existsSync(targetFile)) throw new Error(`${targetFile} exists already; a backup never overwrites`);
  const source = new SQLite(sourceFile, { fileMustExist: true, timeout: 10_000 });
  try {
    let lastRemaining = Infinity;
    let restarted = false;
    const done = await source.backup(targetFile, {
      progress(p) {
        if (p.remainingPages > lastRemaining) restarted = true;
        lastRemaining = p.remainingPages;
        onProgress?.(p);
        return restarted ? ALL_PAGES : PAGES_PER_STEP;
      },
    });
    onProgress?.(done);
    const check = checkIntegrity(targetFile);
    if (check !== 'ok') throw new Error(`the backup copy failed its integrity check: ${check}`);
    return done;
  } finally {
    source.close();
  }
}

/** `PRAGMA integrity_check` of a database file: 'ok' or the first problem it reports. */
export function checkIntegrity(file: string): string {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/**
 * Restores a backup copy into `targetFile`, which must not exist (nor its WAL): a restore never
 * overwrites a database. The copy is checked first, then written through the backup API and put
 * into WAL mode, as `serve` opens it.
 */
export async function restoreSqlite(backupFile: string, targetFile: string): Promise<void> {
  if (!existsSync(backupFile)) throw new Error(`there is no backup database at ${backupFile}`);
  for (const f of [targetFile, `${targetFile}-wal`]) {
    if (existsSync(f)) throw new Error(`${f} exists already; restore only into an empty data directory`);
  }
  const check = checkIntegrity(backupFile);
  if (check !== 'ok') throw new Error(`${backupFile} failed its integrity check: ${check}`);
  const backup = new SQLite(backupFile, { readonly: true, fileMustExist: true });
  try {
    await backup.backup(targetFile);
  } finally {
    backup.close();
  }
  const restored = new SQLite(targetFile, { fileMustExist: true });
  try {
    restored.pragma('journal_mode = WAL');
  } finally {
    restored.close();
  }
}

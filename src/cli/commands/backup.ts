import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../config/config.js';
import { sqliteFileOf } from '../../db/database.js';
import { backupSqlite, type BackupProgress } from '../../db/backup.js';
import { parse } from '../args.js';
import { CliFailure, printJson, printLine } from '../output.js';

const USAGE = 'supportal backup DIR [--json]';

/** The files of a backup directory (docs/operations.md, "Backup and restore"). */
export const BACKUP_DATABASE = 'supportal.sqlite';
export const BACKUP_SECRET = 'secret.key';

/** Thrown for PostgreSQL: exit 1 with one line that names the right tool. */
export function postgresHasItsOwnTools(command: 'backup' | 'restore'): CliFailure {
  return new CliFailure({
    de: `${command} kann nur SQLite; diese Installation läuft auf PostgreSQL: Nehmen Sie pg_dump/pg_restore oder Basis-Backups mit WAL-Archivierung (docs/operations.md, „Backup and restore“)`,
    en: `${command} handles SQLite only; this installation runs on PostgreSQL: use pg_dump/pg_restore or base backups with WAL archiving (docs/operations.md, "Backup and restore")`,
  });
}

/**
 * The key the installation signs Message-IDs and plus addresses with: the data dir's secret.key,
 * else SUPPORTAL_SECRET (environment or config file). When neither exists, loadConfig makes up a
 * new random key on every call; two calls that disagree reveal that, and such a key must never
 * go into a backup.
 */
function secretInUse(config: Config): string {
  const file = join(config.dataDir, BACKUP_SECRET);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (loadConfig(process.env, { createSecret: false }).secret === config.secret) return config.secret;
  throw new CliFailure({ de: `es gibt kein ${file}, und SUPPORTAL_SECRET ist nicht gesetzt: Es gibt keinen Schlüssel zu sichern (lief serve je mit diesem Datenverzeichnis?)`, en: `there is no ${file} and SUPPORTAL_SECRET is not set: nothing to back up the key from (has serve ever run with this data directory?)` });
}

/**
 * `supportal backup DIR`: an online, consistent copy of the SQLite database plus the secret key,
 * into a new directory DIR (mode 0700; the key makes it as sensitive as the data dir). Safe while
 * `serve` runs. Progress goes to stderr, only on a terminal.
 */
export async function backupCommand(argv: string[]): Promise<number> {
  const { positionals, json } = parse(argv, {}, USAGE, 1);
  const dir = resolve(positionals[0]!);
  const config = loadConfig(process.env, { createSecret: false });
  const source = sqliteFileOf(config.databaseUrl);
  if (source === null) throw postgresHasItsOwnTools('backup');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CliFailure({ de: `${dir} gibt es und ist nicht leer; eine Sicherung überschreibt nie etwas`, en: `${dir} exists and is not empty; a backup never overwrites` });
  const secret = secretInUse(config);
  const createdDir = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const showProgress = process.stderr.isTTY === true;
  const progress = (p: BackupProgress) => {
    if (!showProgress || p.totalPages === 0) return;
    const pct = Math.floor(((p.totalPages - p.remainingPages) / p.totalPages) * 100);
    process.stderr.write(`\rbackup: ${String(pct).padStart(3)} % of ${p.totalPages} pages`);
  };
  let done: BackupProgress;
  try {
    writeFileSync(join(dir, BACKUP_SECRET), secret + '\n', { mode: 0o600, flag: 'wx' });
    done = await backupSqlite(source, join(dir, BACKUP_DATABASE), progress);
  } catch (e) {
    // Nothing half-made stays behind to be mistaken for a backup.
    if (createdDir) rmSync(dir, { recursive: true, force: true });
    else for (const f of [BACKUP_SECRET, BACKUP_DATABASE]) rmSync(join(dir, f), { force: true });
    throw e;
  } finally {
    if (showProgress) process.stderr.write('\n');
  }
  if (json) printJson({ dir, database: join(dir, BACKUP_DATABASE), secretKey: join(dir, BACKUP_SECRET), pages: done.totalPages });
  else printLine(`backed up ${source} (${done.totalPages} pages) and its secret key into ${dir}`);
  return 0;
}

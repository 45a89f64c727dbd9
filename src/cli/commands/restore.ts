import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { sqliteFileOf } from '../../db/database.js';
import { restoreSqlite } from '../../db/backup.js';
import { parse } from '../args.js';
import { CliFailure, printJson, printLine } from '../output.js';
import { BACKUP_DATABASE, BACKUP_SECRET, postgresHasItsOwnTools } from './backup.js';

const USAGE = 'supportal restore DIR [--json]';

/**
 * `supportal restore DIR`: puts a `supportal backup` directory back into the configured data
 * directory. Only into an empty one: an existing database or secret key is never overwritten
 * (exit 1). Run it with serve stopped; serve migrates the restored database when it starts.
 */
export async function restoreCommand(argv: string[]): Promise<number> {
  const { positionals, json } = parse(argv, {}, USAGE, 1);
  const dir = resolve(positionals[0]!);
  const config = loadConfig(process.env, { createSecret: false });
  const target = sqliteFileOf(config.databaseUrl);
  if (target === null) throw postgresHasItsOwnTools('restore');
  const backupDb = join(dir, BACKUP_DATABASE);
  const backupKey = join(dir, BACKUP_SECRET);
  if (!existsSync(backupDb) || !existsSync(backupKey)) throw new CliFailure({ de: `${dir} ist keine Supportal-Sicherung: Sie braucht ${BACKUP_DATABASE} und ${BACKUP_SECRET}`, en: `${dir} is not a supportal backup: it needs ${BACKUP_DATABASE} and ${BACKUP_SECRET}` });
  const key = join(config.dataDir, BACKUP_SECRET);
  for (const f of [target, `${target}-wal`, key]) {
    if (existsSync(f)) throw new CliFailure({ de: `${f} gibt es bereits; stellen Sie nur in ein leeres Datenverzeichnis wieder her (nichts wurde geändert)`, en: `${f} exists already; restore only into an empty data directory (nothing was changed)` });
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  await restoreSqlite(backupDb, target);
  writeFileSync(key, readFileSync(backupKey, 'utf8').trim() + '\n', { mode: 0o600, flag: 'wx' });
  if (json) printJson({ database: target, secretKey: key });
  else printLine(`restored ${dir} into ${target} and ${key}; start serve (it migrates the database if needed)`);
  return 0;
}

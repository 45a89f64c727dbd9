import type { Runtime } from '../composition.js';
import { CliFailure, UsageError, cliLanguage, endQuietlyOnClosedPipe, noDatabaseLine } from './output.js';
import type { CommandRun } from './command-table.js';

/** Exit codes: 0 done, 1 failed (one readable line), 2 usage, 75 temporary failure (ingest). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  endQuietlyOnClosedPipe();
  // The MTA starts `ingest` once per mail: it goes to its module without the command table, and
  // the error registry is loaded only for an error (0.7 ms of an ingest's ~40 ms CPU, measured;
  // docs/benchmarks.md section 2).
  const table = name === 'ingest' ? null : await import('./command-table.js');
  const command = name === undefined ? undefined : table?.findCommand(name);
  let runtime: Runtime | null = null;
  const rt = async () => {
    if (!runtime) {
      const [{ loadConfig }, { createRuntime }, { sqliteFileOf }, { existsSync }] = await Promise.all([
        import('../config/config.js'),
        import('../composition.js'),
        import('../db/database.js'),
        import('node:fs'),
      ]);
      const config = loadConfig(process.env, { createSecret: false });
      // Opening SQLite creates the file: a mistyped SUPPORTAL_DATA_DIR would list an empty, new database.
      const file = sqliteFileOf(config.databaseUrl);
      if (command && table?.onlyReads(command, rest[0]) && file !== null && !existsSync(file)) throw new CliFailure(noDatabaseLine(file));
      runtime = await createRuntime({ createSecret: true });
    }
    return runtime;
  };
  try {
    let run: CommandRun;
    if (!table) run = (await import('./commands/ingest.js')).ingestCommand;
    else {
      if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
        process.stdout.write(table.usageText() + '\n');
        return name === undefined ? 2 : 0;
      }
      if (!command) throw new UsageError({ de: `unbekannter Befehl „${name}“\n${table.usageText()}`, en: `unknown command "${name}"\n${table.usageText()}` });
      run = await command.load();
    }
    return await run(rest, rt);
  } catch (e) {
    return await reportError(e);
  } finally {
    if (runtime) await (runtime as Runtime).close().catch(() => undefined);
  }
}

/** Prints a failure as one line (usage errors add their synopses) in cliLanguage(); returns the exit code. */
export async function reportError(e: unknown): Promise<number> {
  const lang = cliLanguage();
  if (e instanceof CliFailure) {
    process.stderr.write(`supportal: ${e.text[lang]}\n`);
    return 1;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`supportal: ${e.text[lang]}\n`);
    return 2;
  }
  // Imported here, not up front, so that `--help` loads neither zod nor the database drivers and
  // `ingest` not the error registry; on this path the command has loaded them already.
  const [{ ConfigError }, { DatabaseUnavailableError }, { AppError }] = await Promise.all([import('../config/config.js'), import('../db/database.js'), import('../app/errors.js')]);
  if (e instanceof AppError) {
    process.stderr.write(`supportal: ${e.text[lang]}\n`);
    return 1;
  }
  if (e instanceof DatabaseUnavailableError) {
    // The driver's own reason (ECONNREFUSED, a wrong password) stays as the driver says it.
    const reason = e.cause instanceof Error && e.cause.message ? e.cause.message : String(e.cause ?? '');
    process.stderr.write(`supportal: ${lang === 'de' && reason ? `Datenbank nicht erreichbar: ${reason}` : e.message}\n`);
    return 1;
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`supportal: ${e.text[lang]}\n`);
    return 1;
  }
  const msg = (e as Error)?.message ?? String(e);
  process.stderr.write(`supportal: ${msg.split('\n')[0]}\n`);
  if (process.env.SUPPORTAL_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
  return 1;
}

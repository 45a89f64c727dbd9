import { ConfigError, loadConfig } from '../config/config.js';
import { AppError } from '../app/errors.js';
import { DatabaseUnavailableError } from '../db/database.js';
import { createRuntime, type Runtime } from '../composition.js';
import { UsageError } from './output.js';
import { printConfigCommand } from './commands/config.js';
import { migrateCommand } from './commands/migrate.js';
import { userCommand } from './commands/user.js';
import { caseCommand } from './commands/case.js';
import { demoCommand } from './commands/demo.js';
import { serveCommand } from './commands/serve.js';
import { outboxCommand } from './commands/outbox.js';
import { COMMANDS_WITH_RUNTIME_EXTRA } from './commands/extra.js';

const USAGE = `usage: supportal <command> [options]
commands:
  serve                      run the web server, SMTP/LMTP listeners and workers
  migrate                    bring the database schema up to date
  demo                       add demo data (idempotent) and print the logins
  print-config               show the resolved settings (secrets masked)
  user add|list              manage users
  case open|show|list|close|reopen|reply
  outbox list|show|retry     outbound mails
  ingest [--file F]          process one mail from stdin (MTA pipe)
  mail log|show|reprocess    inbound mails
  jobs list|retry            background jobs and the dead-letter queue
  person show|export|erase EMAIL   data protection: what is stored, a ZIP of it, erasure
Every listing takes --json. See docs/cli.md.`;

/** Exit codes: 0 done, 1 failed (one readable line), 2 usage, 75 temporary failure (ingest). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let runtime: Runtime | null = null;
  const rt = async () => {
    if (!runtime) {
      loadConfig(process.env, { createSecret: false });
      runtime = await createRuntime({ createSecret: true });
    }
    return runtime;
  };
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest);
      case 'migrate':
        return await migrateCommand(rest);
      case 'print-config':
        return await printConfigCommand(rest);
      case 'demo':
        return await demoCommand(rest, rt);
      case 'user':
        return await userCommand(rest, rt);
      case 'case':
        return await caseCommand(rest, rt);
      case 'outbox':
        return await outboxCommand(rest, rt);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default: {
        const extra = COMMANDS_WITH_RUNTIME_EXTRA[command];
        if (extra) return await extra(rest, rt);
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
      }
    }
  } catch (e) {
    return reportError(e);
  } finally {
    if (runtime) await (runtime as Runtime).close().catch(() => undefined);
  }
}

export function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`supportal: ${e.message}\n`);
    return 2;
  }
  if (e instanceof ConfigError || e instanceof AppError || e instanceof DatabaseUnavailableError) {
    process.stderr.write(`supportal: ${e.message}\n`);
    return 1;
  }
  const msg = (e as Error)?.message ?? String(e);
  process.stderr.write(`supportal: ${msg.split('\n')[0]}\n`);
  if (process.env.SUPPORTAL_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
  return 1;
}

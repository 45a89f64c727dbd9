import type { Runtime } from '../composition.js';

/** A command's entry point: its arguments, and the runtime (database, settings), opened on first use. */
export type CommandRun = (argv: string[], runtime: () => Promise<Runtime>) => Promise<number>;

export interface CliCommand {
  /** The first word after `supportal`. */
  name: string;
  /** What follows the name in the usage text (subcommands, the main options). */
  usage: string;
  /** One line for the usage text. The CLI is an operator's tool and prints English only. */
  summary: string;
  /**
   * Imports the command's module when it runs, not before: `--help` and `print-config` then load
   * neither the database drivers nor the mail parser (`--help`: 185 MB and 1.1 s before, when
   * every command was imported up front).
   */
  load: () => Promise<CommandRun>;
  /**
   * The subcommands that only read (`''` for a command without subcommands): on a data directory
   * without a database they stop with one line instead of creating an empty database to list.
   */
  reads?: readonly string[];
}

/** Every `supportal` command, in the order the usage text lists them. */
export const COMMANDS: readonly CliCommand[] = [
  { name: 'serve', usage: '[--roles web,smtp,lmtp,worker,imap]', summary: 'run the web server, SMTP/LMTP listeners and workers (all roles by default)', load: () => import('./commands/serve.js').then((m) => m.serveCommand) },
  { name: 'migrate', usage: '', summary: 'bring the database schema up to date', load: () => import('./commands/migrate.js').then((m) => m.migrateCommand) },
  { name: 'demo', usage: '', summary: 'add demo data (idempotent) and print the logins', load: () => import('./commands/demo.js').then((m) => m.demoCommand) },
  { name: 'print-config', usage: '', summary: 'show the resolved settings (secrets masked)', load: () => import('./commands/print-config.js').then((m) => m.printConfigCommand) },
  { name: 'user', usage: 'add|list', summary: 'manage users', load: () => import('./commands/user.js').then((m) => m.userCommand), reads: ['list'] },
  { name: 'case', usage: 'open|show|list|close|reopen|reply', summary: 'support cases', load: () => import('./commands/case.js').then((m) => m.caseCommand), reads: ['show', 'list'] },
  { name: 'outbox', usage: 'list|show|retry', summary: 'outbound mails', load: () => import('./commands/outbox.js').then((m) => m.outboxCommand), reads: ['list', 'show'] },
  { name: 'ingest', usage: '[--file F]', summary: 'process one mail from stdin (MTA pipe)', load: () => import('./commands/ingest.js').then((m) => m.ingestCommand) },
  { name: 'mail', usage: 'log|show|reprocess', summary: 'inbound mails', load: () => import('./commands/mail.js').then((m) => m.mailCommand), reads: ['log', 'show'] },
  { name: 'jobs', usage: 'list|retry', summary: 'background jobs and the dead-letter queue', load: () => import('./commands/jobs.js').then((m) => m.jobsCommand), reads: ['list'] },
  { name: 'person', usage: 'show|export|erase EMAIL', summary: 'data protection: what is stored, a ZIP of it, erasure', load: () => import('./commands/person.js').then((m) => m.personCommand), reads: ['show', 'export'] },
  { name: 'backup', usage: 'DIR', summary: 'online copy of the SQLite database and the secret key', load: () => import('./commands/backup.js').then((m) => m.backupCommand) },
  { name: 'restore', usage: 'DIR', summary: 'restore a backup into an empty data directory', load: () => import('./commands/restore.js').then((m) => m.restoreCommand) },
];

/** The text `supportal --help` prints, generated from the table. */
export function usageText(commands: readonly CliCommand[] = COMMANDS): string {
  const heads = commands.map((c) => (c.usage ? `${c.name} ${c.usage}` : c.name));
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  const lines = commands.map((c, i) => `  ${heads[i]!.padEnd(width)}${c.summary}`);
  return ['usage: supportal <command> [options]', 'commands:', ...lines, 'Every listing takes --json. See docs/cli.md.'].join('\n');
}

/** Whether `supportal <name> <sub>` only reads the database. */
export function onlyReads(command: CliCommand, sub: string | undefined): boolean {
  return command.reads?.includes(sub ?? '') ?? false;
}

export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}

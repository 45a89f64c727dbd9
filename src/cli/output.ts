/** CLI output conventions: JSON alone on stdout with --json; human text otherwise. */
import type { Text } from '../app/errors.js';

/**
 * A wrong call (exit 2), said in German and English; main prints the side of cliLanguage().
 * `message` is the English side, for stack traces.
 */
export class UsageError extends Error {
  readonly text: Text;
  constructor(text: Text) {
    super(text.en);
    this.name = 'UsageError';
    this.text = text;
  }
}

/** A command that cannot go on, said in one line (exit 1), in German and English. */
export class CliFailure extends Error {
  readonly text: Text;
  constructor(text: Text, options?: ErrorOptions) {
    super(text.en, options);
    this.name = 'CliFailure';
    this.text = text;
  }
}

/**
 * A sentence followed by the usage synopses: the synopses are command syntax and read the same in
 * both languages; only the sentence and the word before them are translated.
 *
 * Usage:
 *   throw new UsageError(withUsage({ de: 'fehlt: --email', en: 'missing --email' }, ADD));
 *   throw new UsageError(withUsage(null, ADD, LIST));
 */
export function withUsage(sentence: Text | null, ...synopses: string[]): Text {
  const lines = (word: string) => synopses.map((u, i) => (i === 0 ? `${word} ${u}` : `${' '.repeat(word.length)} ${u}`)).join('\n');
  const before = (lang: keyof Text) => (sentence ? `${sentence[lang]}\n` : '');
  return { de: `${before('de')}${lines('Aufruf:')}`, en: `${before('en')}${lines('usage:')}` };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLine(line = ''): void {
  process.stdout.write(line + '\n');
}

/**
 * A fixed-width table for listings: cells are cut at 60 characters, except in the `whole` columns
 * (an id to copy, such as the Message-ID, is useless cut short).
 */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[], whole: readonly string[] = []): void {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v)).replace(/[\r\n\t]+/g, ' ');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length))).map((w, i) => (whole.includes(columns[i]!) ? w : Math.min(60, w)));
  const fmt = (vals: string[]) => vals.map((v, i) => (v.length > widths[i]! ? v.slice(0, widths[i]! - 1) + '…' : v.padEnd(widths[i]!))).join('  ').trimEnd();
  printLine(fmt(columns.map((c) => c.toUpperCase())));
  for (const r of rows) printLine(fmt(columns.map((c) => cell(r[c]))));
}

/**
 * `supportal outbox list | head` closes the pipe while we still write: the next write fails with
 * EPIPE, which without a listener ends in a stack trace. A reader that has all it wants is no
 * failure, so we stop quietly with the exit code so far (0), as `ls | head` does.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** The language of every failure and usage line the CLI prints: SUPPORTAL_LANG, else LC_ALL, LC_MESSAGES, LANG. */
export function cliLanguage(env: Record<string, string | undefined> = process.env): 'de' | 'en' {
  const tag = env.SUPPORTAL_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^de\b|^de[_-]/i.test(tag) ? 'de' : 'en';
}

/** The message when a read command finds no database where SUPPORTAL_DATA_DIR points. */
export function noDatabaseLine(file: string): Text {
  return {
    de: `keine Datenbank in ${file}: prüfen Sie SUPPORTAL_DATA_DIR, oder legen Sie sie mit \`supportal migrate\` (leer) oder \`supportal demo\` an`,
    en: `no database at ${file}: check SUPPORTAL_DATA_DIR, or create one with \`supportal migrate\` (empty) or \`supportal demo\``,
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Socket } from 'node:net';
import { BIN, cli } from './cli.js';
import { freePort } from './postgres.js';
import { answers, waitForExit } from './service-process.js';

/**
 * A real `supportal serve` child process on SQLite with its SMTP listener on a free loopback
 * port, started from the command line exactly as an operator (or systemd) starts it.
 */
export interface ServeProcess {
  child: ChildProcess;
  smtpPort: number;
  /** Everything it wrote to stderr so far (its JSON log). */
  log(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment of a fresh installation in a new temporary data directory. */
export async function serveEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    SUPPORTAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'supportal-serve-')),
    SUPPORTAL_HTTP_PORT: String(await freePort()),
    SUPPORTAL_SMTP_PORT: String(await freePort()),
    SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
    SUPPORTAL_SENDER_AUTH: 'off',
    SUPPORTAL_LOG_LEVEL: 'info',
    // Every test mail gets its receipt: the loop breaker's default of 30 an hour would cap them.
    SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '10000',
    ...extra,
  };
}

/** A customer with one open case; returns the case number. */
export function customerWithCase(env: Record<string, string>, email: string): number {
  const add = cli(['user', 'add', '--role', 'customer', '--email', email, '--name', 'Kim Kunde'], env);
  if (add.status !== 0) throw new Error(`user add failed: ${add.stderr}`);
  const open = cli(['case', 'open', '--customer', email, '--subject', 'Export', '--body', 'Export bricht ab.'], env);
  if (open.status !== 0) throw new Error(`case open failed: ${open.stderr}`);
  return Number(open.stdout.trim());
}

export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const smtpPort = Number(env.SUPPORTAL_SMTP_PORT);
  const deadline = Date.now() + 60_000;
  while (!(await answers(smtpPort, (r) => (r.includes('\n') ? r.startsWith('220') : null)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
      throw new Error(`serve did not come up: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, smtpPort, log: () => stderr, exited };
}

/**
 * A hand-driven SMTP client: sends lines and reads replies one at a time, so that a test can
 * stop in the middle of DATA.
 */
export interface SmtpDialog {
  /** Sends `line` + CRLF (nothing when null) and waits for the next complete reply. */
  command(line: string | null): Promise<string>;
  write(bytes: string): void;
  /** The next complete reply, or null when the server closed the connection first. */
  reply(): Promise<string | null>;
  close(): void;
}

export async function smtpDialog(port: number): Promise<SmtpDialog> {
  const socket: Socket = createConnection(port, '127.0.0.1');
  let buffer = '';
  let ended = false;
  let notify: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    buffer += d.toString('latin1');
    notify?.();
  });
  const onEnd = () => {
    ended = true;
    notify?.();
  };
  socket.on('close', onEnd);
  socket.on('error', onEnd);
  const reply = async (): Promise<string | null> => {
    for (;;) {
      // A complete reply ends with a line "NNN text" (no dash after the code).
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(buffer);
      if (m) {
        buffer = buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      if (ended) return null;
      await new Promise<void>((resolve) => (notify = resolve));
      notify = null;
    }
  };
  const greeting = await reply();
  if (!greeting?.startsWith('220')) throw new Error(`no greeting: ${greeting}`);
  return {
    async command(line) {
      if (line !== null) socket.write(line + '\r\n');
      const r = await reply();
      if (r === null) throw new Error(`connection closed after ${line}`);
      return r;
    },
    write: (bytes) => void socket.write(bytes),
    reply,
    close: () => socket.destroy(),
  };
}

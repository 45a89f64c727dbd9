import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Socket } from 'node:net';
import { BIN, cli } from './cli.js';
import { freePort } from './postgres.js';

/**
 * A real `supportal serve` child process, started from the command line exactly as an operator
 * (or systemd) starts it, its JSON log lines collected as they come.
 */
export interface ServeProcess {
  child: ChildProcess;
  /** The SMTP port from the environment (NaN when it has none). */
  smtpPort: number;
  /** Every log line so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Everything it wrote to stderr so far (its JSON log), as text. */
  log(): string;
  /** Everything it wrote to stdout so far (the start banner), as text. */
  stdout(): string;
  /** Waits until a log line satisfies `match` (rejects after `ms` with the log so far). */
  waitForLine(match: (l: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
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

/** Starts `supportal serve` with `args` (e.g. `['--roles', 'worker']`) and waits for its "supportal is up". */
export async function startServe(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  let text = '';
  let all = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const parsed: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
    all += c.toString();
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, nl);
      text = text.slice(nl + 1);
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        parsed.push({ raw: line });
      }
    }
    for (const w of waiters) w();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const s: ServeProcess = {
    child,
    smtpPort: Number(env.SUPPORTAL_SMTP_PORT),
    lines: () => parsed,
    log: () => all,
    stdout: () => out,
    exited,
    waitForLine(match, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = parsed.find(match);
          if (hit) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such log line within ${ms} ms; log:\n${parsed.map((l) => JSON.stringify(l)).join('\n')}`));
        }, ms);
        waiters.add(check);
        check();
        child.once('exit', () => check());
      });
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
  await s.waitForLine((l) => l.msg === 'supportal is up', 60_000);
  return s;
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

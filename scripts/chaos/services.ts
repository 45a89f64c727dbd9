/**
 * The services the fault campaign (scripts/chaos.ts) runs and breaks on purpose: a throwaway
 * PostgreSQL it can stop and start on the same port, a clamd it can stop and start on the same
 * port, a relay whose answer it sets, a size-limited file system for the data directory, and a
 * compiled `supportal serve` in a process group of its own, so that SIGKILL takes all of it.
 * Everything listens on 127.0.0.1 only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { COMPILED_BIN } from '../../test/support/cli.js';
import { answers, findExecutable, waitForExit } from '../../test/support/service-process.js';
import { EICAR } from '../../test/support/clamd.js';
import { freePort } from '../../test/support/postgres.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A failure to set up the campaign: printed as one line, exit 2. */
export class SetupError extends Error {}

function pgBin(name: string): string {
  const dirs = ['/usr/local/bin', ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : [])];
  for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  const found = findExecutable(name);
  if (found) return found;
  throw new SetupError(`PostgreSQL's ${name} was not found: install the Debian package postgresql`);
}

export interface ChaosPostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** A PostgreSQL of its own (initdb + pg_ctl), stopped and started again on the same port. */
export async function startChaosPostgres(): Promise<ChaosPostgres> {
  const initdb = pgBin('initdb');
  const pgCtl = pgBin('pg_ctl');
  const dir = mkdtempSync(join(tmpdir(), 'supportal-chaos-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' }));
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const port = await freePort();
  run(initdb, ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // fsync stays on: the campaign stops the server, it does not cut its power, but it costs little here.
  const start = () => run(pgCtl, ['-D', join(dir, 'data'), '-l', join(dir, 'pg.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start']);
  start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // "fast": the server ends every session at once, as a failover or an operator's restart does.
    stop() {
      if (!running) return;
      run(pgCtl, ['-D', join(dir, 'data'), '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    start() {
      if (running) return;
      start();
      running = true;
    },
    destroy() {
      try {
        if (running) run(pgCtl, ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already down
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ChaosClamd {
  target: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** clamd with the one-signature database of test/support/clamd.ts, on a port that stays the same across restarts. */
export async function startChaosClamd(): Promise<ChaosClamd> {
  const binary = findExecutable('clamd');
  if (binary === null) throw new SetupError('clamd not found: install the Debian package clamav-daemon');
  const dir = mkdtempSync(join(tmpdir(), 'supportal-chaos-clamd-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', 'test.ndb'), `Test.EICAR.NDB:0:*:${EICAR.toString('hex')}\n`);
  const port = await freePort();
  const config = join(dir, 'clamd.conf');
  writeFileSync(
    config,
    ['Foreground yes', `LogFile ${join(dir, 'clamd.log')}`, `PidFile ${join(dir, 'clamd.pid')}`, `TemporaryDirectory ${dir}`, `DatabaseDirectory ${join(dir, 'db')}`, `TCPSocket ${port}`, 'TCPAddr 127.0.0.1', 'ScanArchive yes', 'SelfCheck 0', ''].join('\n'),
  );
  let child: ChildProcess | null = null;
  const ping = () => answers(port, (r) => (r.includes('\0') ? r.startsWith('PONG') : null), 'zPING\0');
  const start = async () => {
    if (child) return;
    child = spawn(binary, [`--config-file=${config}`], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!(await ping())) {
      if (child.exitCode !== null || Date.now() > deadline) throw new SetupError(`clamd did not come up on port ${port} (see ${join(dir, 'clamd.log')})`);
      await sleep(50);
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c) return;
    c.kill('SIGTERM');
    if (!(await waitForExit(c, 5000))) c.kill('SIGKILL');
    await waitForExit(c, 5000);
  };
  await start();
  return {
    target: `tcp://127.0.0.1:${port}`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type RelayMode = 'accept' | 'tempfail' | 'permfail' | 'silent';

/** One mail that reached the end of DATA at the relay, and the final answer it got (null: none, the relay stayed silent). */
export interface RelayedMail {
  messageId: string | null;
  inReplyTo: string | null;
  answer: number | null;
}

export interface ChaosRelay {
  url: string;
  mode: RelayMode;
  readonly mails: RelayedMail[];
  stop(): Promise<void>;
}

function header(raw: string, name: string): string | null {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/) >>> 0);
  const m = new RegExp(`^${name}:[ \\t]*(?:\\r?\\n[ \\t]+)?<?([^\\s<>]+)>?`, 'im').exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * The outbound relay: a real SMTP server whose answer at the end of DATA the campaign sets. In
 * `silent` mode it takes the whole mail and never answers, so the sender's socket timeout ends it;
 * such a mail counts as not handed over (the sender keeps it and tries again).
 */
export async function startChaosRelay(): Promise<ChaosRelay> {
  const mails: RelayedMail[] = [];
  const relay = {
    mode: 'accept' as RelayMode,
    mails,
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream: SMTPServerDataStream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const mail: RelayedMail = { messageId: header(raw, 'message-id'), inReplyTo: header(raw, 'in-reply-to'), answer: null };
        mails.push(mail);
        const mode = relay.mode;
        if (mode === 'silent') return; // never answered: the client times out
        const refuse = (code: number, text: string) => done(Object.assign(new Error(text), { responseCode: code }));
        mail.answer = mode === 'accept' ? 250 : mode === 'tempfail' ? 451 : 550;
        if (mode === 'accept') done(null);
        else if (mode === 'tempfail') refuse(451, '4.3.0 the relay is busy, try again later');
        else refuse(550, '5.7.1 the relay refuses this mail');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return Object.assign(relay, {
    url: `smtp://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.server.close(() => resolve());
        for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
      }),
  });
}

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the file system is full; returns the bytes it took. */
  fill(): number;
  free(): void;
  destroy(): void;
}

/** A tmpfs of `sizeMiB` (mount needs root), mode 700 as serve wants its data directory. */
export function mountSmallDisk(sizeMiB: number): SmallDisk {
  if (process.getuid?.() !== 0) throw new SetupError('the campaign mounts a size-limited tmpfs for the data directory: run it as root');
  const dir = mkdtempSync(join(tmpdir(), 'supportal-chaos-data-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(1024 * 1024);
      let bytes = 0;
      try {
        for (;;) bytes += writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
      return bytes;
    },
    free() {
      if (existsSync(filler)) unlinkSync(filler);
    },
    destroy() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The compiled `supportal serve`, restarted after each kill; its JSON log goes to a file. */
export class ServeSupervisor {
  private child: ChildProcess | null = null;
  /** Exits that the campaign did not cause (a crash would show here). */
  unexpectedExits: string[] = [];
  kills = 0;
  /** A restart after an exit of its own, in progress. */
  restarting: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  private starting: Promise<void> | null = null;

  /** Starts serve (once, however many callers ask at the same time). */
  start(): Promise<void> {
    if (this.child) return Promise.resolve();
    this.starting ??= this.startOnce().finally(() => (this.starting = null));
    return this.starting;
  }

  /** Retries while a fault (database down, disk full) keeps serve from coming up. */
  private async startOnce(deadlineMs = 120_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const child = spawn(process.execPath, [COMPILED_BIN, 'serve'], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      const log = createWriteStream(this.logFile, { flags: 'a' });
      let seen = '';
      let tail = '';
      const up = await new Promise<boolean>((resolve) => {
        child.stderr!.on('data', (c: Buffer) => {
          log.write(c);
          tail = (tail + c.toString()).slice(-4000);
          if (seen !== 'up') {
            seen += c.toString();
            if (seen.includes('"supportal is up"')) {
              seen = 'up';
              resolve(true);
            } else if (seen.length > 1_000_000) seen = seen.slice(-10_000);
          }
        });
        child.once('exit', () => resolve(false));
      });
      if (up) {
        this.child = child;
        child.once('exit', (code, signal) => {
          if (this.child === child) {
            this.child = null;
            // Its last words: the fatal log line or the uncaught exception's stack.
            const fatal = tail.trim().split('\n').filter((l) => /"level":[56]0/.test(l)).slice(-1)[0];
            this.unexpectedExits.push(`serve exited by itself (${code ?? signal}): ${fatal ?? tail.trim().slice(-1500)}`);
            // As systemd would (deploy/supportal.service, Restart=on-failure).
            this.restarting = sleep(1000)
              .then(() => this.start())
              .catch((e: Error) => void this.unexpectedExits.push(`restart failed: ${e.message}`));
          }
          log.end();
        });
        return;
      }
      log.end();
      if (Date.now() > deadline) throw new Error(`serve did not come up within ${deadlineMs} ms; see ${this.logFile}`);
      await sleep(500);
    }
  }

  /** SIGKILL of the whole process group: nothing in serve gets to react. */
  async kill(): Promise<void> {
    // A restart in progress finishes first, so that no serve is left behind unseen.
    await this.restarting;
    await this.starting;
    const child = this.child;
    this.child = null;
    if (!child) return;
    this.kills++;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitForExit(child, 10_000);
  }

  /** SIGTERM and the graceful stop (RELIABILITY C7). */
  async stop(): Promise<void> {
    await this.restarting;
    await this.starting;
    const child = this.child;
    this.child = null;
    if (!child) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 30_000))) {
      process.kill(-child.pid!, 'SIGKILL');
      await waitForExit(child, 10_000);
    }
  }
}

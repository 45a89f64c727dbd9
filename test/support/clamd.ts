import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Starts a private clamd for tests: its own temp dir, config and a one-signature database, so
 * that no downloaded virus definitions are needed. The signature is a body (.ndb) signature of
 * the EICAR test string, which also matches EICAR inside a ZIP or in the middle of a larger file.
 * A missing clamd is an error, never a skip: a silently skipped scanner test proves nothing.
 */

export interface ClamdHandle {
  /** `tcp://127.0.0.1:PORT` */
  target: string;
  socketPath: string;
  /** clamd's StreamMaxLength in bytes; a longer INSTREAM is refused with an ERROR. */
  streamMaxLength: number;
  stop(): Promise<void>;
}

export interface StartClamdOptions {
  /** Default 25 MiB, the product's message size limit. */
  streamMaxLength?: number;
}

/** Built from halves so that this source file itself does not look like the test virus. */
export const EICAR = Buffer.from(
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
  'latin1',
);

const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 25;

function findClamd(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'clamd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('zPING\0'));
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (reply.includes('\0')) done(reply.startsWith('PONG'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startClamd(options: StartClamdOptions = {}): Promise<ClamdHandle> {
  const binary = findClamd();
  if (binary === null) {
    throw new Error('clamd not found: install the Debian package clamav-daemon (apt-get install clamav-daemon)');
  }
  const streamMaxLength = options.streamMaxLength ?? 25 * 1024 * 1024;
  const dir = await mkdtemp(join(tmpdir(), 'clamd-'));
  await mkdir(join(dir, 'db'));
  await writeFile(join(dir, 'db', 'test.ndb'), `Test.EICAR.NDB:0:*:${EICAR.toString('hex')}\n`);
  const socketPath = join(dir, 'clamd.sock');

  // A port picked free can be taken before clamd binds it; then clamd exits and we try another.
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = [
      'Foreground yes',
      `LogFile ${join(dir, 'clamd.log')}`,
      'LogTime yes',
      `PidFile ${join(dir, 'clamd.pid')}`,
      `TemporaryDirectory ${dir}`,
      `DatabaseDirectory ${join(dir, 'db')}`,
      `LocalSocket ${socketPath}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'ScanArchive yes',
      `StreamMaxLength ${streamMaxLength}`,
      `MaxFileSize ${streamMaxLength}`,
      `MaxScanSize ${4 * streamMaxLength}`,
      'AlertExceedsMax yes',
      'SelfCheck 0',
      '',
    ].join('\n');
    const configPath = join(dir, 'clamd.conf');
    await writeFile(configPath, config);

    const child = spawn(binary, [`--config-file=${configPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => {
      lastError = err.message;
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await pingOnce(port)) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (ready) {
      // A crashed test run must not leave a clamd behind.
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      return {
        target: `tcp://127.0.0.1:${port}`,
        socketPath,
        streamMaxLength,
        async stop() {
          process.off('exit', killOnExit);
          child.kill('SIGTERM');
          if (!(await waitForExit(child, 5000))) {
            child.kill('SIGKILL');
            await waitForExit(child, 5000);
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    await waitForExit(child, 5000);
    const log = await readFile(join(dir, 'clamd.log'), 'utf8').catch(() => '');
    lastError = `${lastError} ${stderr} ${log.split('\n').slice(-5).join(' | ')}`.trim();
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`clamd did not become ready: ${lastError}`);
}

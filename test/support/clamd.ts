import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers, findExecutable, spawnUntilReady } from './service-process.js';
import { freePort } from './postgres.js';

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

/** clamd answers PING with PONG (z-mode replies end with NUL). */
function pingOnce(port: number): Promise<boolean> {
  return answers(port, (r) => (r.includes('\0') ? r.startsWith('PONG') : null), 'zPING\0');
}

export async function startClamd(options: StartClamdOptions = {}): Promise<ClamdHandle> {
  const binary = findExecutable('clamd');
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

    const started = await spawnUntilReady(binary, [`--config-file=${configPath}`], () => pingOnce(port), { timeoutMs: READY_TIMEOUT_MS, pollMs: POLL_MS });
    if (started.ok) {
      const { service } = started;
      return {
        target: `tcp://127.0.0.1:${port}`,
        socketPath,
        streamMaxLength,
        async stop() {
          await service.stop(5000);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    const log = await readFile(join(dir, 'clamd.log'), 'utf8').catch(() => '');
    lastError = `${lastError} ${started.error} ${log.split('\n').slice(-5).join(' | ')}`.trim();
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`clamd did not become ready: ${lastError}`);
}

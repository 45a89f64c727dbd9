import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * A service (clamd, Dovecot, …) run in the foreground as a child of the test process, started
 * and polled for readiness without fixed sleeps, and killed when the test process exits so that
 * a crashed run leaves nothing behind.
 */
export interface ServiceProcess {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

export function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function spawnUntilReady(
  binary: string,
  args: string[],
  isReady: () => Promise<boolean>,
  opts: { timeoutMs: number; pollMs: number },
): Promise<{ ok: true; service: ServiceProcess } | { ok: false; error: string }> {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.on('error', (err) => {
    output += ` ${err.message}`;
  });
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await isReady()) {
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      return {
        ok: true,
        service: {
          child,
          async stop(graceMs) {
            process.off('exit', killOnExit);
            child.kill('SIGTERM');
            if (!(await waitForExit(child, graceMs))) {
              child.kill('SIGKILL');
              await waitForExit(child, 5000);
            }
          },
        },
      };
    }
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  child.kill('SIGKILL');
  await waitForExit(child, 5000);
  return { ok: false, error: output.trim() };
}

/** An executable on PATH or in the sbin directories where Debian puts daemons; null when absent. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Connects, optionally sends `hello`, and says whether the first answer satisfies `ok` within a
 * second: the readiness probe of a service that just started.
 */
export function answers(port: number, ok: (reply: string) => boolean | null, hello?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    let reply = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => {
      if (hello !== undefined) socket.write(hello);
    });
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      const verdict = ok(reply);
      if (verdict !== null) done(verdict);
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

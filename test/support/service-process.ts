import { spawn, type ChildProcess } from 'node:child_process';

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

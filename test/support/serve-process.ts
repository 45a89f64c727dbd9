import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BIN } from './cli.js';

/** `supportal serve` as a child process, its JSON log lines collected as they come. */
export interface ServeProcess {
  child: ChildProcess;
  /** Every log line so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Waits until a log line satisfies `match` (rejects after `ms` with the log so far). */
  waitForLine(match: (l: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const parsed: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
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
  const s: ServeProcess = {
    child,
    lines: () => parsed,
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

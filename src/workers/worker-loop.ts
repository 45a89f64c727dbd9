import type { Logger } from 'pino';

/**
 * Runs `tick` again and again: immediately while it finds work, after `idleMs` when it found
 * none. `wake()` cuts the wait short (a mail was just queued: receipts go out within seconds).
 * `stop()` lets the running tick finish, then resolves.
 */
export interface WorkerLoop {
  wake(): void;
  stop(): Promise<void>;
}

export function startWorkerLoop(name: string, tick: () => Promise<number>, opts: { idleMs: number; log: Logger }): WorkerLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wakeUp: (() => void) | null = null;
  let pendingWake = false;
  const done = (async () => {
    while (!stopped) {
      let worked = 0;
      try {
        worked = await tick();
      } catch (err) {
        opts.log.error({ err, worker: name }, 'worker tick failed');
      }
      if (stopped) break;
      if (worked > 0 || pendingWake) {
        pendingWake = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, opts.idleMs);
      });
      wakeUp = null;
      if (timer) clearTimeout(timer);
    }
  })();
  return {
    wake() {
      pendingWake = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await done;
    },
  };
}

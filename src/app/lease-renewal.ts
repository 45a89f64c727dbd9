import type { Clock } from './ports.js';
import { LIMITS } from '../config/limits.js';

/**
 * Keeps the leases of rows a worker is still working on: every LIMITS.leaseRenewMs `renew` moves
 * their lease LIMITS.leaseMs ahead. A lease therefore runs out only when its worker died (a
 * killed process, a lost node), and another node takes the row over within LIMITS.leaseMs
 * (RELIABILITY C1, C3) — however long a 25 MiB mail or a slow relay keeps the live worker busy.
 * A failed renewal is only reported: the next one may succeed, and if the lease does run out, the
 * outcome's own check under its transaction keeps a mail from being processed twice.
 *
 *   const held = keepLeases(jobs.map((j) => j.id), (ids, until) => store.jobs.renew(ids, workerId, until), clock);
 *   ... held.done(job.id) as each finishes ...
 *   held.stop();
 */
export interface HeldLeases {
  /** This row is finished: no more renewals for it. */
  done(id: string): void;
  stop(): void;
}

export function keepLeases(ids: readonly string[], renew: (ids: string[], leaseUntil: string) => Promise<void>, clock: Clock, onError: (err: unknown) => void = () => undefined): HeldLeases {
  const running = new Set(ids);
  const timer =
    running.size === 0
      ? null
      : setInterval(() => {
          if (running.size === 0) return;
          renew([...running], new Date(clock.now().getTime() + LIMITS.leaseMs).toISOString()).catch(onError);
        }, LIMITS.leaseRenewMs);
  timer?.unref();
  return {
    done: (id) => void running.delete(id),
    stop: () => {
      running.clear();
      if (timer) clearInterval(timer);
    },
  };
}

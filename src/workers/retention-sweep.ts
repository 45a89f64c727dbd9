import type { Logger } from 'pino';
import type { PrivacyContext } from '../app/privacy/ports.js';
import { runRetentionSweep } from '../app/privacy/retention.js';
import { startWorkerLoop, type WorkerLoop } from './worker-loop.js';

/** An hour between passes: retention is counted in days, and an idle pass is two indexed queries. */
export const RETENTION_SWEEP_IDLE_MS = 60 * 60 * 1000;

/**
 * The retention sweep of `serve`, scheduled like the other workers: a pass of up to 100 mails of
 * each kind, again at once while a pass deleted something, else after `idleMs`. Each mail is
 * logged with its outcome; a failed one is logged and the pass goes on.
 */
export function startRetentionSweep(p: PrivacyContext, log: Logger, opts: { idleMs?: number; batch?: number } = {}): WorkerLoop {
  return startWorkerLoop(
    'retention',
    async () => {
      const r = await runRetentionSweep(p, { batch: opts.batch ?? 100 });
      let done = 0;
      for (const i of r.items) {
        if (i.outcome === 'failed') log.warn({ mail: i.mailId, action: i.action, error: i.error }, 'retention: deleting failed');
        else if (i.outcome === 'done') {
          done++;
          log.info({ mail: i.mailId, action: i.action, chunks: i.chunks, rawMailDays: r.rawMailDays, rejectedMailDays: r.rejectedMailDays }, i.action === 'raw_deleted' ? 'retention: raw source deleted' : 'retention: rejected mail deleted');
        }
      }
      // Only what was deleted counts as work: a row that fails every time must not spin the loop.
      return done;
    },
    { idleMs: opts.idleMs ?? RETENTION_SWEEP_IDLE_MS, log },
  );
}

import type { Logger } from 'pino';
import type { LeaseStore } from '../app/cluster/ports.js';
import type { Clock } from '../app/ports.js';

/**
 * A lease of 45 s renewed every 15 s: a holder that died is replaced within a minute (45 s for
 * the lease to run out, at most 15 s until the next node's attempt); a live holder has two
 * renewals in hand before a busy database could cost it the lease.
 */
export const TASK_LEASE_MS = 45_000;
export const TASK_LEASE_RENEW_MS = 15_000;

/**
 * The lease of one mailbox: `mailbox:<name>`, the name unique per mailbox (for an IMAP URL its
 * user, host, port and folder, never its password). Each configured mailbox has its own, so
 * several mailboxes may be polled by different nodes.
 */
export function mailboxLeaseName(mailbox: string): string {
  return `mailbox:${mailbox}`;
}

/** Something only one node may run at a time (polling a mailbox). */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface LeasedTask {
  /** Whether this node runs the task now. */
  running(): boolean;
  /** Stops the task if it runs here and gives the lease up, so that another node takes it at its next attempt. */
  stop(): Promise<void>;
}

/**
 * Runs `start()`'s task on this node only while it holds the lease `name` (e.g. `mailbox:<name>`):
 * every `renewMs` each node tries to take or renew it. The holder runs the task; a node that lost
 * the lease (another took it over after this one stalled) stops the task at once, and a node whose
 * renewals fail stops it a third of the lease before the lease runs out, so two nodes never run
 * it together.
 *
 *   const poller = runWhileLeased({ name: 'mailbox:support@imap.example.com/INBOX', holder: nodeId, leases, clock, log, start: () => startImapSource(...) });
 *   await poller.stop();
 */
export function runWhileLeased(opts: { name: string; holder: string; leases: LeaseStore; clock: Clock; log: Logger; start: () => Stoppable; leaseMs?: number; renewMs?: number }): LeasedTask {
  const leaseMs = opts.leaseMs ?? TASK_LEASE_MS;
  const renewMs = opts.renewMs ?? TASK_LEASE_RENEW_MS;
  const log = opts.log.child({ lease: opts.name });
  let task: Stoppable | null = null;
  let heldUntil = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> = Promise.resolve();

  const stopTask = async (why: string): Promise<void> => {
    const t = task;
    task = null;
    if (!t) return;
    log.warn({ reason: why }, 'stopping the task: this node no longer holds its lease');
    await t.stop().catch((err: unknown) => log.warn({ err }, 'stopping the task failed'));
  };

  const attempt = async (): Promise<void> => {
    const now = opts.clock.now();
    let held: boolean | null;
    try {
      held = await opts.leases.acquire(opts.name, opts.holder, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString());
    } catch (err) {
      held = null;
      log.warn({ err }, 'renewing the lease failed');
    }
    if (stopped) return;
    if (held === true) {
      heldUntil = now.getTime() + leaseMs;
      if (!task) {
        log.info({ holder: opts.holder }, 'lease taken: this node runs the task');
        try {
          task = opts.start();
        } catch (err) {
          // Tried again at the next renewal; the lease stays ours meanwhile, so no other node
          // would do better with the same settings.
          log.error({ err }, 'starting the task failed');
        }
      }
    } else if (held === false) {
      await stopTask('another node holds the lease');
    } else if (opts.clock.now().getTime() >= heldUntil - leaseMs / 3) {
      // The database does not answer and the lease is about to run out: stop a third of the lease
      // before it does (15 s), so that the node taking over never finds this one still at work,
      // even with its clock that much ahead of ours.
      await stopTask('the database did not answer and the lease is running out');
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    round = attempt().finally(() => {
      if (stopped) return;
      timer = setTimeout(schedule, renewMs);
      timer.unref();
    });
  };
  schedule();

  return {
    running: () => task !== null,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
      const t = task;
      task = null;
      await t?.stop();
      if (t) await opts.leases.release(opts.name, opts.holder).catch((err: unknown) => log.warn({ err }, 'giving the lease up failed; another node takes it when it runs out'));
    },
  };
}

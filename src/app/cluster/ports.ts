import type { PortalEvent } from '../live/ports.js';

/**
 * Several `serve` processes ("nodes") on one PostgreSQL database: how they hear of each other's
 * work and events, and how one of them at a time is chosen for a task only one may do (polling a
 * mailbox). Implemented in src/db (cluster-signals.ts, stores/leases.ts); on SQLite the signals
 * are silent and the processes poll.
 */

/** What another node announced. */
export interface ClusterHandlers {
  /** Work was queued: inbound jobs (`inbound`) or outbound mail (`outbox`). */
  onWork(kind: 'inbound' | 'outbox'): void;
  /** Portal events of another node, for this node's live-update streams. */
  onPortalEvents(events: PortalEvent[]): void;
}

/**
 * Usage:
 *   const signals = openClusterSignals(db, nodeId);         // src/db/cluster-signals.ts
 *   await signals.listen({ onWork: (k) => wake(k), onPortalEvents: (es) => es.forEach(bus.publish) });
 *   signals.publish([{ kind: 'mail', mailId }]);             // after the commit
 *   await signals.close();
 */
export interface ClusterSignals {
  /** True where other nodes are heard at once (PostgreSQL); false where they are only polled. */
  readonly live: boolean;
  /** Passes events on to the other nodes (batched, at most one NOTIFY per turn of the event loop); never throws. */
  publish(events: PortalEvent[]): void;
  /** Starts hearing the other nodes; resolves once listening (or at once without LISTEN). */
  listen(handlers: ClusterHandlers): Promise<void>;
  close(): Promise<void>;
}

/**
 * Named leases in the database: the holder of `name` (`mailbox:<name>`) is the one node doing
 * that task. A holder renews well before `until`; a node that died stops renewing and another
 * takes the lease once `until` has passed.
 */
export interface LeaseStore {
  /** Takes `name` for `holder` until `until` when it is free, expired or already `holder`'s; true when held. */
  acquire(name: string, holder: string, now: string, until: string): Promise<boolean>;
  /** Gives `name` up, if `holder` holds it (a graceful stop: the next node need not wait). */
  release(name: string, holder: string): Promise<void>;
  /** Who holds `name` at `now`, or null. */
  holder(name: string, now: string): Promise<string | null>;
}

import type { Logger } from 'pino';
import type { ClusterHandlers, ClusterSignals } from '../app/cluster/ports.js';
import type { PortalEvent } from '../app/live/ports.js';
import type { DatabaseHandle } from './database.js';
import { LIVE_CHANNEL, OUTBOX_WORK, WORK_CHANNEL } from './notification-channels.js';

/** NOTIFY payloads are limited to 8000 bytes; a batch of events is split well below that. */
const MAX_PAYLOAD_BYTES = 7000;

function isPortalEvent(e: unknown): e is PortalEvent {
  const o = e as Record<string, unknown> | null;
  return (o?.kind === 'mail' && typeof o.mailId === 'string') || (o?.kind === 'case' && typeof o.caseId === 'string');
}

/**
 * The ClusterSignals port over the database's notifications (PostgreSQL LISTEN/NOTIFY). Work
 * notifications come from the stores, in the transaction that queued the work
 * (notification-channels.ts); this side listens for them and sends and hears the portal events,
 * leaving out its own (`nodeId`). On SQLite it is silent: `live` is false and the caller polls.
 */
export function openClusterSignals(h: DatabaseHandle, nodeId: string, log: Logger): ClusterSignals {
  let listener: { close(): Promise<void> } | null = null;
  let pending: PortalEvent[] = [];
  let flushing = false;
  let closed = false;

  const send = async (events: PortalEvent[]): Promise<void> => {
    let batch: PortalEvent[] = [];
    let size = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await h.dialect.notify(h.db, LIVE_CHANNEL, JSON.stringify({ node: nodeId, events: batch }));
      batch = [];
      size = 0;
    };
    for (const e of events) {
      const bytes = JSON.stringify(e).length + 1;
      if (size + bytes > MAX_PAYLOAD_BYTES) await flush();
      batch.push(e);
      size += bytes;
    }
    await flush();
  };

  const flushPending = (): void => {
    if (flushing || pending.length === 0 || closed) return;
    flushing = true;
    // Whatever was published in this turn of the event loop goes out in one NOTIFY.
    setImmediate(() => {
      const events = pending;
      pending = [];
      send(events)
        .catch((err: unknown) => log.warn({ err }, 'passing live events to the other nodes failed; their pages see the change at their next poll'))
        .finally(() => {
          flushing = false;
          flushPending();
        });
    });
  };

  const hear = (handlers: ClusterHandlers) => (channel: string, payload: string | null) => {
    if (payload === null) {
      // Reconnected: what was announced meanwhile is lost, so look for all of it.
      if (channel === WORK_CHANNEL) {
        handlers.onWork('inbound');
        handlers.onWork('outbox');
      }
      return;
    }
    if (channel === WORK_CHANNEL) {
      handlers.onWork(payload === OUTBOX_WORK ? 'outbox' : 'inbound');
      return;
    }
    try {
      const m = JSON.parse(payload) as { node?: unknown; events?: unknown };
      if (m.node === nodeId || !Array.isArray(m.events)) return;
      const events = m.events.filter(isPortalEvent);
      if (events.length > 0) handlers.onPortalEvents(events);
    } catch {
      // Not ours (someone else's NOTIFY on the channel): ignored.
    }
  };

  return {
    live: h.dialect.notifications,
    publish(events) {
      if (!h.dialect.notifications || events.length === 0) return;
      pending.push(...events);
      flushPending();
    },
    async listen(handlers) {
      const l = h.dialect.listen([WORK_CHANNEL, LIVE_CHANNEL], hear(handlers), (err) => log.warn({ err: err.message }, 'the LISTEN connection was lost; reconnecting (work is found by polling meanwhile)'));
      if (!l) return;
      listener = l;
      await l.ready;
    },
    async close() {
      closed = true;
      await listener?.close();
    },
  };
}

/**
 * The NOTIFY channels several `serve` processes on one PostgreSQL database talk on (LISTEN in
 * src/db/cluster-signals.ts). Work is announced by the stores in the transaction that queues it,
 * so the notification arrives exactly when the work becomes visible (at commit), whichever
 * process or command queued it.
 */
export const WORK_CHANNEL = 'supportal_work';
/** Live-update events of the portal, as JSON: `{ node, events }`. */
export const LIVE_CHANNEL = 'supportal_live';
/** The payload on WORK_CHANNEL for outbound mail; inbound jobs send their job kind. */
export const OUTBOX_WORK = 'outbox';

import type { Case, InboundMail } from '../../domain/entities.js';

/** The live-update streams: the in-process wake-up bus and the "changed since" polls (`src/db/stores/live.ts`). */

/**
 * Something changed that an open page may want to show. Only ids travel: each listener decides
 * itself what its user may see.
 */
export type PortalEvent = { kind: 'mail'; mailId: string } | { kind: 'case'; caseId: string };

/**
 * An in-process publish/subscribe port. The inbound worker (or any use case) publishes after its
 * commit; the live-update streams wake up at once instead of at their next 2 s poll. Several
 * processes sharing PostgreSQL still see each other's changes through that poll.
 *
 * Usage:
 *   const off = bus.subscribe((e) => wake());
 *   bus.publish({ kind: 'mail', mailId });
 *   off();
 */
export interface PortalEventBus {
  publish(e: PortalEvent): void;
  subscribe(listener: (e: PortalEvent) => void): () => void;
}

/** The cheap "what changed since" queries the live-update streams poll (indexed on the timestamps). */
export interface LiveQueries {
  /** Mails whose outcome was written at or after `since`, oldest first; `from` keeps a customer to their own. */
  mailsProcessedSince(f: { from?: string; since: string; limit: number }): Promise<InboundMail[]>;
  /** Cases whose `column` is at or after `since`, oldest first, within the customer's or organisation's scope when given. */
  casesChangedSince(f: { customerId?: string; organisationId?: string; column: 'updated_at' | 'last_activity_at'; since: string; limit: number }): Promise<Array<{ case: Case; changedAt: string }>>;
}

import type { AppSlice } from '../context.js';
import type { MailTransport } from './mail-transport.js';
import { TransportError } from './mail-transport.js';
import { LIMITS } from '../../config/limits.js';
import { keepLeases } from '../lease-renewal.js';
import { nextRetryDelayMs } from '../../domain/retry.js';
import type { GroupCommit } from '../group-commit.js';
import type { Store } from '../ports.js';

/** What this module's use cases reach of the context. */
export type OutboxRelayDeps = AppSlice<'audit' | 'outbound' | 'transaction', 'clock'>;

export interface OutboxTickResult {
  sent: number;
  retrying: number;
  failed: number;
  items: Array<{ id: string; outcome: 'sent' | 'retrying' | 'failed'; error?: string }>;
}

/**
 * One pass of the outbox: lease due mails, hand each to the relay, record the outcome. One bad
 * mail never fails the batch. A worker that dies after the relay accepted a mail but before the
 * status update leaves the row `sending` with a lease; when the lease runs out the mail is sent
 * again with the same Message-ID and bytes (at-least-once, RELIABILITY C3).
 */
export async function runOutboxOnce(ctx: OutboxRelayDeps, transport: MailTransport, opts: { limit?: number; random?: () => number; commits?: GroupCommit } = {}): Promise<OutboxTickResult> {
  const now = ctx.clock.now();
  const claimed = await ctx.store.transaction((tx) =>
    tx.outbound.claimDue(now.toISOString(), new Date(now.getTime() + LIMITS.leaseMs).toISOString(), opts.limit ?? 20),
  );
  const result: OutboxTickResult = { sent: 0, retrying: 0, failed: 0, items: [] };
  // Each outcome is recorded as soon as its relay answered. With `commits`, the outcomes that come
  // in while one is being committed share the next durable commit: one fsync per mail was the
  // second cost per reply on SQLite (672 `update outbound_mails` at 3.7 ms each in 673 mails,
  // docs/benchmarks.md section 1).
  const commits = opts.commits;
  const record = <T>(work: (tx: Pick<Store, 'outbound' | 'audit'>) => Promise<T>): Promise<T> => (commits ? commits.run(work) : work(ctx.store));
  const held = keepLeases(claimed.map((m) => m.id), (ids, until) => ctx.store.outbound.renewLeases(ids, until), ctx.clock);
  await Promise.all(
    claimed.map(async (m) => {
      const raw = await ctx.store.outbound.raw(m.id);
      const attempts = m.attempts + 1;
      try {
        if (!raw) throw new TransportError('stored message bytes are missing', true);
        await transport.send({ from: m.envelopeFrom, to: m.recipients }, raw);
        await record((tx) => tx.outbound.update(m.id, { status: 'sent', attempts, sentAt: ctx.clock.now().toISOString(), lastError: null, lockedUntil: null, nextAttemptAt: null }));
        result.sent++;
        result.items.push({ id: m.id, outcome: 'sent' });
      } catch (e) {
        const error = (e as Error).message.slice(0, 1000);
        const permanent = e instanceof TransportError && e.permanent;
        const age = ctx.clock.now().getTime() - new Date(m.createdAt).getTime();
        if (permanent || age >= LIMITS.outboundGiveUpMs) {
          await record(async (tx) => {
            await tx.outbound.update(m.id, { status: 'failed', attempts, lastError: error, lockedUntil: null, nextAttemptAt: null });
            await tx.audit.record({ at: ctx.clock.now().toISOString(), actor: null, action: 'outbound.failed', target: m.id, detail: { error, permanent } });
          });
          result.failed++;
          result.items.push({ id: m.id, outcome: 'failed', error });
        } else {
          const next = new Date(ctx.clock.now().getTime() + nextRetryDelayMs(attempts, opts.random ?? Math.random));
          await record((tx) => tx.outbound.update(m.id, { status: 'retrying', attempts, lastError: error, lockedUntil: null, nextAttemptAt: next.toISOString() }));
          result.retrying++;
          result.items.push({ id: m.id, outcome: 'retrying', error });
        }
      } finally {
        held.done(m.id);
      }
    }),
  ).finally(() => held.stop());
  return result;
}

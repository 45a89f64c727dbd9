import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { MetricsSnapshot, MetricsSource } from '../app/metrics.js';

/** Statuses an outgoing mail has before it is sent or given up on; all reported, zeros too, so that an alert rule always has a series. */
const OUTBOX_STATUSES = ['held', 'queued', 'sending', 'retrying', 'failed', 'bounced'] as const;

/**
 * The database side of the metrics: GROUP BY counts over indexed status columns
 * (inbound_mails_status, outbound_mails_due), a few milliseconds per scrape at 100,000 mails.
 */
export function createMetricsSource(db: Kysely<Database>): MetricsSource {
  return {
    async snapshot(now: Date): Promise<MetricsSnapshot> {
      const [inbound, jobs, oldest, dead, outbox] = await Promise.all([
        db.selectFrom('inbound_mails').select(['status', 'reason', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy(['status', 'reason']).execute(),
        db.selectFrom('jobs').select(['kind', (eb) => eb.fn.countAll<number | string>().as('n')]).where('status', 'in', ['queued', 'running']).groupBy('kind').execute(),
        db.selectFrom('jobs').select((eb) => eb.fn.min('created_at').as('oldest')).where('status', 'in', ['queued', 'running']).executeTakeFirst(),
        db.selectFrom('jobs').select((eb) => eb.fn.countAll<number | string>().as('n')).where('status', '=', 'dead').executeTakeFirst(),
        db.selectFrom('outbound_mails').select(['status', (eb) => eb.fn.countAll<number | string>().as('n')]).where('status', 'in', [...OUTBOX_STATUSES]).groupBy('status').execute(),
      ]);
      const byStatus = new Map(outbox.map((r) => [r.status, Number(r.n)]));
      const oldestAt = oldest?.oldest ? new Date(oldest.oldest as string | Date).getTime() : null;
      return {
        inboundMails: inbound.map((r) => ({ status: r.status, reason: r.reason ?? '', count: Number(r.n) })),
        jobsWaiting: jobs.map((r) => ({ kind: r.kind, count: Number(r.n) })),
        oldestJobAgeSeconds: oldestAt === null ? 0 : Math.max(0, (now.getTime() - oldestAt) / 1000),
        jobsDead: Number(dead?.n ?? 0),
        outbox: OUTBOX_STATUSES.map((status) => ({ status, count: byStatus.get(status) ?? 0 })),
      };
    },
    async answerLatencies(outboundIds) {
      if (outboundIds.length === 0) return [];
      const rows = await db
        .selectFrom('outbound_mails as o')
        .innerJoin('inbound_mails as i', 'i.id', 'o.inbound_mail_id')
        .select(['o.kind', 'o.sent_at', 'i.received_at'])
        .where('o.id', 'in', [...outboundIds])
        .where('o.kind', 'in', ['receipt', 'notice'])
        .where('o.sent_at', 'is not', null)
        .execute();
      return rows.map((r) => ({
        kind: r.kind as 'receipt' | 'notice',
        seconds: Math.max(0, (new Date(r.sent_at as string | Date).getTime() - new Date(r.received_at as string | Date).getTime()) / 1000),
      }));
    },
  };
}

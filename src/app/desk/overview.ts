import type { WebSlice } from '../web-context.js';
import { INBOUND_STATUSES, type InboundStatus, type ReasonCode } from '../../domain/reason-codes.js';
import type { CaseStatus } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { requireStaff } from '../portal/access.js';

/** What this module's use cases reach of the web context. */
export type OverviewDeps = WebSlice<never, 'reports', 'clock'>;

const DAY_MS = 24 * 3600 * 1000;
/** The mail charts cover two weeks: enough to see "since Tuesday nothing is accepted". */
const DAYS = 14;
/** The mail window is read into memory: 200 000 rows (about 20 MB) is far above two weeks of a support desk. */
const WINDOW_ROWS = 200_000;
/** Age buckets of open cases, by days since opening. */
const AGE_BUCKETS = [
  { label: '<1d', days: 1 },
  { label: '1-3d', days: 3 },
  { label: '3-7d', days: 7 },
  { label: '7-30d', days: 30 },
] as const;

export interface MailDay {
  day: string;
  total: number;
  byStatus: Record<InboundStatus, number>;
  /** Receipt to outcome, of the mails received that day that have an outcome. */
  medianMs: number | null;
  p99Ms: number | null;
}

export interface Overview {
  generatedAt: string;
  openCases: { ageBuckets: string[]; byStatus: Array<{ status: CaseStatus; total: number; ages: number[] }> };
  mailsPerDay: MailDay[];
  topRejectionReasons: Array<{ reason: ReasonCode; count: number }>;
  /** True when the window held more mails than were read: the charts then show the newest only. */
  truncated: boolean;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Staff: the desk at a glance. Open cases per status and age come from one SQL aggregate; the
 * mail flow per day (by outcome, median and p99 of receipt-to-outcome time, top rejection
 * reasons) is computed here over the bounded 14-day window, because percentiles and per-day
 * grouping of timestamps are spelt differently in every database.
 */
export async function overviewFor(ctx: OverviewDeps, user: User): Promise<Overview> {
  requireStaff(user);
  const now = ctx.clock.now();
  const cutoffs = AGE_BUCKETS.map((b) => new Date(now.getTime() - b.days * DAY_MS).toISOString());
  const ages = await ctx.web.reports.openCaseAges(cutoffs);
  const byStatus = (['new', 'open', 'waiting_for_customer'] as const).map((status) => {
    const row = ages.find((a) => a.status === status);
    const since = row?.since ?? cutoffs.map(() => 0);
    const total = row?.total ?? 0;
    const buckets = since.map((n, i) => n - (i === 0 ? 0 : since[i - 1]!));
    return { status, total, ages: [...buckets, total - (since[since.length - 1] ?? 0)] };
  });

  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (DAYS - 1) * DAY_MS);
  const rows = await ctx.web.reports.mailWindow(firstDay.toISOString(), WINDOW_ROWS + 1);
  const truncated = rows.length > WINDOW_ROWS;
  const days = new Map<string, { day: MailDay; durations: number[] }>();
  for (let i = 0; i < DAYS; i++) {
    const day = new Date(firstDay.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    const byStatusCount = Object.fromEntries(INBOUND_STATUSES.map((s) => [s, 0])) as Record<InboundStatus, number>;
    days.set(day, { day: { day, total: 0, byStatus: byStatusCount, medianMs: null, p99Ms: null }, durations: [] });
  }
  const reasons = new Map<ReasonCode, number>();
  for (const r of rows.slice(0, WINDOW_ROWS)) {
    const d = days.get(new Date(r.receivedAt).toISOString().slice(0, 10));
    if (!d) continue;
    d.day.total++;
    d.day.byStatus[r.status] = (d.day.byStatus[r.status] ?? 0) + 1;
    // A mail still waiting ('received', 'deferred') has no outcome yet: it is not a processing time.
    if (r.processedAt && r.status !== 'received' && r.status !== 'deferred') {
      const ms = Date.parse(r.processedAt) - Date.parse(r.receivedAt);
      if (Number.isFinite(ms) && ms >= 0) d.durations.push(ms);
    }
    if ((r.status === 'rejected' || r.status === 'quarantined') && r.reason) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  }
  const mailsPerDay = [...days.values()].map(({ day, durations }) => {
    durations.sort((a, b) => a - b);
    return { ...day, medianMs: percentile(durations, 0.5), p99Ms: percentile(durations, 0.99) };
  });
  const topRejectionReasons = [...reasons.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, 5);
  return {
    generatedAt: now.toISOString(),
    openCases: { ageBuckets: [...AGE_BUCKETS.map((b) => b.label), '>30d'], byStatus },
    mailsPerDay,
    topRejectionReasons,
    truncated,
  };
}

import type { MailLogDeps } from '../portal/mail-log.js';
import type { WebSlice } from '../web-context.js';
import { isStaff } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { mailLogEntryFor, sentBy } from '../portal/mail-log.js';
import type { MailLogEntry } from '../portal/views.js';

/** What this module's use cases reach of the web context. */
export type LiveUpdatesDeps = WebSlice<never, 'live', never> & MailLogDeps;

/**
 * Where a live-update stream stands: the newest mail outcome and case change it has sent, plus
 * the keys of what it sent at exactly those instants (the next poll asks "at or after", so that
 * two changes in the same millisecond are never lost, and must skip the ones already sent).
 */
export interface LiveCursor {
  mails: string;
  cases: string;
  seen: string[];
}

export type LiveEvent =
  | { type: 'mail'; data: MailLogEntry }
  | { type: 'case'; data: { number: number; status: string; subject: string; changedAt: string } };

/** One poll returns at most this many changes of each kind; the rest follow 2 s later. */
const BATCH = 100;
/** A reconnecting browser may replay at most an hour of changes (its Last-Event-ID is its own claim). */
const MAX_REPLAY_MS = 3600 * 1000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function startCursor(now: Date): LiveCursor {
  const t = now.toISOString();
  return { mails: t, cases: t, seen: [] };
}

/** Keys carried in a cursor: changes sharing one millisecond; more than 50 is not a real case. */
const MAX_SEEN = 50;
const SEEN_KEY = /^[mc]:[0-9A-Za-z-]{1,100}@\d{4}-\d{2}-\d{2}T[\d:.]+Z(:[a-z_]{1,20})?$/;

/**
 * The SSE event id and the JSON answer's cursor: both positions and what was sent at exactly
 * them, so that a reconnect (Last-Event-ID) or the next poll resumes without repeating or losing.
 */
export function formatCursor(c: LiveCursor): string {
  return `${c.mails}|${c.cases}|${c.seen.slice(-MAX_SEEN).join(',')}`;
}

/** A Last-Event-ID sent back by the browser, or the start position when it is missing, malformed or too old. */
export function resumeCursor(lastEventId: string | undefined, now: Date): LiveCursor {
  const [mails, cases, seen] = (lastEventId ?? '').split('|');
  const oldest = new Date(now.getTime() - MAX_REPLAY_MS).toISOString();
  if (!mails || !cases || !ISO.test(mails) || !ISO.test(cases)) return startCursor(now);
  const clamp = (t: string) => (t < oldest ? oldest : t > now.toISOString() ? now.toISOString() : t);
  const keys = (seen ?? '').split(',').filter((k) => SEEN_KEY.test(k)).slice(0, MAX_SEEN);
  return { mails: clamp(mails), cases: clamp(cases), seen: keys };
}

/**
 * What changed for this user since the cursor: `mail` for every outcome of a mail they sent
 * (staff: of any mail), `case` for every change of a case they may see. Customers follow a case's
 * last activity (replies, status), never `updated_at`, which an internal note also moves — the
 * timing of a note must not show through. Cheap indexed queries, so every open page can ask every
 * 2 s; that poll is what makes several processes on one PostgreSQL see each other's changes.
 */
export async function pollLiveChanges(ctx: LiveUpdatesDeps, user: User, cursor: LiveCursor): Promise<{ events: LiveEvent[]; cursor: LiveCursor }> {
  const staff = isStaff(user.role);
  const seen = new Set(cursor.seen);
  const events: LiveEvent[] = [];
  const next: LiveCursor = { ...cursor, seen: [] };

  const mails = await ctx.web.live.mailsProcessedSince({ ...(staff ? {} : { from: user.email }), since: cursor.mails, limit: BATCH });
  for (const m of mails) {
    const at = m.processedAt!;
    const key = `m:${m.id}@${at}:${m.status}`;
    if (seen.has(key) || (!staff && !sentBy(m, user))) continue;
    events.push({ type: 'mail', data: await mailLogEntryFor(ctx, user, m) });
    if (at > next.mails) {
      next.mails = at;
      next.seen = next.seen.filter((k) => !k.startsWith('m:'));
    }
    if (at === next.mails) next.seen.push(key);
  }

  const scope = staff ? {} : user.orgAdmin && user.organisationId ? { organisationId: user.organisationId } : { customerId: user.id };
  const cases = await ctx.web.live.casesChangedSince({ ...scope, column: staff ? 'updated_at' : 'last_activity_at', since: cursor.cases, limit: BATCH });
  for (const { case: c, changedAt } of cases) {
    const key = `c:${c.id}@${changedAt}`;
    if (seen.has(key)) continue;
    events.push({ type: 'case', data: { number: c.number, status: c.status, subject: c.subject, changedAt } });
    if (changedAt > next.cases) {
      next.cases = changedAt;
      next.seen = next.seen.filter((k) => !k.startsWith('c:'));
    }
    if (changedAt === next.cases) next.seen.push(key);
  }
  // Keys still at the unchanged positions stay: the next "at or after" query returns them again.
  for (const k of cursor.seen) {
    if (k.startsWith('m:') && next.mails === cursor.mails && !next.seen.includes(k)) next.seen.push(k);
    if (k.startsWith('c:') && next.cases === cursor.cases && !next.seen.includes(k)) next.seen.push(k);
  }
  return { events, cursor: next };
}

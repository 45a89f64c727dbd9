import type { WebSlice } from '../web-context.js';
import type { AttemptKind } from './ports.js';
import { AppError } from '../errors.js';

/** What this module's use cases reach of the web context. */
export type ThrottleDeps = WebSlice<never, 'attempts', 'clock'>;

/**
 * Limits per purpose. Login: 10 failures per account in 15 minutes (≤ 40 an hour, under the
 * 100/h RELIABILITY §9 allows) and 100 per IP, higher because a company's NAT puts many people
 * behind one address. Reset and sign-up mails: 5 per address and 20 per IP an hour, enough for
 * a typo or two and too few to flood anyone's mailbox through us.
 */
export const LIMITS: Record<AttemptKind, { windowMs: number; perAccount: number; perIp: number; countsFailuresOnly: boolean }> = {
  login: { windowMs: 15 * 60 * 1000, perAccount: 10, perIp: 100, countsFailuresOnly: true },
  password_reset: { windowMs: 60 * 60 * 1000, perAccount: 5, perIp: 20, countsFailuresOnly: false },
  signup: { windowMs: 60 * 60 * 1000, perAccount: 5, perIp: 20, countsFailuresOnly: false },
};

/** Attempts older than a day are never counted again. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Throws `rate_limited` when the account or the IP used up its attempts. The account key is the
 * normalised address whether or not such a user exists, so that the limit reveals nothing.
 */
export async function assertNotThrottled(ctx: ThrottleDeps, kind: AttemptKind, account: string, ip: string | null): Promise<void> {
  const l = LIMITS[kind];
  const now = ctx.clock.now().getTime();
  let since = new Date(now - l.windowMs).toISOString();
  if (l.countsFailuresOnly) {
    // A successful login clears the account's earlier failures: the owner is not locked out by
    // mistakes made before they got it right.
    const last = await ctx.web.attempts.lastSuccess(kind, account);
    if (last && last > since) since = last;
  }
  const count = l.countsFailuresOnly ? ctx.web.attempts.failures.bind(ctx.web.attempts) : ctx.web.attempts.count.bind(ctx.web.attempts);
  const byAccount = await count(kind, { account }, since);
  const byIp = ip ? await count(kind, { ip }, new Date(now - l.windowMs).toISOString()) : 0;
  if (byAccount >= l.perAccount || (ip !== null && byIp >= l.perIp)) {
    throw new AppError('rate_limited', undefined, { retryAfterSeconds: Math.ceil(l.windowMs / 1000) });
  }
}

export async function recordAttempt(ctx: ThrottleDeps, kind: AttemptKind, account: string, ip: string | null, success: boolean): Promise<void> {
  const now = ctx.clock.now();
  await ctx.web.attempts.record({ kind, account, ip, success, at: now.toISOString() });
  if (!success) await ctx.web.attempts.prune(new Date(now.getTime() - KEEP_MS).toISOString());
}

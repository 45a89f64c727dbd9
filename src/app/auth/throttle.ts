import type { WebSlice } from '../web-context.js';
import type { AttemptKind, ThrottleState } from './ports.js';
import { AppError } from '../errors.js';

/** What this module's use cases reach of the web context. */
export type ThrottleDeps = WebSlice<never, 'attempts', 'clock'>;
/** What the sign-in delays reach. */
export type LoginThrottleDeps = WebSlice<never, 'attempts', 'clock'>;

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

/**
 * Growing delays for password checks (issue 10, item 8), instead of blocking a key outright.
 * A key (an account, or a client IP) has `free` failures without delay; after that every further
 * attempt must wait `baseMs · 2^(n − free − 1)`, up to `maxMs`. A key unused for `forgetMs` starts
 * afresh.
 * - Account: 5 free, then 1 s, 2 s, 4 s … up to 15 min. That is at most 18 guesses an hour per
 *   account (5 + 10 doubling delays summing to 17 min + 3 of 15 min), under the 100/h of
 *   RELIABILITY §9, while the owner who mistyped a few times waits seconds.
 * - Client IP: 50 free, then 1 s doubling to 60 s. A company's NAT or proxy puts many people
 *   behind one address: they are slowed by at most a minute, never locked out. Only failures on
 *   accounts that exist count here: guesses at addresses nobody has lock nobody.
 */
export const LOGIN_DELAYS = {
  account: { free: 5, baseMs: 1000, maxMs: 15 * 60 * 1000, forgetMs: 60 * 60 * 1000 },
  ip: { free: 50, baseMs: 1000, maxMs: 60 * 1000, forgetMs: 60 * 60 * 1000 },
} as const;
type DelayRule = (typeof LOGIN_DELAYS)[keyof typeof LOGIN_DELAYS];

/** The wait after the n-th counted failure of a key. */
export function delayAfter(rule: DelayRule, failures: number): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.maxMs, rule.baseMs * 2 ** Math.min(30, failures - rule.free - 1));
}

/** A claimed sign-in attempt: it counts as a failure until `settleLoginAttempt` says otherwise. */
export interface LoginClaim {
  account: string;
  ip: string | null;
}

const THROTTLE_KIND: AttemptKind = 'login';
const accountKey = (account: string) => `account:${account}`;
const ipKey = (ip: string) => `ip:${ip}`;
/**
 * Compare-and-set rounds before a claim gives up (answered as a 1 s wait). Every round has one
 * winner, so 100 covers 100 requests racing for the free slots of one key; once a key waits, a
 * claim ends after one read.
 */
const MAX_ROUNDS = 100;

/**
 * Counts one attempt for a key, atomically and before the password is checked: the claim reads
 * the key, and writes failures + 1 and the next allowed time only if nobody wrote in between. 60
 * parallel requests therefore pass at most `free + 1` password checks. Returns the seconds to
 * wait when the key is in its delay, or 0 when the attempt may go on.
 */
async function claimKey(ctx: LoginThrottleDeps, key: string, rule: DelayRule): Promise<number> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const now = ctx.clock.now().getTime();
    const cur = await ctx.web.attempts.delayState(THROTTLE_KIND, key);
    const fresh = !cur || now - Date.parse(cur.updatedAt) >= rule.forgetMs;
    if (cur && !fresh && Date.parse(cur.nextAt) > now) return Math.max(1, Math.ceil((Date.parse(cur.nextAt) - now) / 1000));
    const failures = (fresh ? 0 : cur.failures) + 1;
    const at = new Date(now).toISOString();
    const next: ThrottleState = { failures, nextAt: new Date(now + delayAfter(rule, failures)).toISOString(), updatedAt: at };
    if (await ctx.web.attempts.swapDelayState(THROTTLE_KIND, key, cur, next)) return 0;
  }
  return 1;
}

/** Takes back one counted failure of a key (a success, or a guess at an address nobody has). */
async function refundKey(ctx: LoginThrottleDeps, key: string): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const cur = await ctx.web.attempts.delayState(THROTTLE_KIND, key);
    if (!cur || cur.failures === 0) return;
    if (await ctx.web.attempts.swapDelayState(THROTTLE_KIND, key, cur, { ...cur, failures: cur.failures - 1 })) return;
  }
}

/**
 * Claims a sign-in attempt for the account and the client IP, or throws `rate_limited` with the
 * seconds to wait. The account key is the normalised address whether or not it exists, so that
 * the answer reveals nothing.
 */
export async function claimLoginAttempt(ctx: LoginThrottleDeps, account: string, ip: string | null): Promise<LoginClaim> {
  const byAccount = await claimKey(ctx, accountKey(account), LOGIN_DELAYS.account);
  if (byAccount > 0) throw new AppError('rate_limited', undefined, { retryAfterSeconds: byAccount });
  if (ip) {
    const byIp = await claimKey(ctx, ipKey(ip), LOGIN_DELAYS.ip);
    if (byIp > 0) {
      await refundKey(ctx, accountKey(account));
      throw new AppError('rate_limited', undefined, { retryAfterSeconds: byIp });
    }
  }
  return { account, ip };
}

/**
 * After the password check. A success clears the account's failures and takes back the IP's
 * count; a failure on an account nobody has takes back the IP's count (only the unused address
 * itself stays slowed, which locks nobody out); a failure on a real account stays counted on both.
 */
export async function settleLoginAttempt(ctx: LoginThrottleDeps, claim: LoginClaim, outcome: 'success' | 'wrong_password' | 'unknown_account'): Promise<void> {
  if (outcome === 'success') await ctx.web.attempts.clearDelayState(THROTTLE_KIND, accountKey(claim.account));
  if (claim.ip && outcome !== 'wrong_password') await refundKey(ctx, ipKey(claim.ip));
  if (outcome !== 'success') await ctx.web.attempts.prune(new Date(ctx.clock.now().getTime() - KEEP_MS).toISOString());
}

import type { WebSlice } from '../web-context.js';
import type { SessionRecord } from './ports.js';
import type { Principal } from './principal.js';
import { hashSecret, randomSecret } from './secrets.js';

/** What this module's use cases reach of the web context. */
export type SessionsDeps = WebSlice<'users', 'sessions', 'clock'>;

/**
 * Session lifetimes. Idle 8 h: a working day without a click keeps the session, a night does
 * not (OWASP names 2–8 h for low-risk applications). Absolute 7 days: a stolen cookie is worth
 * a week at most, and nobody logs in more than once a week.
 */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most once a minute, not on every request. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface NewSession {
  /** The cookie value: shown once, stored only as its hash. */
  id: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(ctx: SessionsDeps, userId: string, meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
  const now = ctx.clock.now();
  const id = randomSecret();
  const rec: SessionRecord = {
    idHash: hashSecret(id),
    userId,
    csrfToken: randomSecret(),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent ? meta.userAgent.slice(0, 300) : null,
  };
  await ctx.web.sessions.insert(rec);
  return { id, csrfToken: rec.csrfToken, expiresAt: rec.expiresAt };
}

/** The principal of a session cookie, or null when it is unknown, expired or its user disabled. */
export async function resolveSession(ctx: SessionsDeps, cookieValue: string): Promise<Principal | null> {
  // A session id is 43 base64url characters; anything else is not worth a query.
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookieValue)) return null;
  const idHash = hashSecret(cookieValue);
  const s = await ctx.web.sessions.find(idHash);
  if (!s) return null;
  const now = ctx.clock.now().getTime();
  if (now >= Date.parse(s.expiresAt) || now >= Date.parse(s.lastSeenAt) + SESSION_IDLE_MS) {
    await ctx.web.sessions.delete(idHash);
    return null;
  }
  const user = await ctx.store.users.findById(s.userId);
  if (!user || user.disabled) {
    await ctx.web.sessions.delete(idHash);
    return null;
  }
  if (now - Date.parse(s.lastSeenAt) >= TOUCH_EVERY_MS) await ctx.web.sessions.touch(idHash, new Date(now).toISOString());
  return { via: 'session', user, sessionIdHash: idHash, csrfToken: s.csrfToken };
}

export async function endSession(ctx: SessionsDeps, sessionIdHash: string): Promise<void> {
  await ctx.web.sessions.delete(sessionIdHash);
}

/** What `stillSignedIn` reads. */
export type StillSignedInDeps = WebSlice<'users', 'sessions' | 'apiTokens', 'clock'>;

/**
 * Whether a principal resolved earlier still holds: its session exists and has not expired, or
 * its token is not revoked, and its user exists and is enabled. A long-lived answer (the live
 * event stream) asks this on every poll, so that a logout, a revoked token or a disabled user
 * ends it within one poll (issue 10, item 7).
 */
export async function stillSignedIn(ctx: StillSignedInDeps, p: Principal): Promise<boolean> {
  const now = ctx.clock.now().getTime();
  if (p.via === 'session') {
    const s = await ctx.web.sessions.find(p.sessionIdHash);
    if (!s || now >= Date.parse(s.expiresAt)) return false;
  } else if (!(await ctx.web.apiTokens.isLive(p.tokenId))) return false;
  const user = await ctx.store.users.findById(p.user.id);
  return user !== null && !user.disabled;
}

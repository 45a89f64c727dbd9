import { z } from 'zod';
import type { AppSlice } from '../context.js';
import type { User } from '../../domain/entities.js';
import type { WebSlice } from '../web-context.js';
import { normalizeEmail } from '../../domain/case.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { claimLoginAttempt, settleLoginAttempt, type LoginThrottleDeps } from './throttle.js';
import { createSession, endSession, type NewSession, type SessionsDeps } from './sessions.js';

/** What this module's use cases reach of the context. */
export type LoginDeps = AppSlice<'audit' | 'users', 'clock' | 'hasher'> & LoginThrottleDeps & SessionsDeps & WebSlice<never, 'oneTimeTokens'>;

const loginInput = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

let dummyHash: Promise<string> | null = null;

/**
 * Checks the password and opens a new session. Unknown address, wrong password and disabled
 * account give the same `login_failed` after the same argon2 work (W10): the answer and its
 * timing do not tell whether an account exists. A previous session of the browser is ended
 * (the id rotates at login, RELIABILITY §9). The attempt is counted before the password is
 * checked (claimLoginAttempt): parallel guesses wait their turn like sequential ones.
 */
export async function login(
  ctx: LoginDeps,
  input: { email: string; password: string },
  meta: { ip: string | null; userAgent: string | null; previousSessionIdHash?: string | null },
): Promise<{ user: User; session: NewSession }> {
  const i = parseInput(loginInput, input);
  const account = normalizeEmail(i.email);
  const claim = await claimLoginAttempt(ctx, account, meta.ip);
  const user = await ctx.store.users.findByEmail(account);
  let ok: boolean;
  if (user?.passwordHash) ok = await ctx.hasher.verify(user.passwordHash, i.password);
  else if (user && !user.emailVerified) ok = await matchesPendingSignup(ctx, user, i.password);
  else {
    dummyHash ??= ctx.hasher.hash('no account has this password');
    await ctx.hasher.verify(await dummyHash, i.password);
    ok = false;
  }
  if (!ok || !user || user.disabled) {
    await settleLoginAttempt(ctx, claim, user ? 'wrong_password' : 'unknown_account');
    throw new AppError('login_failed');
  }
  await settleLoginAttempt(ctx, claim, 'success');
  // The password is right: telling the owner why they cannot enter yet reveals nothing new.
  if (!user.emailVerified) throw new AppError('email_unverified');
  if (meta.previousSessionIdHash) await endSession(ctx, meta.previousSessionIdHash);
  const session = await createSession(ctx, user.id, meta);
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: user.id, action: 'auth.login', target: user.id, detail: { ip: meta.ip } });
  return { user, session };
}

/**
 * A signed-up account has no password until its link is used (the password travels with the
 * link); the newest pending sign-up's password still earns the "verify your address first" hint.
 * One hash is checked, as for any other account.
 */
async function matchesPendingSignup(ctx: LoginDeps, user: User, password: string): Promise<boolean> {
  const [newest] = await ctx.web.oneTimeTokens.pendingPasswordHashes(user.id, 'verify_email', ctx.clock.now().toISOString(), 1);
  if (newest) return ctx.hasher.verify(newest, password);
  dummyHash ??= ctx.hasher.hash('no account has this password');
  await ctx.hasher.verify(await dummyHash, password);
  return false;
}

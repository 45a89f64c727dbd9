import { z } from 'zod';
import type { AppSlice } from '../context.js';
import type { User } from '../../domain/entities.js';
import { normalizeEmail } from '../../domain/case.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { assertNotThrottled, recordAttempt, type ThrottleDeps } from './throttle.js';
import { createSession, endSession, type NewSession, type SessionsDeps } from './sessions.js';

/** What this module's use cases reach of the context. */
export type LoginDeps = AppSlice<'audit' | 'users', 'clock' | 'hasher'> & ThrottleDeps & SessionsDeps;

const loginInput = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

let dummyHash: Promise<string> | null = null;

/**
 * Checks the password and opens a new session. Unknown address, wrong password and disabled
 * account give the same `login_failed` after the same argon2 work (W10): the answer and its
 * timing do not tell whether an account exists. A previous session of the browser is ended
 * (the id rotates at login, RELIABILITY §9).
 */
export async function login(
  ctx: LoginDeps,
  input: { email: string; password: string },
  meta: { ip: string | null; userAgent: string | null; previousSessionIdHash?: string | null },
): Promise<{ user: User; session: NewSession }> {
  const i = parseInput(loginInput, input);
  const account = normalizeEmail(i.email);
  await assertNotThrottled(ctx, 'login', account, meta.ip);
  const user = await ctx.store.users.findByEmail(account);
  let ok: boolean;
  if (user?.passwordHash) ok = await ctx.hasher.verify(user.passwordHash, i.password);
  else {
    dummyHash ??= ctx.hasher.hash('no account has this password');
    await ctx.hasher.verify(await dummyHash, i.password);
    ok = false;
  }
  if (!ok || !user || user.disabled) {
    await recordAttempt(ctx, 'login', account, meta.ip, false);
    throw new AppError('login_failed');
  }
  // The password is right: telling the owner why they cannot enter yet reveals nothing new.
  if (!user.emailVerified) throw new AppError('email_unverified');
  await recordAttempt(ctx, 'login', account, meta.ip, true);
  if (meta.previousSessionIdHash) await endSession(ctx, meta.previousSessionIdHash);
  const session = await createSession(ctx, user.id, meta);
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: user.id, action: 'auth.login', target: user.id, detail: { ip: meta.ip } });
  return { user, session };
}

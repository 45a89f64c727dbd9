import { z } from 'zod';
import type { ThrottleDeps } from './throttle.js';
import type { QueueMailDeps } from '../outbound/queue-mail.js';
import type { WebSlice } from '../web-context.js';
import { normalizeEmail } from '../../domain/case.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { queueMail } from '../outbound/queue-mail.js';
import { hashSecret, randomSecret } from './secrets.js';
import { assertNotThrottled, recordAttempt } from './throttle.js';
import { passwordSchema } from './signup.js';

/** What this module's use cases reach of the web context. */
export type PasswordResetDeps = WebSlice<'audit' | 'transaction' | 'users', 'oneTimeTokens' | 'sessions', 'clock' | 'hasher' | 'mail'> & QueueMailDeps & ThrottleDeps;

/** A reset link works for one hour: it is used right away or requested again. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/**
 * Sends a reset link to a known, enabled account. The caller learns nothing: the same answer for
 * unknown addresses (no enumeration). A new link voids the older ones.
 */
export async function requestPasswordReset(ctx: PasswordResetDeps, input: { email: string }, meta: { ip: string | null }): Promise<void> {
  const email = normalizeEmail(parseInput(z.object({ email: z.string().trim().min(1).max(320) }), input).email);
  await assertNotThrottled(ctx, 'password_reset', email, meta.ip);
  await recordAttempt(ctx, 'password_reset', email, meta.ip, true);
  const user = await ctx.store.users.findByEmail(email);
  if (!user || user.disabled) return;
  const token = randomSecret();
  const now = ctx.clock.now();
  await ctx.web.oneTimeTokens.invalidate(user.id, 'password_reset', now.toISOString());
  await ctx.web.oneTimeTokens.insert({
    tokenHash: hashSecret(token),
    purpose: 'password_reset',
    userId: user.id,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
  });
  await ctx.store.transaction((tx) =>
    queueMail(ctx, tx, {
      kind: 'password_reset',
      template: 'password_reset',
      language: user.language,
      to: { name: user.name, address: user.email },
      vars: { name: user.name, link: `${ctx.mail.publicUrl}/reset-password?token=${token}` },
    }),
  );
}

/**
 * Sets the new password with the token from the mail and ends every session of the account:
 * whoever knew the old password is out. The mail proved the address, so it counts as verified.
 */
export async function confirmPasswordReset(ctx: PasswordResetDeps, input: { token: string; password: string }): Promise<void> {
  const i = parseInput(z.object({ token: z.string().min(1).max(200), password: passwordSchema }), input);
  const now = ctx.clock.now().toISOString();
  const userId = await ctx.web.oneTimeTokens.consume(hashSecret(i.token), 'password_reset', now);
  if (!userId) throw new AppError('token_invalid');
  const user = await ctx.store.users.findById(userId);
  if (!user || user.disabled) throw new AppError('token_invalid');
  await ctx.store.users.update(userId, { passwordHash: await ctx.hasher.hash(i.password), emailVerified: true });
  await ctx.web.sessions.deleteForUser(userId);
  await ctx.store.audit.record({ at: now, actor: userId, action: 'auth.password_reset', target: userId });
}

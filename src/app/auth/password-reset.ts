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
export type PasswordResetDeps = WebSlice<'audit' | 'transaction' | 'users', 'apiTokens' | 'oneTimeTokens' | 'sessions', 'clock' | 'hasher' | 'mail'> & QueueMailDeps & ThrottleDeps;

/** A reset link works for one hour: it is used right away or requested again. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/**
 * A reset request in two halves, so that the answer leaves before the work that only a known
 * address causes (issue 10, item 9): `acceptPasswordReset` validates and counts the attempt (the
 * same for every address) and returns the address; `completePasswordReset` runs after the answer.
 */
export async function acceptPasswordReset(ctx: PasswordResetDeps, input: { email: string }, meta: { ip: string | null }): Promise<string> {
  const email = normalizeEmail(parseInput(z.object({ email: z.string().trim().min(1).max(320) }), input).email);
  await assertNotThrottled(ctx, 'password_reset', email, meta.ip);
  await recordAttempt(ctx, 'password_reset', email, meta.ip, true);
  return email;
}

/** Both halves at once (for callers that have no answer to send first). */
export async function requestPasswordReset(ctx: PasswordResetDeps, input: { email: string }, meta: { ip: string | null }): Promise<void> {
  await completePasswordReset(ctx, await acceptPasswordReset(ctx, input, meta));
}

/**
 * Sends a reset link to a known, enabled account; nothing for others. A new link voids the older
 * ones. The link is kept in the outbox only until the mail is sent, the token only as its hash.
 */
export async function completePasswordReset(ctx: PasswordResetDeps, email: string): Promise<void> {
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
      secretVars: ['link'],
    }),
  );
}

/**
 * Sets the new password with the token from the mail and ends every session of the account:
 * whoever knew the old password is out, and revokes every API token (issue 10, item 7): a reset
 * is what an owner does after losing control. The mail proved the address, so it counts as verified.
 */
export async function confirmPasswordReset(ctx: PasswordResetDeps, input: { token: string; password: string }): Promise<void> {
  const i = parseInput(z.object({ token: z.string().min(1).max(200), password: passwordSchema }), input);
  const now = ctx.clock.now().toISOString();
  const used = await ctx.web.oneTimeTokens.consume(hashSecret(i.token), 'password_reset', now);
  if (!used) throw new AppError('token_invalid');
  const { userId } = used;
  const user = await ctx.store.users.findById(userId);
  if (!user || user.disabled) throw new AppError('token_invalid');
  await ctx.store.users.update(userId, { passwordHash: await ctx.hasher.hash(i.password), emailVerified: true });
  await ctx.web.sessions.deleteForUser(userId);
  const tokensRevoked = await ctx.web.apiTokens.revokeForUser(userId, now);
  await ctx.store.audit.record({ at: now, actor: userId, action: 'auth.password_reset', target: userId, detail: { tokensRevoked } });
}

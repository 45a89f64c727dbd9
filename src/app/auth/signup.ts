import { z } from 'zod';
import type { UsersDeps } from '../users.js';
import type { ThrottleDeps } from './throttle.js';
import type { QueueMailDeps } from '../outbound/queue-mail.js';
import type { WebSlice } from '../web-context.js';
import { LANGUAGES, normalizeEmail, type Language } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { AppError } from '../errors.js';
import { addUser } from '../users.js';
import { parseInput } from '../parse-input.js';
import { queueMail } from '../outbound/queue-mail.js';
import { hashSecret, randomSecret } from './secrets.js';
import { assertNotThrottled, recordAttempt } from './throttle.js';

/** What this module's use cases reach of the web context. */
export type SignupDeps = WebSlice<'audit' | 'transaction' | 'users', 'oneTimeTokens', 'clock' | 'mail'> & QueueMailDeps & ThrottleDeps & UsersDeps;

/** A verification link works for 24 hours: long enough for a mail that waited over a weekend night, short enough to be useless in an old mailbox. */
export const VERIFY_TTL_MS = 24 * 60 * 60 * 1000;

const oneLine = (v: string) => !/[\r\n\0]/.test(v);

export const passwordSchema = z.string().min(8).max(1000);

const signupInput = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  name: z.string().trim().min(1).max(200).refine(oneLine, 'must not contain line breaks'),
  password: passwordSchema,
  language: z.enum(LANGUAGES).optional(),
});
export type SignupInput = z.input<typeof signupInput>;

/**
 * Customer self-registration. The account starts unverified and without an organisation (an
 * admin links it; claiming a company by typing its name would let anyone into its cases).
 * The answer is the same whether the address was new or known (no account enumeration); for a
 * known unverified address a fresh link is sent, for a verified one nothing.
 */
export async function signup(ctx: SignupDeps, input: SignupInput, meta: { ip: string | null }): Promise<void> {
  const i = parseInput(signupInput, input);
  const email = normalizeEmail(i.email);
  await assertNotThrottled(ctx, 'signup', email, meta.ip);
  await recordAttempt(ctx, 'signup', email, meta.ip, true);
  let user = await ctx.store.users.findByEmail(email);
  if (user && (user.emailVerified || user.disabled)) return;
  if (!user) {
    try {
      user = await addUser(ctx, { role: 'customer', email, name: i.name, password: i.password, lang: i.language, emailVerified: false });
    } catch (e) {
      // Two sign-ups of one address at once: the other one sends the link.
      if (e instanceof AppError && e.code === 'email_taken') return;
      throw e;
    }
  }
  await sendVerification(ctx, user);
}

/** Issues a new verification link (older ones stay valid until they expire) and queues the mail. */
export async function sendVerification(ctx: SignupDeps, user: User): Promise<void> {
  const token = randomSecret();
  const now = ctx.clock.now();
  await ctx.web.oneTimeTokens.insert({
    tokenHash: hashSecret(token),
    purpose: 'verify_email',
    userId: user.id,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + VERIFY_TTL_MS).toISOString(),
  });
  await ctx.store.transaction((tx) =>
    queueMail(ctx, tx, {
      kind: 'signup',
      template: 'signup',
      language: user.language as Language,
      to: { name: user.name, address: user.email },
      vars: { name: user.name, link: `${ctx.mail.publicUrl}/verify?token=${token}` },
    }),
  );
}

/** Confirms the address with the token from the mail; single use, 24 h (W2). */
export async function verifyEmail(ctx: SignupDeps, input: { token: string }): Promise<void> {
  const token = parseInput(z.object({ token: z.string().min(1).max(200) }), input).token;
  const userId = await ctx.web.oneTimeTokens.consume(hashSecret(token), 'verify_email', ctx.clock.now().toISOString());
  if (!userId) throw new AppError('token_invalid');
  await ctx.store.users.update(userId, { emailVerified: true });
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: userId, action: 'auth.verify', target: userId });
}

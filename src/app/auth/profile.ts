import { z } from 'zod';
import type { WebSlice } from '../web-context.js';
import type { Principal } from './principal.js';
import { LANGUAGES, isStaff } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { passwordSchema } from './signup.js';

/** What this module's use cases reach of the web context. */
export type ProfileDeps = WebSlice<'audit' | 'users', 'apiTokens' | 'sessions' | 'settings', 'clock' | 'hasher'>;

const profileInput = z
  .object({
    name: z.string().trim().min(1).max(200).refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks').optional(),
    language: z.enum(LANGUAGES).optional(),
    password: z.object({ current: z.string().min(1).max(1000), new: passwordSchema, revokeTokens: z.boolean().optional() }).optional(),
    notifyByEmail: z.boolean().optional(),
  })
  .strict();

/**
 * Name, language and password. The e-mail address cannot be changed here: it is the login and
 * the address mail replies are matched by, and a change to an unverified address is the classic
 * account takeover (W11). A password change needs the current one and ends the other sessions.
 * With `password.revokeTokens` it also revokes every API token of the user (issue 10, item 7);
 * an API token itself cannot change the password. `notifyByEmail` (staff only) opts in to a mail for every new customer reply they are notified of.
 */
export async function updateProfile(ctx: ProfileDeps, who: Principal, input: unknown): Promise<User> {
  const i = parseInput(profileInput, input);
  if (i.notifyByEmail !== undefined && !isStaff(who.user.role)) throw new AppError('forbidden', { de: 'Benachrichtigungs-E-Mails gibt es nur für den Support', en: 'notification mails are for agents' });
  const patch: Partial<Pick<User, 'name' | 'language' | 'passwordHash'>> = {};
  if (i.name !== undefined) patch.name = i.name;
  if (i.language !== undefined) patch.language = i.language;
  if (i.password) {
    if (who.via === 'token') throw new AppError('forbidden', { de: 'Ein API-Token kann das Passwort nicht ändern; melden Sie sich an, um es zu ändern.', en: 'An API token cannot change the password; log in to change it.' });
    const current = await ctx.store.users.findById(who.user.id);
    if (!current?.passwordHash || !(await ctx.hasher.verify(current.passwordHash, i.password.current))) throw new AppError('password_wrong');
    patch.passwordHash = await ctx.hasher.hash(i.password.new);
  }
  if (Object.keys(patch).length > 0) await ctx.store.users.update(who.user.id, patch);
  if (patch.passwordHash) await ctx.web.sessions.deleteForUser(who.user.id, who.via === 'session' ? who.sessionIdHash : undefined);
  const now = ctx.clock.now().toISOString();
  const tokensRevoked = patch.passwordHash && i.password?.revokeTokens ? await ctx.web.apiTokens.revokeForUser(who.user.id, now) : 0;
  if (i.notifyByEmail !== undefined) await ctx.web.settings.update(who.user.id, { notifyByEmail: i.notifyByEmail }, now);
  const fields = Object.keys(patch).map((k) => (k === 'passwordHash' ? 'password' : k));
  if (i.notifyByEmail !== undefined) fields.push('notifyByEmail');
  await ctx.store.audit.record({ at: now, actor: who.user.id, action: 'user.profile', target: who.user.id, detail: tokensRevoked ? { fields, tokensRevoked } : { fields } });
  return (await ctx.store.users.findById(who.user.id))!;
}

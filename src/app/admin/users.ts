import { z } from 'zod';
import type { UsersDeps } from '../users.js';
import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import { addUser, type AddUserInput } from '../users.js';
import { parseInput } from '../parse-input.js';
import { USER_ROLES } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { userView, type UserView } from '../portal/views.js';

/** What this module's use cases reach of the web context. */
export type AdminUsersDeps = WebSlice<'audit' | 'users', 'sessions', 'clock'> & UsersDeps;

export async function listUsers(ctx: AdminUsersDeps, input: { role?: string; organisationId?: string }): Promise<UserView[]> {
  const i = parseInput(z.object({ role: z.enum(USER_ROLES).optional(), organisationId: z.string().max(100).optional() }), input);
  return (await ctx.store.users.list(i)).map(userView);
}

/** An admin adds a user; the address counts as verified because the admin vouches for it. */
export async function createUser(ctx: AdminUsersDeps, admin: User, input: AddUserInput): Promise<UserView> {
  const u = await addUser(ctx, { ...input, emailVerified: true });
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: admin.id, action: 'admin.user.create', target: u.id });
  return userView(u);
}

/** Disables or enables a user; disabling ends their sessions at once. Admins cannot lock themselves out. */
export async function setUserDisabled(ctx: AdminUsersDeps, admin: User, userId: string, disabled: boolean): Promise<UserView> {
  const u = await ctx.store.users.findById(userId);
  if (!u) throw new AppError('user_not_found');
  if (u.id === admin.id && disabled) throw new AppError('cannot_disable_self', { de: 'Sie können Ihr eigenes Konto nicht sperren: Das kann nur ein anderer Admin', en: 'you cannot disable your own account: another admin can' });
  await ctx.store.users.update(u.id, { disabled });
  if (disabled) await ctx.web.sessions.deleteForUser(u.id);
  await ctx.store.audit.record({ at: ctx.clock.now().toISOString(), actor: admin.id, action: disabled ? 'admin.user.disable' : 'admin.user.enable', target: u.id });
  return userView({ ...u, disabled });
}

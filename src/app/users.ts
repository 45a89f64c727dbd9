import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppSlice } from './context.js';
import { AppError } from './errors.js';
import { parseInput } from './parse-input.js';
import { LANGUAGES, USER_ROLES, normalizeEmail, type Language, type UserRole } from '../domain/case.js';
import type { Organisation, User } from '../domain/entities.js';

/** What this module's use cases reach of the context. */
export type UsersDeps = AppSlice<'organisations' | 'transaction' | 'users', 'clock' | 'hasher' | 'mail'>;

const addUserInput = z.object({
  role: z.enum(USER_ROLES),
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200).refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks'),
  org: z.string().trim().min(1).max(200).optional(),
  customerNo: z.string().trim().min(1).max(50).optional(),
  lang: z.enum(LANGUAGES).optional(),
  password: z.string().min(8).max(1000).optional(),
  orgAdmin: z.boolean().optional(),
  emailVerified: z.boolean().optional(),
});
export type AddUserInput = z.input<typeof addUserInput>;

/** Finds the organisation by name or creates it (with its customer number). */
export async function ensureOrganisation(ctx: UsersDeps, name: string, customerNo: string | null): Promise<Organisation> {
  const existing = await ctx.store.organisations.findByName(name);
  if (existing) return existing;
  const o: Organisation = { id: randomUUID(), name, customerNo, createdAt: ctx.clock.now().toISOString() };
  await ctx.store.organisations.insert(o);
  return o;
}

export async function addUser(ctx: UsersDeps, input: AddUserInput): Promise<User> {
  const i = parseInput(addUserInput, input);
  const passwordHash = i.password ? await ctx.hasher.hash(i.password) : null;
  return ctx.store.transaction(async (tx) => {
    const t = { ...ctx, store: tx };
    if (await tx.users.findByEmail(i.email)) throw new AppError('email_taken', { de: `ein Benutzer mit der E-Mail-Adresse ${i.email} existiert bereits`, en: `a user with the e-mail address ${i.email} exists already` });
    const org = i.org ? await ensureOrganisation(t, i.org, i.customerNo ?? null) : null;
    const u: User = {
      id: randomUUID(),
      email: normalizeEmail(i.email),
      name: i.name,
      role: i.role as UserRole,
      language: (i.lang ?? ctx.mail.defaultLanguage) as Language,
      passwordHash,
      disabled: false,
      emailVerified: i.emailVerified ?? true,
      organisationId: org?.id ?? null,
      orgAdmin: i.orgAdmin ?? false,
      createdAt: ctx.clock.now().toISOString(),
    };
    try {
      await tx.users.insert(u);
    } catch (e) {
      // Two concurrent adds of the same address: the unique index decides.
      if (/unique|duplicate/i.test(String((e as Error).message))) throw new AppError('email_taken', { de: `ein Benutzer mit der E-Mail-Adresse ${i.email} existiert bereits`, en: `a user with the e-mail address ${i.email} exists already` });
      throw e;
    }
    await tx.audit.record({ at: u.createdAt, actor: null, action: 'user.add', target: u.id, detail: { email: u.email, role: u.role } });
    return u;
  });
}

export async function requireUserByEmail(ctx: UsersDeps, email: string): Promise<User> {
  const u = await ctx.store.users.findByEmail(email);
  if (!u) throw new AppError('user_not_found', { de: `es gibt keinen Benutzer mit der E-Mail-Adresse ${email.trim().toLowerCase()}`, en: `there is no user with the e-mail address ${email.trim().toLowerCase()}` });
  return u;
}

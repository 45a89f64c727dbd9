import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WebSlice } from '../web-context.js';
import { API_TOKEN_SCOPES, type ApiTokenRecord, type ApiTokenScope } from './ports.js';
import type { Principal } from './principal.js';
import { AppError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { hashSecret, randomSecret } from './secrets.js';

/** What this module's use cases reach of the web context. */
export type ApiTokensDeps = WebSlice<'audit' | 'users', 'apiTokens', 'clock'>;

/** Personal API tokens look like `spt_<43 base64url characters>`: the prefix makes a leaked one findable by secret scanners. */
export const API_TOKEN_PREFIX = 'spt_';
const TOKEN_PATTERN = /^spt_[A-Za-z0-9_-]{43}$/;
const TOUCH_EVERY_MS = 60 * 1000;

export type ApiTokenView = Omit<ApiTokenRecord, 'tokenHash' | 'userId'>;

function view(t: ApiTokenRecord): ApiTokenView {
  return { id: t.id, name: t.name, scope: t.scope, prefix: t.prefix, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt };
}

const createInput = z.object({ name: z.string().trim().min(1).max(100), scope: z.enum(API_TOKEN_SCOPES).default('write') });

/**
 * Creates a token for the caller; the secret is returned this once and stored only hashed. Only a
 * signed-in person creates tokens (issue 10, item 7): a leaked token cannot mint itself a
 * successor that outlives its revocation. The scope is `write` unless asked: `admin` is never
 * given by default, and only an admin may ask for it.
 */
export async function createApiToken(ctx: ApiTokensDeps, who: Principal, input: { name: string; scope?: ApiTokenScope }): Promise<{ token: string; info: ApiTokenView }> {
  if (who.via === 'token') throw new AppError('forbidden', { de: 'Ein API-Token kann keine API-Tokens anlegen; melden Sie sich an, um eines anzulegen.', en: 'An API token cannot create API tokens; log in to create one.' });
  const { name, scope } = parseInput(createInput, input);
  if (scope === 'admin' && who.user.role !== 'admin') throw new AppError('forbidden', { de: 'Nur Admins können Admin-Tokens anlegen.', en: 'Only admins can create admin tokens.' });
  const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
  const rec: ApiTokenRecord = {
    id: randomUUID(),
    userId: who.user.id,
    name,
    scope,
    tokenHash: hashSecret(token),
    prefix: token.slice(0, 8),
    createdAt: ctx.clock.now().toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await ctx.web.apiTokens.insert(rec);
  await ctx.store.audit.record({ at: rec.createdAt, actor: who.user.id, action: 'token.create', target: rec.id, detail: { scope } });
  return { token, info: view(rec) };
}

export async function listApiTokens(ctx: ApiTokensDeps, who: Principal): Promise<ApiTokenView[]> {
  return (await ctx.web.apiTokens.list(who.user.id)).map(view);
}

/** A principal that came by token may do this with its scope: GET needs read, changes write, admin routes admin. */
export function tokenAllows(scope: ApiTokenScope, need: { write: boolean; adminRoute: boolean }): boolean {
  if (need.adminRoute && scope !== 'admin') return false;
  return !need.write || scope !== 'read';
}

export async function revokeApiToken(ctx: ApiTokensDeps, who: Principal, id: string): Promise<void> {
  const at = ctx.clock.now().toISOString();
  if (!(await ctx.web.apiTokens.revoke(id, who.user.id, at))) throw new AppError('not_found');
  await ctx.store.audit.record({ at, actor: who.user.id, action: 'token.revoke', target: id });
}

/** The principal of a bearer token, or null when it is malformed, unknown, revoked or its user disabled. */
export async function resolveApiToken(ctx: ApiTokensDeps, bearer: string): Promise<Principal | null> {
  if (!TOKEN_PATTERN.test(bearer)) return null;
  const t = await ctx.web.apiTokens.findByHash(hashSecret(bearer));
  if (!t || t.revokedAt) return null;
  const user = await ctx.store.users.findById(t.userId);
  if (!user || user.disabled) return null;
  const now = ctx.clock.now();
  if (!t.lastUsedAt || now.getTime() - Date.parse(t.lastUsedAt) >= TOUCH_EVERY_MS) await ctx.web.apiTokens.touch(t.id, now.toISOString());
  return { via: 'token', user, tokenId: t.id, scope: t.scope };
}

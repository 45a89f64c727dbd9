import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Clock } from '../ports.js';
import { definitionProblem, type MailboxDefinition, type MailboxSecrets, type MailboxState, type MailboxStateCode, type OAuthSettings } from './mailbox.js';
import type { AuthorizationCodeClient, MailboxStore, SecretBox, StoredMailbox } from './ports.js';

/**
 * The admin's mailboxes: list, create or change (secrets sealed before they are stored), delete,
 * the state each one is in, and the "Connect mailbox" authorization-code flow with PKCE.
 *
 *   const view = await saveMailbox(ctx, { definition, secrets: { clientSecret } }, 'admin');
 *   const { url } = await startConnect(ctx, 'support'); // the admin's browser goes there
 *   const key = await finishConnect(ctx, { state, code }); // the callback: refresh token stored
 */
export interface MailboxContext {
  mailboxes: MailboxStore;
  box: SecretBox;
  codeClient: AuthorizationCodeClient;
  clock: Clock;
  /** The portal's public URL: the connect flow's redirect URI hangs below it. */
  publicUrl: string;
  /** A mailbox was added, changed or removed: the mailbox channel picks it up. */
  changed?(key: string): void;
}

/** What the admin page shows of a mailbox: never a secret, only whether one is stored. */
export interface MailboxView {
  key: string;
  user: string;
  imapUrl: string;
  auth: MailboxDefinition['auth'];
  oauth: OAuthSettings | null;
  source: StoredMailbox['source'];
  state: MailboxState;
  stored: { password: boolean; clientSecret: boolean; privateKey: boolean; refreshToken: boolean };
  updatedAt: string;
}

/** The path of the connect flow's callback, below the public URL. */
export const CONNECT_CALLBACK_PATH = '/api/admin/mailboxes/oauth/callback';
// Ten minutes for a login and a consent page; a state older than that is refused.
const CONNECT_TTL_MS = 10 * 60_000;

const aadOf = (key: string) => `mailbox:${key}`;
const sha256 = (v: string, enc: 'hex' | 'base64url') => createHash('sha256').update(v).digest(enc);

export function openSecrets(ctx: Pick<MailboxContext, 'box'>, m: StoredMailbox): MailboxSecrets {
  if (!m.sealedSecrets) return {};
  return JSON.parse(ctx.box.open(m.sealedSecrets, aadOf(m.definition.key))) as MailboxSecrets;
}

function viewOf(ctx: Pick<MailboxContext, 'box'>, m: StoredMailbox): MailboxView {
  let s: MailboxSecrets = {};
  try {
    s = openSecrets(ctx, m);
  } catch {
    // Sealed under another SUPPORTAL_SECRET: shown as not stored, so that the admin enters them again.
  }
  const d = m.definition;
  return {
    key: d.key, user: d.user, imapUrl: d.imapUrl, auth: d.auth, oauth: d.oauth, source: m.source, state: m.state, updatedAt: m.updatedAt,
    stored: { password: Boolean(s.password), clientSecret: Boolean(s.clientSecret), privateKey: Boolean(s.privateKeyPem), refreshToken: Boolean(s.refreshToken) },
  };
}

export async function listMailboxes(ctx: Pick<MailboxContext, 'mailboxes' | 'box'>): Promise<MailboxView[]> {
  return (await ctx.mailboxes.list()).map((m) => viewOf(ctx, m));
}

async function need(ctx: Pick<MailboxContext, 'mailboxes'>, key: string): Promise<StoredMailbox> {
  const m = await ctx.mailboxes.get(key);
  if (!m) throw new AppError('mailbox_not_found', { de: `Ein Postfach „${key}“ gibt es nicht.`, en: `There is no mailbox "${key}".` });
  return m;
}

/** The settings that name whom a refresh token was granted by: changing one drops the token. */
function grantIdentity(o: OAuthSettings | null): string {
  return JSON.stringify(o ? [o.preset, o.clientId, o.issuer, o.tenant] : null);
}

/**
 * Creates or replaces a mailbox. Secrets left out keep their stored value (the admin page never
 * sees them, so it cannot send them back); an empty string removes one.
 */
export async function saveMailbox(
  ctx: Omit<MailboxContext, 'codeClient' | 'publicUrl'>,
  input: { definition: MailboxDefinition; secrets: MailboxSecrets },
  source: StoredMailbox['source'],
): Promise<MailboxView> {
  const d = input.definition;
  const existing = await ctx.mailboxes.get(d.key);
  if (existing?.source === 'config' && source === 'admin') {
    throw new AppError('forbidden', { de: `Das Postfach „${d.key}“ ist in der Konfiguration festgelegt (SUPPORTAL_MAILBOXES); ändern Sie es dort.`, en: `The mailbox "${d.key}" is set in the configuration (SUPPORTAL_MAILBOXES); change it there.` });
  }
  const old = existing ? openSecretsOrEmpty(ctx, existing) : {};
  const secrets: MailboxSecrets = { ...old };
  for (const [k, v] of Object.entries(input.secrets) as Array<[keyof MailboxSecrets, string | undefined]>) {
    if (v === undefined) continue;
    if (v === '') delete secrets[k];
    else secrets[k] = v;
  }
  if (existing && grantIdentity(existing.definition.oauth) !== grantIdentity(d.oauth) && input.secrets.refreshToken === undefined) delete secrets.refreshToken;
  const problem = definitionProblem(d, secrets);
  if (problem) throw new AppError('invalid_input', { de: `${problem.field}: die Angabe fehlt oder ist ungültig`, en: `${problem.field}: ${problem.message}` }, { field: problem.field });
  const sealed = Object.keys(secrets).length ? ctx.box.seal(JSON.stringify(secrets), aadOf(d.key)) : null;
  const sameAsBefore = existing && JSON.stringify(existing.definition) === JSON.stringify(d) && JSON.stringify(old) === JSON.stringify(secrets);
  if (!sameAsBefore) {
    await ctx.mailboxes.put({ definition: d, sealedSecrets: sealed, source, updatedAt: ctx.clock.now().toISOString() });
    ctx.changed?.(d.key);
  }
  return viewOf(ctx, (await ctx.mailboxes.get(d.key))!);
}

function openSecretsOrEmpty(ctx: Pick<MailboxContext, 'box'>, m: StoredMailbox): MailboxSecrets {
  try {
    return openSecrets(ctx, m);
  } catch {
    return {};
  }
}

export async function deleteMailbox(ctx: Pick<MailboxContext, 'mailboxes' | 'changed'>, key: string, source: StoredMailbox['source'] = 'admin'): Promise<void> {
  const m = await need(ctx, key);
  if (m.source === 'config' && source === 'admin') throw new AppError('forbidden', { de: `Das Postfach „${key}“ ist in der Konfiguration festgelegt (SUPPORTAL_MAILBOXES); entfernen Sie es dort.`, en: `The mailbox "${key}" is set in the configuration (SUPPORTAL_MAILBOXES); remove it there.` });
  await ctx.mailboxes.remove(key);
  ctx.changed?.(key);
}

/** The mailbox channel reports a state change (green after a pass, or why it cannot log in). */
export async function recordMailboxState(ctx: Pick<MailboxContext, 'mailboxes' | 'clock'>, key: string, code: MailboxStateCode, detail: string | null): Promise<void> {
  await ctx.mailboxes.setState(key, { code, detail: detail?.slice(0, 1000) ?? null, at: ctx.clock.now().toISOString() });
}

/** Stores a refresh token the authorization server issued (the connect flow, or a rotation). */
export async function storeRefreshToken(ctx: Pick<MailboxContext, 'mailboxes' | 'box' | 'clock'>, key: string, refreshToken: string): Promise<void> {
  const m = await need(ctx, key);
  const secrets = { ...openSecretsOrEmpty(ctx, m), refreshToken };
  await ctx.mailboxes.put({ ...m, sealedSecrets: ctx.box.seal(JSON.stringify(secrets), aadOf(key)), updatedAt: m.updatedAt });
}

/** Starts "Connect mailbox": the authorization URL the admin's browser is sent to. */
export async function startConnect(ctx: MailboxContext, key: string): Promise<{ url: string }> {
  const m = await need(ctx, key);
  const o = m.definition.oauth;
  if (m.definition.auth !== 'oauth2' || !o || o.preset !== 'google') {
    throw new AppError('invalid_input', { de: 'Nur ein Postfach mit der Vorgabe Google wird im Browser verbunden; die anderen nutzen Client-Zugangsdaten.', en: 'Only a mailbox with the Google preset is connected in the browser; the others use client credentials.' }, { field: 'key' });
  }
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(24).toString('base64url');
  await ctx.mailboxes.setPendingConnect({
    key,
    stateHash: sha256(state, 'hex'),
    sealedVerifier: ctx.box.seal(verifier, `connect:${key}`),
    expiresAt: new Date(ctx.clock.now().getTime() + CONNECT_TTL_MS).toISOString(),
  });
  try {
    const url = await ctx.codeClient.authorizationUrl(o, {
      redirectUri: `${ctx.publicUrl}${CONNECT_CALLBACK_PATH}`, state, codeChallenge: sha256(verifier, 'base64url'), loginHint: m.definition.user,
    });
    return { url };
  } catch (err) {
    throw new AppError('unavailable', { de: `Der Autorisierungsserver ist nicht erreichbar: ${(err as Error).message}`, en: `The authorization server cannot be asked: ${(err as Error).message}` });
  }
}

/**
 * The callback of "Connect mailbox": exchanges the code (with the PKCE verifier) for a refresh
 * token and stores it sealed. Answers the mailbox key; throws with the reason as `code`.
 */
export async function finishConnect(ctx: MailboxContext, p: { state: string; code: string | null; error: string | null }): Promise<string> {
  const pending = await ctx.mailboxes.takePendingConnect(sha256(p.state, 'hex'));
  if (!pending || new Date(pending.expiresAt).getTime() < ctx.clock.now().getTime()) throw new ConnectFailed(null, 'expired', 'The connect link is unknown, used or expired; start again.');
  if (p.error || !p.code) {
    await recordMailboxState(ctx, pending.key, 'not_connected', `the authorization server answered: ${p.error ?? 'no code'}`);
    throw new ConnectFailed(pending.key, 'denied', `The authorization server answered: ${p.error ?? 'no code'}`);
  }
  const m = await need(ctx, pending.key);
  const secrets = openSecretsOrEmpty(ctx, m);
  try {
    const refreshToken = await ctx.codeClient.exchangeCode(m.definition.oauth!, secrets.clientSecret ?? null, {
      code: p.code, redirectUri: `${ctx.publicUrl}${CONNECT_CALLBACK_PATH}`, codeVerifier: ctx.box.open(pending.sealedVerifier, `connect:${pending.key}`),
    });
    await storeRefreshToken(ctx, pending.key, refreshToken);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const detail = (err as { detail?: string }).detail ?? (err as Error).message;
    await recordMailboxState(ctx, pending.key, code === 'invalid_client' ? 'invalid_client' : 'not_connected', detail);
    throw new ConnectFailed(pending.key, 'exchange_failed', detail);
  }
  await recordMailboxState(ctx, pending.key, 'new', null);
  ctx.changed?.(pending.key);
  return pending.key;
}

export class ConnectFailed extends Error {
  constructor(readonly key: string | null, readonly reason: 'expired' | 'denied' | 'exchange_failed', message: string) {
    super(message);
    this.name = 'ConnectFailed';
  }
}

import type { Logger } from 'pino';
import type { Runtime } from './composition.js';
import type { ConfigMailbox } from './config/config.js';
import type { MailboxDefinition, MailboxSecrets } from './app/mailboxes/mailbox.js';
import type { AccessTokenSource, StoredMailbox } from './app/mailboxes/ports.js';
import { openSecrets, recordMailboxState, saveMailbox, storeRefreshToken, type MailboxContext } from './app/mailboxes/mailboxes.js';
import { createMailboxStore } from './db/stores/mailboxes.js';
import { createSecretBox } from './oauth/secret-box.js';
import { authorizationCodeClient } from './oauth/token-client.js';
import { createAccessTokenSource } from './oauth/access-token-source.js';
import { startImapSource, type ImapSource } from './inbound/sources/imap-source.js';

/**
 * The inbound mailboxes of the admin page and of SUPPORTAL_MAILBOXES, each fetched by its own
 * mailbox channel with its own credentials (part of the composition root: it wires the store,
 * the sealed secrets, the OAuth2 token sources and the IMAP sources together).
 *
 * Each mailbox runs under its stable `key`; with `underLease` (serve) only the node holding the
 * lease `mailbox:<key>` fetches it, so several nodes on one database never poll it twice.
 */

/** How often the table is read again, so that a change made on another node's admin page starts here too. */
const RELOAD_MS = 30_000;

export function mailboxContextFor(rt: Runtime): MailboxContext {
  return {
    mailboxes: createMailboxStore(rt.db),
    box: createSecretBox(rt.config.secret),
    codeClient: authorizationCodeClient,
    clock: rt.ctx.clock,
    publicUrl: rt.config.publicUrl,
  };
}

function definitionOf(m: ConfigMailbox): { definition: MailboxDefinition; secrets: MailboxSecrets } {
  const o = m.oauth;
  return {
    definition: {
      key: m.key, user: m.user, imapUrl: m.imapUrl, auth: o ? 'oauth2' : 'password',
      oauth: o
        ? {
            preset: o.preset, clientId: o.clientId, tenant: o.tenant ?? null, issuer: o.issuer ?? null, scope: o.scope ?? null,
            credential: o.certificatePem ? 'certificate' : 'secret', certificatePem: o.certificatePem ?? null,
          }
        : null,
    },
    // Left out = keep (a refresh token from the connect flow survives a restart).
    secrets: { password: m.password, clientSecret: o?.clientSecret, privateKeyPem: o?.privateKeyPem },
  };
}

/** Stores the mailboxes of the configuration (sealed) and removes those taken out of it. */
export async function syncConfigMailboxes(ctx: MailboxContext, list: readonly ConfigMailbox[]): Promise<void> {
  for (const m of list) await saveMailbox(ctx, definitionOf(m), 'config');
  const keys = new Set(list.map((m) => m.key));
  for (const stored of await ctx.mailboxes.list()) {
    if (stored.source === 'config' && !keys.has(stored.definition.key)) await ctx.mailboxes.remove(stored.definition.key);
  }
}

/** The access tokens of a stored mailbox: secrets opened fresh for each request, rotated refresh tokens stored. */
export function tokenSourceFor(ctx: MailboxContext, m: StoredMailbox, log: Logger): AccessTokenSource {
  const key = m.definition.key;
  return createAccessTokenSource({
    user: m.definition.user,
    settings: m.definition.oauth!,
    secrets: async () => {
      const now = await ctx.mailboxes.get(key);
      return now ? openSecrets(ctx, now) : {};
    },
    onRefreshToken: (t) => storeRefreshToken(ctx, key, t),
    onFetched: (t) => log.debug({ mailboxKey: key, expiresAt: t.expiresAt ? new Date(t.expiresAt).toISOString() : null }, 'access token fetched'),
  });
}

/** The IMAP URL of a definition with the login user (and the password, for password mailboxes). */
function urlWithUser(d: MailboxDefinition, secrets: MailboxSecrets): string {
  const u = new URL(d.imapUrl);
  u.username = encodeURIComponent(d.user);
  if (d.auth === 'password') u.password = encodeURIComponent(secrets.password ?? '');
  return u.toString();
}

export interface MailboxRunner {
  /** The mailbox changed (admin page, connect flow): restart it now. */
  changed(key: string): void;
  stop(): Promise<void>;
}

/** Runs a mailbox's source only while this node holds the mailbox's lease (several nodes on one database). */
export type UnderLease = (key: string, start: () => { stop(): Promise<void> }) => { stop(): Promise<void> };

export function startMailboxes(rt: Runtime, ctx: MailboxContext, opts: { onStored: () => void; pollMs?: number; underLease?: UnderLease }): MailboxRunner {
  const log = rt.log.child({ component: 'mailboxes' });
  const running = new Map<string, { source: { stop(): Promise<void> }; version: string }>();
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const forced = new Set<string>();

  function start(m: StoredMailbox): ImapSource {
    const d = m.definition;
    const key = d.key;
    let secrets: MailboxSecrets = {};
    try {
      secrets = openSecrets(ctx, m);
    } catch (err) {
      void recordMailboxState(ctx, key, 'error', (err as Error).message);
    }
    return startImapSource({
      url: urlWithUser(d, secrets),
      ctx: rt.ctx,
      log: log.child({ mailboxKey: key }),
      key,
      pollMs: opts.pollMs,
      tokens: d.auth === 'oauth2' && d.oauth ? tokenSourceFor(ctx, m, log) : undefined,
      onStored: opts.onStored,
      onState: (code, detail) => {
        recordMailboxState(ctx, key, code, detail).catch((err: unknown) => log.warn({ err, mailboxKey: key }, 'recording the mailbox state failed'));
      },
    });
  }

  async function reload(): Promise<void> {
    if (stopped) return;
    const all = await ctx.mailboxes.list();
    const seen = new Set<string>();
    for (const m of all) {
      const key = m.definition.key;
      seen.add(key);
      const version = `${m.updatedAt}|${JSON.stringify(m.definition)}`;
      const current = running.get(key);
      if (current && current.version === version && !forced.has(key)) continue;
      forced.delete(key);
      if (current) await current.source.stop();
      try {
        running.set(key, { source: opts.underLease ? opts.underLease(key, () => start(m)) : start(m), version });
        log.info({ mailboxKey: key, auth: m.definition.auth, preset: m.definition.oauth?.preset ?? null }, current ? 'mailbox restarted' : 'mailbox started');
      } catch (err) {
        running.delete(key);
        await recordMailboxState(ctx, key, 'error', (err as Error).message);
      }
    }
    for (const [key, r] of running) {
      if (seen.has(key)) continue;
      running.delete(key);
      await r.source.stop();
      log.info({ mailboxKey: key }, 'mailbox removed; no longer fetched');
    }
  }

  const schedule = (): void => {
    chain = chain.then(reload).catch((err: unknown) => log.warn({ err }, 'reading the mailboxes failed'));
  };
  schedule();
  const timer = setInterval(schedule, RELOAD_MS);
  timer.unref();

  return {
    changed(key) {
      forced.add(key);
      schedule();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
      await Promise.all([...running.values()].map((r) => r.source.stop()));
      running.clear();
    },
  };
}

import type { Clock, RelayStateCode, RelayStateStore, RelayTarget } from '../ports.js';
import type { OutboxTickResult } from './outbox-relay.js';

/**
 * The outgoing relay's state for the admin page: red when the relay refuses the login (the mails
 * wait in the outbox), green once it accepts a mail again. Every `serve` process that sends
 * records what its outbox passes found; the row in the database is shared, so the page shows the
 * same whichever node answers.
 *
 *   const relay = createRelayStateTracker({ states, clock, ...relayTargetOf(relayUrl), loginFailedPrefix: RELAY_LOGIN_FAILED });
 *   await relay.start();                        // once, when the outbox loop starts
 *   await relay.observe(tick.items);            // after each pass
 *   const view = await showRelayState(states, relayConfigured);   // the admin API
 */

/**
 * While the outcome stays the same, a process asks the database again only this often: a state
 * another node wrote meanwhile (its login refused while this node still sends) is put right within
 * a minute, and a busy outbox costs one statement a minute instead of one per mail.
 */
export const RELAY_STATE_RECHECK_MS = 60_000;
/** The relay's words are kept to this length (a greeting or a 535 answer is well under 200 characters). */
const DETAIL_MAX = 500;

/** The relay named by SUPPORTAL_RELAY_URL as the admin may see it, and the credentials its words must never show. */
export function relayTargetOf(relayUrl: string | null): { target: RelayTarget; secrets: string[] } {
  if (!relayUrl) return { target: { host: null, oauthMailbox: null }, secrets: [] };
  const u = new URL(relayUrl);
  // The ports smtp-transport.ts connects to when the URL names none.
  const port = u.port || (u.protocol === 'smtps:' ? '465' : '587');
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  // A relay echoing a login would show it plain or as the base64 of AUTH PLAIN or AUTH LOGIN.
  const secrets = password
    ? [password, Buffer.from(password).toString('base64'), Buffer.from(`\0${user}\0${password}`).toString('base64')]
    : [];
  return { target: { host: `${u.hostname}:${port}`, oauthMailbox: u.searchParams.get('oauth') }, secrets };
}

/** An SMTP answer from the relay itself (`451 4.3.0 …`), unlike a connection error (`connect ECONNREFUSED …`). */
const SMTP_REPLY = /^[2-5]\d\d[\s-]/;

/**
 * What one outbox pass says about the relay; null when it says nothing (no mail, or only answers
 * about a mail). The last outcome of the pass counts (they arrive in the order the relay answered):
 * - sent → `ok`;
 * - retrying with a refused login (the error starts with `loginFailedPrefix`) → `login_refused`;
 * - retrying for any other reason that is not an answer of the relay (refused connection, timeout,
 *   a dropped socket), or the relay closing with 421 → `unreachable`;
 * - another temporary answer (a 4xx about this mail or its recipient) and failures for good say
 *   nothing about the relay: it took the connection and the login.
 */
export function relayStateOf(items: OutboxTickResult['items'], loginFailedPrefix: string): { code: RelayStateCode; detail: string | null } | null {
  let found: { code: RelayStateCode; detail: string | null } | null = null;
  for (const i of items) {
    if (i.outcome === 'sent') found = { code: 'ok', detail: null };
    else if (i.outcome !== 'retrying') continue;
    else if (i.error?.startsWith(loginFailedPrefix)) found = { code: 'login_refused', detail: i.error.slice(loginFailedPrefix.length).replace(/^:\s*/, '') || null };
    else if (!SMTP_REPLY.test(i.error ?? '') || i.error?.startsWith('421')) found = { code: 'unreachable', detail: i.error ?? null };
  }
  return found;
}

function withoutSecrets(text: string | null, secrets: readonly string[]): string | null {
  if (text === null) return null;
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('…');
  return out.slice(0, DETAIL_MAX);
}

export interface RelayStateTracker {
  /** When the outbox loop starts: a relay not seen before (no row, or another host or mailbox) starts at `new`. */
  start(): Promise<void>;
  /** After an outbox pass: records the state the pass shows, when it differs from the one last recorded. */
  observe(items: OutboxTickResult['items']): Promise<void>;
}

export function createRelayStateTracker(deps: {
  states: RelayStateStore;
  clock: Clock;
  target: RelayTarget;
  /** The start of a retrying mail's error when the relay refused the login (the transport's RELAY_LOGIN_FAILED). */
  loginFailedPrefix: string;
  /** Credentials of the relay URL, cut out of the relay's words before they are stored. */
  secrets?: readonly string[];
  recheckMs?: number;
}): RelayStateTracker {
  const { states, clock, target } = deps;
  const recheckMs = deps.recheckMs ?? RELAY_STATE_RECHECK_MS;
  // What this process last recorded and when it last asked the database: a pass that finds the
  // same costs no statement (never a write per sent mail).
  let last: { code: RelayStateCode; detail: string | null; checkedAt: number } | null = null;
  return {
    async start() {
      const stored = await states.read();
      if (stored && stored.target.host === target.host && stored.target.oauthMailbox === target.oauthMailbox) return;
      await states.write({ code: 'new', detail: null, at: clock.now().toISOString(), target });
      last = null;
    },
    async observe(items) {
      const seen = relayStateOf(items, deps.loginFailedPrefix);
      if (!seen) return;
      const detail = withoutSecrets(seen.detail, deps.secrets ?? []);
      const now = clock.now();
      if (last && last.code === seen.code && last.detail === detail && now.getTime() - last.checkedAt < recheckMs) return;
      await states.write({ code: seen.code, detail, at: now.toISOString(), target });
      last = { code: seen.code, detail, checkedAt: now.getTime() };
    },
  };
}

/** What the admin page shows of the relay: its state, host and OAuth2 mailbox, never a credential. */
export interface RelayStateView {
  /** False: no relay is configured and every mail stays in the local outbox. */
  configured: boolean;
  host: string | null;
  oauthMailbox: string | null;
  /** Null when no relay is configured; `new` with `at` null when no node has started one yet. */
  state: { code: RelayStateCode; detail: string | null; at: string | null } | null;
}

export async function showRelayState(states: Pick<RelayStateStore, 'read'>, configured: boolean): Promise<RelayStateView> {
  if (!configured) return { configured: false, host: null, oauthMailbox: null, state: null };
  const s = await states.read();
  if (!s) return { configured: true, host: null, oauthMailbox: null, state: { code: 'new', detail: null, at: null } };
  return { configured: true, host: s.target.host, oauthMailbox: s.target.oauthMailbox, state: { code: s.code, detail: s.detail, at: s.at } };
}

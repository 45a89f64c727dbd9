import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { AppContext } from '../../app/context.js';
import { openRawSpool, receiveMail, type ReceivedEnvelope, type ReceiveResult } from '../../app/ingest/receive-mail.js';
import { RAW_CHUNK_BYTES } from '../../domain/raw-mail.js';
import { LIMITS } from '../../config/limits.js';
import type { AccessToken, AccessTokenSource } from '../../app/mailboxes/ports.js';
import { MAILBOX_STATES, type MailboxStateCode } from '../../app/mailboxes/mailbox.js';
import { parseImapUrl } from './imap-endpoint.js';
import { fetchRaw, recipientsOf, streamRaw } from './imap-message.js';

/**
 * The mailbox channel: fetches every not-yet-processed message of one IMAP mailbox, stores it
 * with receiveMail and only then moves it to the processed mailbox (or, where the server cannot
 * create or move, flags it with PROCESSED_KEYWORD + \Seen). "Not processed" never means
 * "unseen": a message another client has read is still fetched.
 *
 *   const source = startImapSource({ url: 'imaps://support%40example.com:secret@imap.example.com/INBOX', ctx, log });
 *   ...
 *   await source.stop();
 *
 * Ordering per message (RELIABILITY promise 1, T10): FETCH (BODY.PEEK, leaves flags alone) →
 * receiveMail commits → MOVE/STORE. A crash or a dropped connection between commit and MOVE
 * leaves the message in the mailbox; the next pass stores it again, and the content dedupe turns
 * that copy into a `duplicate` row (promise 4, S6), after which it is moved.
 *
 * OAuth2 (`tokens`): the login is SASL OAUTHBEARER when the server offers it, else XOAUTH2
 * (imapflow's choice). A refused token is renewed once and the login tried again; refused again,
 * or no token to be had (revoked grant, wrong client or tenant), the pass fails with the reason
 * as the mailbox state (`onState`), an alert in the log, and the usual back-off; nothing is
 * fetched, so every message stays in the mailbox. A connection logged in with a token logs in
 * anew when that token is due for renewal (Exchange Online ends sessions whose token expired),
 * also in the middle of IDLE: messages arriving meanwhile are found by the next pass's search.
 */

export const PROCESSED_KEYWORD = '$SupportalProcessed';
export const DEFAULT_PROCESSED_MAILBOX = 'Supportal/Processed';

/** Without IDLE the mailbox is polled this often; with IDLE this is the safety net for retries. */
const DEFAULT_POLL_MS = 60_000;
// RFC 2177 asks clients to re-issue IDLE at least every 29 minutes; 5 minutes also keeps NAT
// and firewall state alive on the way.
const IDLE_RESTART_MS = 5 * 60_000;
/** Reconnect back-off after a failed connection or pass: 1 s doubling to 60 s. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;
export interface ImapSourceOptions {
  /** `imap://user:pass@host:port/INBOX` (STARTTLS when offered) or `imaps://…` (TLS, default port 993). */
  url: string;
  ctx: AppContext;
  log: Logger;
  /** Where processed messages are moved; `/` separates levels. Default `Supportal/Processed`. */
  processedMailbox?: string;
  /** Poll interval in ms when the server has no IDLE (and retry interval for failed messages). */
  pollMs?: number;
  onStored?: (r: ReceiveResult) => void;
  /** OAuth2 instead of the URL's password: the login user and its access tokens. */
  tokens?: AccessTokenSource;
  /** The mailbox's stable name, in every log line. */
  key?: string;
  /** Called when the mailbox's state changes: `ok` after a pass, or why connecting failed. */
  onState?: (state: MailboxStateCode, detail: string | null) => void;
}

export interface FetchSummary {
  /** New mails stored. */
  stored: number;
  /** Copies whose bytes were stored before (a refetch, or the same mail by SMTP and IMAP). */
  duplicates: number;
  /** Messages left untouched on the server, to be tried on the next pass. */
  failed: number;
}

export interface ImapSource {
  /** Stops polling and IDLE, waits for a running pass, logs out. */
  stop(): Promise<void>;
  /** Runs one pass now (after a running one); rejects when the server cannot be reached. */
  fetchNow(): Promise<FetchSummary>;
}

/** Storing failed (our fault, temporary), as opposed to the IMAP connection failing. */
class StoreError extends Error {
  constructor(override readonly cause: unknown) {
    super(`storing failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

interface Connection {
  client: ImapFlow;
  /** 'move' when the processed mailbox exists or could be created, else 'keyword'. */
  ack: 'move' | 'keyword';
}

type ItemResult = 'stored' | 'duplicate' | 'failed' | 'gone';

/** The server refused the login (after one renewed token, for OAuth2). */
class LoginRefused extends Error {
  readonly code = 'auth_failed' as const;
  constructor(readonly detail: string) {
    super(`the IMAP server refused the login: ${detail}`);
  }
}

function isLoginRefusal(err: unknown): boolean {
  return Boolean((err as { authenticationFailed?: boolean })?.authenticationFailed);
}

/** A mailbox state for a failed pass: the token source's or the login's reason, else unreachable. */
function stateOf(err: unknown): { code: MailboxStateCode; detail: string } {
  const e = err as { code?: unknown; detail?: unknown; message?: string };
  if (typeof e?.code === 'string' && (MAILBOX_STATES as readonly string[]).includes(e.code) && typeof e.detail === 'string') {
    return { code: e.code as MailboxStateCode, detail: e.detail };
  }
  return { code: 'unreachable', detail: e?.message ?? String(err) };
}

export function startImapSource(opts: ImapSourceOptions): ImapSource {
  const endpoint = parseImapUrl(opts.url);
  const processedParts = (opts.processedMailbox ?? DEFAULT_PROCESSED_MAILBOX).split('/').filter((p) => p !== '');
  if (processedParts.length === 0) throw new Error('the processed mailbox name is empty');
  if (processedParts.join('/').toUpperCase() === endpoint.mailbox.toUpperCase()) {
    throw new Error('the processed mailbox must differ from the mailbox that is fetched');
  }
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const log = opts.log.child({ channel: 'imap', mailbox: endpoint.mailbox, server: `${endpoint.host}:${endpoint.port}`, ...(opts.key ? { mailboxKey: opts.key } : {}) });
  let lastState: MailboxStateCode | null = null;
  let renewTimer: NodeJS.Timeout | null = null;

  let conn: Connection | null = null;
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  let passQueued = false;
  let pollTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryMs = 0;
  let lastUidValidity: bigint | null = null;

  /** Passes never overlap: one connection, one selected mailbox, one message at a time. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = chain.then(fn, fn);
    chain = p.catch(() => undefined);
    return p;
  }

  function dropConnection(): void {
    const c = conn;
    conn = null;
    if (renewTimer) clearTimeout(renewTimer);
    renewTimer = null;
    if (c && !c.client.isClosed) c.client.close();
  }

  function setState(code: MailboxStateCode, detail: string | null): void {
    if (code === lastState) return;
    lastState = code;
    opts.onState?.(code, detail);
  }

  /** Logs out a connection whose token is due and connects again with a renewed one. */
  function renewLogin(client: ImapFlow): void {
    renewTimer = null;
    exclusive(async () => {
      if (stopped || conn?.client !== client) return;
      conn = null;
      log.info('access token due for renewal; logging in again');
      if (client.idling) await client.noop().catch(() => undefined);
      await client.logout().catch(() => client.close());
    }).finally(schedulePass).catch(() => undefined);
  }

  async function connect(): Promise<Connection> {
    if (conn && conn.client.usable) return conn;
    dropConnection();
    if (!opts.tokens) return open({ user: endpoint.user, pass: endpoint.pass }, null);
    const tokens = opts.tokens;
    const first = await tokens.token(false);
    try {
      return await open({ user: tokens.user, accessToken: first.value }, first);
    } catch (err) {
      if (!isLoginRefusal(err)) throw err;
      log.warn({ err: (err as { response?: string }).response ?? (err as Error).message }, 'the access token was refused; renewing it once');
    }
    const renewed = await tokens.token(true);
    try {
      return await open({ user: tokens.user, accessToken: renewed.value }, renewed);
    } catch (err) {
      if (!isLoginRefusal(err)) throw err;
      throw new LoginRefused((err as { response?: string }).response ?? (err as Error).message);
    }
  }

  async function open(auth: { user: string; pass: string } | { user: string; accessToken: string }, token: AccessToken | null): Promise<Connection> {
    const client = new ImapFlow({
      host: endpoint.host,
      port: endpoint.port,
      secure: endpoint.secure,
      // Left unset for imap://: upgrade when the server offers STARTTLS, plain otherwise.
      auth,
      logger: false,
      // IDLE is started by us after each pass, not after an inactivity delay (15 s by default),
      // so that new mail is seen at once.
      disableAutoIdle: true,
      maxIdleTime: IDLE_RESTART_MS,
    });
    client.on('error', (err: Error) => log.warn({ err: err.message }, 'IMAP connection error'));
    client.on('exists', (e) => {
      if (e.count > e.prevCount) schedulePass();
    });
    client.on('close', () => {
      if (conn?.client !== client) return;
      conn = null;
      if (!stopped) {
        log.warn('IMAP connection closed; reconnecting');
        scheduleRetry();
      }
    });
    try {
      await client.connect();
      const c: Connection = { client, ack: await prepareProcessedMailbox(client) };
      conn = c;
      if (token?.renewAt != null) {
        renewTimer = setTimeout(() => renewLogin(client), Math.max(0, token.renewAt - Date.now()));
        renewTimer.unref();
      }
      return c;
    } catch (err) {
      client.close();
      if (isLoginRefusal(err) && !opts.tokens) throw new LoginRefused((err as { response?: string }).response ?? (err as Error).message);
      throw err;
    }
  }

  /** Ensures the processed mailbox exists; where it cannot be created, processed messages are flagged instead. */
  async function prepareProcessedMailbox(client: ImapFlow): Promise<'move' | 'keyword'> {
    const status = await client.status(processedParts, { messages: true }).catch(() => false as const);
    if (status) return 'move';
    try {
      await client.mailboxCreate(processedParts);
      log.info({ processedMailbox: processedParts.join('/') }, 'created the processed mailbox');
      return 'move';
    } catch (err) {
      log.warn(
        { err: (err as Error).message, keyword: PROCESSED_KEYWORD },
        'cannot create the processed mailbox; processed messages stay in the mailbox, flagged',
      );
      return 'keyword';
    }
  }

  async function acknowledge(c: Connection, uid: number): Promise<void> {
    if (c.ack === 'move') {
      const moved = await c.client.messageMove(String(uid), processedParts, { uid: true });
      if (moved) return;
      log.warn({ uid }, 'MOVE was refused; flagging the message instead');
    }
    const flagged = await c.client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD, '\\Seen'], { uid: true });
    if (!flagged) throw new Error(`the server refused to flag UID ${uid}`);
  }

  /**
   * A big message goes into storage chunk by chunk as it is fetched (never whole in memory);
   * 'buffered' when it must be fetched whole after all (a 0x80 byte, see streamRaw). A storage
   * fault is a StoreError.
   */
  async function streamToStore(client: ImapFlow, uid: number, envelope: ReceivedEnvelope): Promise<ReceiveResult | 'gone' | 'buffered'> {
    const spool = openRawSpool(opts.ctx, envelope);
    try {
      const how = await streamRaw(client, uid, (chunk) => spool.write(chunk).catch((err: unknown) => Promise.reject(new StoreError(err))));
      if (how !== 'complete') {
        await spool.discard();
        return how === 'gone' ? 'gone' : 'buffered';
      }
      return await spool.finish().catch((err: unknown) => Promise.reject(new StoreError(err)));
    } catch (err) {
      await spool.discard().catch(() => undefined);
      throw err;
    }
  }

  async function processOne(c: Connection, uid: number, uidValidity: bigint): Promise<ItemResult> {
    const client = c.client;
    const meta = await client.fetchOne(String(uid), { uid: true, size: true, envelope: true, headers: ['delivered-to'] }, { uid: true });
    if (!meta) return 'gone';
    // Over the product limit is still stored (the pipeline quarantines it as too_large); beyond
    // the ceiling the bytes would not fit the memory bound, so it stays on the server.
    if (meta.size !== undefined && meta.size > LIMITS.maxMessageBytesCeiling) {
      log.error({ uid, size: meta.size, ceiling: LIMITS.maxMessageBytesCeiling }, 'message too large to fetch; left in the mailbox');
      return 'failed';
    }
    const envelope = { channel: 'imap' as const, envelopeFrom: null, envelopeTo: recipientsOf(meta), remoteIp: null };
    let result: ReceiveResult;
    try {
      const streamed = meta.size !== undefined && meta.size > RAW_CHUNK_BYTES ? await streamToStore(client, uid, envelope) : 'buffered';
      if (streamed === 'gone') return 'gone';
      if (streamed === 'buffered') {
        const raw = await fetchRaw(client, uid);
        if (raw === null) return 'gone';
        result = await receiveMail(opts.ctx, { ...envelope, raw }).catch((err: unknown) => Promise.reject(new StoreError(err)));
      } else {
        result = streamed;
      }
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      // Our own fault is temporary (promise 2): the message stays, untouched, for the next pass.
      log.error({ uid, err: (err.cause as Error).message }, 'storing the message failed; left in the mailbox');
      return 'failed';
    }
    try {
      // Only the UID we fetched may be acknowledged: under a new UIDVALIDITY it names another message.
      if (client.mailbox && client.mailbox.uidValidity === uidValidity) await acknowledge(c, uid);
    } catch (err) {
      if (!client.usable) throw err;
      log.warn({ uid, err: (err as Error).message }, 'stored, but not moved or flagged; the next pass sees it as a duplicate');
    } finally {
      opts.onStored?.(result);
    }
    return result.duplicateOf ? 'duplicate' : 'stored';
  }

  async function pass(): Promise<FetchSummary> {
    if (stopped) throw new Error('the IMAP source is stopped');
    const c = await connect();
    const summary: FetchSummary = { stored: 0, duplicates: 0, failed: 0 };
    const lock = await c.client.getMailboxLock(endpoint.mailbox);
    try {
      const mb = c.client.mailbox;
      if (!mb) throw new Error(`mailbox ${endpoint.mailbox} is not selected`);
      const uidValidity = mb.uidValidity;
      if (lastUidValidity !== null && lastUidValidity !== uidValidity) {
        // UIDs are not kept between passes, so a new UIDVALIDITY needs nothing but a refetch of
        // what is there; content dedupe keeps one copy of each mail (T10).
        log.warn({ before: String(lastUidValidity), now: String(uidValidity) }, 'UIDVALIDITY changed; refetching the mailbox');
      }
      lastUidValidity = uidValidity;
      if (c.ack === 'keyword' && mb.permanentFlags && !mb.permanentFlags.has('\\*') && !mb.permanentFlags.has(PROCESSED_KEYWORD)) {
        // Fetching without a way to mark the message would store it again on every pass.
        throw new Error(`the server can neither move messages to ${processedParts.join('/')} nor store the keyword ${PROCESSED_KEYWORD}`);
      }
      // Not-processed = everything in the mailbox (processed mail is moved away) that does not
      // carry our keyword (the fallback when moving is impossible). Never "unseen".
      const uids = await c.client.search({ unKeyword: PROCESSED_KEYWORD }, { uid: true });
      if (uids === false || uids === undefined) throw new Error('the server refused SEARCH');
      for (const uid of uids) {
        if (stopped) break;
        if (c.client.mailbox === false || c.client.mailbox.uidValidity !== uidValidity) {
          // The UIDs of this search are stale; a fresh pass searches again.
          schedulePass();
          break;
        }
        let r: ItemResult;
        try {
          r = await processOne(c, uid, uidValidity);
        } catch (err) {
          // A dropped connection ends the pass: nothing after this point was acknowledged.
          if (!c.client.usable) throw err;
          log.error({ uid, err: (err as Error).message }, 'processing the message failed; left in the mailbox');
          r = 'failed';
        }
        if (r === 'stored') summary.stored++;
        else if (r === 'duplicate') summary.duplicates++;
        else if (r === 'failed') summary.failed++;
      }
    } finally {
      lock.release();
    }
    retryMs = 0;
    if (summary.stored + summary.duplicates + summary.failed > 0) log.info(summary, 'IMAP pass done');
    return summary;
  }

  function armPoll(): void {
    if (pollTimer) clearTimeout(pollTimer);
    if (stopped) return;
    pollTimer = setTimeout(() => {
      pollTimer = null;
      schedulePass();
    }, pollMs);
    pollTimer.unref();
  }

  function startIdle(): void {
    const c = conn;
    if (stopped || passQueued || !c || !c.client.usable || !c.client.capabilities.has('IDLE')) return;
    c.client.idle({ whenFree: true }).catch((err: Error) => log.warn({ err: err.message }, 'IDLE failed'));
  }

  function scheduleRetry(): void {
    if (stopped || retryTimer) return;
    retryMs = Math.min(retryMs === 0 ? RETRY_BASE_MS : retryMs * 2, RETRY_MAX_MS);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      schedulePass();
    }, retryMs);
    retryTimer.unref();
  }

  /** Runs a pass and keeps the loop going: poll timer, IDLE, or a reconnect with back-off. */
  async function backgroundPass(): Promise<FetchSummary> {
    try {
      const s = await pass();
      setState('ok', null);
      armPoll();
      startIdle();
      return s;
    } catch (err) {
      if (!stopped) {
        dropConnection();
        scheduleRetry();
        const state = stateOf(err);
        if (state.code !== lastState && state.code !== 'unreachable') {
          // An admin has to act (revoked grant, wrong client, tenant or password): an alert.
          log.error({ alert: 'mailbox_login', state: state.code, detail: state.detail, retryInMs: retryMs }, 'the mailbox cannot log in; its messages stay on the server');
        } else {
          log.warn({ err: (err as Error).message, state: state.code, retryInMs: retryMs }, 'IMAP pass failed; nothing unstored was moved or flagged');
        }
        setState(state.code, state.detail);
      }
      throw err;
    }
  }

  function schedulePass(): void {
    if (stopped || passQueued) return;
    passQueued = true;
    exclusive(async () => {
      passQueued = false;
      return backgroundPass();
    }).catch(() => undefined);
  }

  schedulePass();

  return {
    fetchNow: () => exclusive(backgroundPass),
    async stop() {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      if (retryTimer) clearTimeout(retryTimer);
      if (renewTimer) clearTimeout(renewTimer);
      pollTimer = retryTimer = renewTimer = null;
      const c = conn;
      // Breaks IDLE so that a pass waiting for the connection can finish.
      if (c?.client.idling) await c.client.noop().catch(() => undefined);
      await chain;
      conn = null;
      if (c && c.client.usable) await c.client.logout().catch(() => c.client.close());
      else if (c) c.client.close();
    },
  };
}

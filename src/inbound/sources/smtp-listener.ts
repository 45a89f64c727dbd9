import { chmodSync, lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { RawSpool, ReceivedEnvelope, ReceiveResult } from '../../app/ingest/receive-mail.js';
import { LIMITS } from '../../config/limits.js';
import { countReceivedHeaders, MAX_RECEIVED_HEADERS } from '../../domain/trace-headers.js';
import { DEFAULT_RECIPIENT, UNKNOWN_SENDER_PARAM } from '../../config/ingest-handoff.js';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** A Unix socket to listen on instead of host:port (LMTP behind a local MTA); its peers have no IP. */
  path?: string | null;
  lmtp: boolean;
  maxMessageBytes: number;
  /** Which recipients we take: support address, its plus addresses, no-reply and bounce addresses. */
  acceptsRecipient(address: string): boolean;
  /**
   * Opens the durable store of one mail (openRawSpool): the listener streams DATA into it and
   * answers 250 only after its `finish` resolved.
   */
  openSpool(envelope: ReceivedEnvelope): RawSpool;
  onStored?(r: ReceiveResult): void;
  tls?: { keyFile: string; certFile: string } | null;
  log: Logger;
  /** Told of every session that was let in and of its end, in pairs (the metrics' session gauge). */
  sessions?: { opened(): void; closed(): void };
  /** Defaults from LIMITS; tests lower them. */
  maxClients?: number;
  socketTimeoutMs?: number;
  /** How long a session in its DATA phase may still finish after stopAccepting; default LIMITS.shutdownGraceMs. */
  shutdownGraceMs?: number;
  /**
   * The MTA pipe's handoff (src/config/ingest-handoff.ts): LMTP on a Unix socket (mode 0600)
   * instead of host:port, the mail stored as a `pipe` mail with the envelope `supportal ingest`
   * was given, exactly as ingest would store it itself: any recipient, one stored copy for all of
   * them (answered once per recipient), no loop refusal (the pipeline records loops as ignored).
   */
  handoff?: { socketPath: string; supportAddress: string } | null;
}

export interface SmtpListener {
  address: string;
  port: number;
  /**
   * Graceful stop: no new connections; sessions between mails are answered 421 4.3.2 at once;
   * a session in its DATA phase may finish (its mail is stored and answered 250, or refused
   * 4xx) within the grace period, then it too gets 421 4.3.2 and is closed. Resolves when every
   * mail handler has settled, so that nothing writes to the database afterwards.
   */
  stopAccepting(): Promise<void>;
}

const SHUTTING_DOWN = '4.3.2 Service shutting down, try again later';

function tempError(message: string, code = 451): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** A full disk is answered 452 4.3.1 ("insufficient system storage", RFC 3463), other faults 451 4.3.0 (T2). */
export function storageFailure(err: unknown, rcpt?: string): Error & { responseCode: number } {
  const code = String((err as { code?: string })?.code ?? '');
  const who = rcpt ? `<${rcpt}> ` : '';
  if (code === 'ENOSPC' || code.startsWith('SQLITE_FULL') || code === '53100') {
    return tempError(`4.3.1 ${who}Insufficient system storage, try again later`, 452);
  }
  return tempError(`4.3.0 ${who}Temporary failure storing the message, try again later`);
}

/**
 * A thin protocol entry point over receiveMail. SIZE is advertised and checked at MAIL FROM;
 * an undeclared oversize stream is refused with 552 after DATA and nothing is kept (T6). Our own
 * faults answer 451 4.3.0 so that the sender retries (promise 2). LMTP answers once per
 * recipient: each recipient's copy is stored on its own (T8).
 */
export async function startSmtpListener(o: SmtpListenerOptions): Promise<SmtpListener> {
  const tls = o.tls ? { key: readFileSync(o.tls.keyFile), cert: readFileSync(o.tls.certFile) } : {};
  // smtp-server also calls onClose for a connection dropped before onConnect: only pairs count.
  const openSessions = new Set<string>();
  const graceMs = o.shutdownGraceMs ?? LIMITS.shutdownGraceMs;
  /** Mail handlers still running, by session id: what a graceful stop waits for. */
  const inFlight = new Map<string, Promise<unknown>>();
  const handoff = o.handoff ?? null;
  const lmtp = o.lmtp || handoff !== null;
  const server = new SMTPServer({
    lmtp,
    size: o.maxMessageBytes,
    authOptional: true,
    disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    maxClients: o.maxClients ?? LIMITS.maxSmtpClients,
    banner: 'Supportal',
    logger: false,
    // A socket peer has no address to look up.
    ...(o.path || handoff ? { disableReverseLookup: true } : {}),
    // Slowloris and idle clients (T11).
    socketTimeout: o.socketTimeoutMs ?? 60_000,
    // Our own grace timer (stopAccepting) answers 421 4.3.2 first; this is only the library's backstop.
    closeTimeout: graceMs + 5_000,
    ...tls,
    onConnect(session, cb) {
      openSessions.add(session.id);
      o.sessions?.opened();
      cb();
    },
    onClose(session) {
      if (openSessions.delete(session.id)) o.sessions?.closed();
    },
    onMailFrom(address, session, cb) {
      const declared = Number((address.args as Record<string, string> | false | undefined) && (address.args as Record<string, string>).SIZE);
      if (declared && declared > o.maxMessageBytes) {
        return cb(Object.assign(new Error(`5.3.4 Message size ${declared} exceeds the limit of ${o.maxMessageBytes} bytes`), { responseCode: 552 }));
      }
      cb();
    },
    onRcptTo(address, session, cb) {
      if (session.envelope.rcptTo.length >= LIMITS.maxRecipients) return cb(Object.assign(new Error('4.5.3 Too many recipients'), { responseCode: 452 }));
      // The pipe takes any recipient the MTA names; the pipeline judges it (as `ingest` does itself).
      if (handoff) return cb();
      if (!o.acceptsRecipient(address.address.toLowerCase())) return cb(Object.assign(new Error(`5.1.1 <${address.address}>: no such mailbox here`), { responseCode: 550 }));
      cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const mailFrom = session.envelope.mailFrom || null;
      let envelopeFrom: string | null = mailFrom ? mailFrom.address : '';
      const channel = handoff ? ('pipe' as const) : o.lmtp ? ('lmtp' as const) : ('smtp' as const);
      let rcpts = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      if (handoff) {
        const args = mailFrom && (mailFrom.args as Record<string, unknown> | false);
        if (args && args[UNKNOWN_SENDER_PARAM]) envelopeFrom = null;
        rcpts = rcpts.map((r) => (r === DEFAULT_RECIPIENT ? handoff.supportAddress : r));
      }
      // SMTP and the pipe's handoff: one stored mail for all recipients. LMTP: one per recipient, each answered on its own (T8).
      const perRecipient = o.lmtp && !handoff;
      const spools = (perRecipient ? rcpts.map((r) => [r]) : [rcpts]).map((envelopeTo) => ({
        rcpt: envelopeTo.length === 1 && perRecipient ? envelopeTo[0]! : undefined,
        spool: o.openSpool({ channel, envelopeFrom, envelopeTo, remoteIp: handoff || o.path ? null : session.remoteAddress || null }),
        error: null as unknown,
      }));
      const handled = receiveData(stream, spools, o.maxMessageBytes, !handoff);
      inFlight.set(session.id, handled);
      void handled.finally(() => inFlight.delete(session.id)).catch(() => undefined);
      void handled.then(
        (outcome) => {
          if (outcome === 'too_big') return cb(Object.assign(new Error('5.3.4 Message too big'), { responseCode: 552 }));
          if (outcome === 'loop') {
            // A mail that has passed more than 100 hops is looping: refused for good, nothing kept (L4).
            // Mailbox and pipe mails cannot be refused; the pipeline stores them as ignored/loop.
            return cb(Object.assign(new Error(`5.4.6 Mail loop: more than ${MAX_RECEIVED_HEADERS} Received headers`), { responseCode: 554 }));
          }
          if (handoff) {
            // One stored copy, the same answer for every recipient; ingest prints the mail's id.
            const only = spools[0]!;
            const answer = only.error ? storageFailure(only.error) : handoffAnswer(outcome[0]!);
            if (only.error) o.log.error({ err: only.error }, 'storing a mail handed over by supportal ingest failed; answered 451');
            else {
              o.log.info({ mail: outcome[0]!.mailId, duplicateOf: outcome[0]!.duplicateOf, channel }, 'mail handed over by supportal ingest stored');
              o.onStored?.(outcome[0]!);
            }
            return cb(null, rcpts.map(() => answer) as unknown as string);
          }
          if (!o.lmtp) {
            const only = spools[0]!;
            if (only.error) {
              o.log.error({ err: only.error }, 'storing an inbound mail failed; answered 451');
              return cb(storageFailure(only.error));
            }
            o.onStored?.(outcome[0]!);
            return cb(null, `2.0.0 Ok: stored as ${outcome[0]!.mailId}`);
          }
          // LMTP: one answer per recipient, in RCPT order.
          const answers = spools.map((s, i) => {
            if (!s.error) {
              o.onStored?.(outcome[i]!);
              return `2.0.0 <${s.rcpt}> stored as ${outcome[i]!.mailId}`;
            }
            o.log.error({ err: s.error, rcpt: s.rcpt }, 'storing an inbound mail failed; answered 451 for this recipient');
            return storageFailure(s.error, s.rcpt);
          });
          cb(null, answers as unknown as string);
        },
        (err: unknown) => cb(tempError(`4.3.0 ${(err as Error).message}`)),
      );
    },
  });
  server.on('error', (err) => o.log.warn({ err }, 'SMTP listener error'));
  if (handoff) greetAtOnce(server);
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const listening = () => {
        server.off('error', reject);
        resolve();
      };
      if (handoff) server.listen(handoff.socketPath, listening);
      else if (o.path) server.listen(o.path, listening);
      else server.listen(o.port, o.host, listening);
    });
  if (handoff) await listenOnSocket(handoff.socketPath, listen);
  else {
    if (o.path) removeStaleSocket(o.path);
    await listen();
    // Owner and group only: the MTA's user is put into the group (docs/operations.md).
    if (o.path) chmodSync(o.path, 0o660);
  }
  const addr = server.server.address() as { address: string; port: number } | string;
  return {
    address: typeof addr === 'string' ? `unix:${addr}` : `${addr.address}:${addr.port}`,
    port: typeof addr === 'string' ? 0 : addr.port,
    async stopAccepting() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const refuse = (c: { send(code: number, text: string, context: false): void; close(): void }) => {
        c.send(421, SHUTTING_DOWN, false);
        c.close();
      };
      // A session without a mail in progress has nothing to finish (the library would answer its
      // next command 421 anyway): closed now, so that an idle pooled client does not hold the stop.
      for (const c of server.connections) if (!inFlight.has(c.session.id)) refuse(c);
      const grace = setTimeout(() => {
        for (const c of server.connections) refuse(c);
      }, graceMs);
      try {
        // A handler whose client was cut off discards its chunks; one that already committed
        // answers into a closed socket and the sender retries (deduplicated, promise 4).
        while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
        await closed;
      } finally {
        clearTimeout(grace);
      }
    },
  };
}

/**
 * The handoff greets its client as soon as the connection is taken. smtp-server holds every
 * greeting back by 100 ms to catch spammers that talk before it ("early talkers"); on the
 * handoff socket, which only this user's `supportal ingest` can open (mode 0600), that wait was
 * half of an ingest's 200 ms (measured, docs/benchmarks.md section 2) and bought nothing. The
 * session starts as the library's own timer would start it, only now: its later call finds a
 * session already started and does nothing. Greeted before the client's first bytes are read,
 * a client that sends its commands right away is answered, not refused with 421 "You talk too
 * soon" (the handoff client's test checks exactly that, so a library that changes this is noticed).
 */
function greetAtOnce(server: SMTPServer): void {
  const connect = server.connect.bind(server);
  server.connect = (socket, socketOptions) => {
    connect(socket, socketOptions);
    // The connection connect() just added (a Set iterates in insertion order). One refused at
    // once (too many clients) has left the set already: the last is then an older session, whose
    // connectionReady is the no-op below, so nothing happens to it.
    const connection = [...server.connections].at(-1);
    if (!connection) return;
    const ready = connection.connectionReady.bind(connection);
    connection.connectionReady = () => undefined;
    ready();
  };
}

/** The handoff's 250 text, read by `supportal ingest` (src/cli/handoff-client.ts). */
function handoffAnswer(r: ReceiveResult): string {
  return r.duplicateOf ? `2.0.0 Ok: duplicate, stored as ${r.mailId}` : `2.0.0 Ok: stored as ${r.mailId}`;
}

/**
 * Listens on a Unix socket that only this user may use (0600). A socket file left by a serve
 * that was killed answers nothing (ECONNREFUSED): it is removed and the listen retried. One that
 * answers belongs to another serve on the same data directory: that one keeps it.
 */
async function listenOnSocket(path: string, listen: () => Promise<void>): Promise<void> {
  try {
    await listen();
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    const alive = await new Promise<boolean>((resolve) => {
      const c = createConnection(path);
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (alive) throw err;
    unlinkSync(path);
    await listen();
  }
  chmodSync(path, 0o600);
}

/** A socket file left by a process that died cannot be listened on again; anything else is not ours to delete. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

interface SpoolTarget {
  spool: RawSpool;
  /** Why this copy could not be stored (then it is answered 4xx and its chunks are discarded). */
  error: unknown;
}

/**
 * Streams DATA into every spool as it arrives: the mail is never concatenated in memory, a big
 * one goes to the database chunk by chunk, and the socket is paused while a chunk is written.
 * Past the size limit nothing more is kept (smtp-server answers 552 itself when the stream
 * ends); a loop is judged on the header block once it is complete. The result per spool is its
 * ReceiveResult, or its `error` is set.
 */
async function receiveData(stream: NodeJS.ReadableStream & { sizeExceeded?: boolean }, targets: SpoolTarget[], maxBytes: number, refuseLoops = true): Promise<'too_big' | 'loop' | Array<ReceiveResult | null>> {
  let size = 0;
  const write = async (chunk: Buffer): Promise<void> => {
    await Promise.all(
      targets.map(async (t) => {
        if (t.error) return;
        try {
          await t.spool.write(chunk);
        } catch (err) {
          t.error = err;
        }
      }),
    );
  };
  const discardAll = () => Promise.all(targets.map((t) => t.spool.discard().catch(() => undefined)));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= maxBytes) await write(chunk);
    }
  } catch (err) {
    // The client went away before the final dot: nothing of the mail is kept (T3).
    await discardAll();
    throw err;
  }
  if (stream.sizeExceeded || size > maxBytes) {
    await discardAll();
    return 'too_big';
  }
  if (refuseLoops && targets.length > 0 && countReceivedHeaders(targets[0]!.spool.head()) > MAX_RECEIVED_HEADERS) {
    await discardAll();
    return 'loop';
  }
  return Promise.all(
    targets.map(async (t) => {
      if (t.error) {
        await t.spool.discard().catch(() => undefined);
        return null;
      }
      try {
        return await t.spool.finish();
      } catch (err) {
        t.error = err;
        await t.spool.discard().catch(() => undefined);
        return null;
      }
    }),
  );
}

import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { ReceivedMail, ReceiveResult } from '../../app/ingest/receive-mail.js';
import { LIMITS } from '../../config/limits.js';
import { countReceivedHeaders, MAX_RECEIVED_HEADERS } from '../../domain/trace-headers.js';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  lmtp: boolean;
  maxMessageBytes: number;
  /** Which recipients we take: support address, its plus addresses, no-reply and bounce addresses. */
  acceptsRecipient(address: string): boolean;
  /** Stores one mail durably (receiveMail); the listener answers 250 only after it resolved. */
  receive(m: ReceivedMail): Promise<ReceiveResult>;
  onStored?(r: ReceiveResult): void;
  tls?: { keyFile: string; certFile: string } | null;
  log: Logger;
  /** Defaults from LIMITS; tests lower them. */
  maxClients?: number;
  socketTimeoutMs?: number;
}

export interface SmtpListener {
  address: string;
  port: number;
  stopAccepting(): Promise<void>;
}

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
  const server = new SMTPServer({
    lmtp: o.lmtp,
    size: o.maxMessageBytes,
    authOptional: true,
    disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    maxClients: o.maxClients ?? LIMITS.maxSmtpClients,
    banner: 'Supportal',
    logger: false,
    // Slowloris and idle clients (T11).
    socketTimeout: o.socketTimeoutMs ?? 60_000,
    closeTimeout: 30_000,
    ...tls,
    onMailFrom(address, session, cb) {
      const declared = Number((address.args as Record<string, string> | false | undefined) && (address.args as Record<string, string>).SIZE);
      if (declared && declared > o.maxMessageBytes) {
        return cb(Object.assign(new Error(`5.3.4 Message size ${declared} exceeds the limit of ${o.maxMessageBytes} bytes`), { responseCode: 552 }));
      }
      cb();
    },
    onRcptTo(address, session, cb) {
      if (session.envelope.rcptTo.length >= LIMITS.maxRecipients) return cb(Object.assign(new Error('4.5.3 Too many recipients'), { responseCode: 452 }));
      if (!o.acceptsRecipient(address.address.toLowerCase())) return cb(Object.assign(new Error(`5.1.1 <${address.address}>: no such mailbox here`), { responseCode: 550 }));
      cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        // Keep nothing past the limit; smtp-server answers 552 itself when the stream ends.
        if (size <= o.maxMessageBytes) chunks.push(c);
      });
      stream.on('error', (err) => cb(tempError(`4.3.0 ${err.message}`)));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return cb(Object.assign(new Error('5.3.4 Message too big'), { responseCode: 552 }));
        const raw = Buffer.concat(chunks, size);
        // A mail that has passed more than 100 hops is looping: refused for good, nothing kept (L4).
        // Mailbox and pipe mails cannot be refused; the pipeline stores them as ignored/loop.
        if (countReceivedHeaders(raw) > MAX_RECEIVED_HEADERS) {
          return cb(Object.assign(new Error(`5.4.6 Mail loop: more than ${MAX_RECEIVED_HEADERS} Received headers`), { responseCode: 554 }));
        }
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const base = { raw, channel: o.lmtp ? ('lmtp' as const) : ('smtp' as const), envelopeFrom, remoteIp: session.remoteAddress ?? null };
        const rcpts = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        if (!o.lmtp) {
          o.receive({ ...base, envelopeTo: rcpts }).then(
            (r) => {
              o.onStored?.(r);
              cb(null, `2.0.0 Ok: stored as ${r.mailId}`);
            },
            (err) => {
              o.log.error({ err }, 'storing an inbound mail failed; answered 451');
              cb(storageFailure(err));
            },
          );
          return;
        }
        // LMTP: one answer per recipient, in RCPT order.
        Promise.allSettled(rcpts.map((rcpt) => o.receive({ ...base, envelopeTo: [rcpt] }))).then((results) => {
          const answers = results.map((r, i) => {
            if (r.status === 'fulfilled') {
              o.onStored?.(r.value);
              return `2.0.0 <${rcpts[i]}> stored as ${r.value.mailId}`;
            }
            o.log.error({ err: r.reason, rcpt: rcpts[i] }, 'storing an inbound mail failed; answered 451 for this recipient');
            return storageFailure(r.reason, rcpts[i]);
          });
          cb(null, answers as unknown as string);
        });
      });
    },
  });
  server.on('error', (err) => o.log.warn({ err }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.server.address() as { address: string; port: number };
  return {
    address: `${addr.address}:${addr.port}`,
    port: addr.port,
    stopAccepting: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

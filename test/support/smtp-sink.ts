import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One SMTP transaction that reached the end of DATA, with what the sink answered. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  /** The reply code the sink gave at the end of DATA. */
  code: number;
}

/**
 * A real SMTP server on 127.0.0.1 that plays the outbound relay in tests. It keeps every mail
 * that reached the end of DATA; `accepted` are those it answered 250.
 *
 * Usage:
 *   const sink = await startSmtpSink();
 *   const transport = createSmtpTransport(sink.url);
 *   sink.answer(451, '4.3.0 try later');        // the next mails are refused temporarily
 *   sink.answer(250);                            // accepted again
 *   await sink.stop(); await sink.start();       // the relay is down, then back on the same port
 *   const [mail] = await sink.waitFor(1);        // resolves once 1 mail was accepted
 */
export interface SmtpSink {
  readonly port: number;
  /** smtp://127.0.0.1:PORT, for createSmtpTransport and SUPPORTAL_RELAY_URL. */
  readonly url: string;
  /** Every mail that reached the end of DATA, in order, whatever the answer. */
  readonly received: ReceivedMail[];
  /** Those answered 250. */
  readonly accepted: ReceivedMail[];
  /** Sets the answer at the end of DATA for the mails that follow. */
  answer(code: number, message?: string): void;
  /** Resolves with the accepted mails once there are at least `n`; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Closes the listener and drops open connections at once: the relay is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Forgets what was received. */
  reset(): void;
  /** With `xoauth2`: every AUTH attempt, in order (the user and whether the token was accepted). */
  readonly logins: Array<{ method: string; user: string; ok: boolean }>;
}

/**
 * A relay that takes only SASL XOAUTH2, as Exchange Online's and Gmail's submission servers do
 * for app logins: `validate` decides about each token (e.g. by asking the authorization server's
 * introspection endpoint). A refused token gets the 334 error challenge of the XOAUTH2 protocol,
 * after which the client gives up or tries a renewed token.
 */
export interface SinkOptions {
  xoauth2?: { validate(user: string, token: string): Promise<boolean> };
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const logins: Array<{ method: string; user: string; ok: boolean }> = [];
  const xoauth2 = opts.xoauth2;
  let reply: { code: number; message: string } = { code: 250, message: 'OK: queued' };
  let waiters: Array<{ n: number; resolve: (m: ReceivedMail[]) => void }> = [];
  let server: SMTPServer | null = null;
  let port = 0;

  const accepted = (): ReceivedMail[] => received.filter((m) => m.code === 250);
  const notify = (): void => {
    const ok = accepted();
    const ready = waiters.filter((w) => ok.length >= w.n);
    waiters = waiters.filter((w) => ok.length < w.n);
    for (const w of ready) w.resolve(ok);
  };

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, done: (err?: Error | null) => void): void => {
    readAll(stream).then(
      (raw) => {
        const { code, message } = reply;
        const mailFrom = session.envelope.mailFrom;
        received.push({
          envelope: { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
          raw,
          code,
        });
        if (code === 250) {
          done(null);
        } else {
          const err = new Error(message) as Error & { responseCode: number };
          err.responseCode = code;
          done(err);
        }
        notify();
      },
      (err: Error) => done(err),
    );
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = new SMTPServer({
        logger: false,
        onData,
        ...(xoauth2
          ? {
              // Loopback without TLS: AUTH is allowed in the clear here only.
              disabledCommands: ['STARTTLS'],
              authMethods: ['XOAUTH2'],
              allowInsecureAuth: true,
              authOptional: false,
              onAuth(auth, _session, callback) {
                const user = auth.username ?? '';
                if (auth.method !== 'XOAUTH2') {
                  logins.push({ method: auth.method, user, ok: false });
                  callback(new Error('only XOAUTH2 is accepted'));
                  return;
                }
                xoauth2.validate(user, auth.accessToken ?? '').then(
                  (ok) => {
                    logins.push({ method: auth.method, user, ok });
                    if (ok) callback(null, { user });
                    else callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://outlook.office365.com/.default' } });
                  },
                  (err: Error) => callback(err),
                );
              },
            }
          : {
              // A plain relay on loopback: no TLS, no AUTH, so that nodemailer goes straight to MAIL FROM.
              disabledCommands: ['STARTTLS', 'AUTH'],
              authOptional: true,
            }),
      });
      // A client dropping its socket (the pool of a transport that was closed) is not a test failure.
      s.on('error', () => undefined);
      s.server.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.server.off('error', reject);
        port = (s.server.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  await listen();

  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    logins,
    get accepted() {
      return accepted();
    },
    answer(code, message) {
      reply = { code, message: message ?? (code === 250 ? 'OK: queued' : `${code} refused by the test relay`) };
    },
    waitFor(n, timeoutMs = 10_000) {
      if (accepted().length >= n) return Promise.resolve(accepted());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done);
          reject(new Error(`the SMTP sink got ${accepted().length} of ${n} expected mails within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (m: ReceivedMail[]): void => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push({ n, resolve: done });
      });
    },
    stop() {
      const s = server;
      server = null;
      if (!s) return Promise.resolve();
      return new Promise((resolve) => {
        s.server.close(() => resolve());
        // Idle pooled client connections would keep the listener open for smtp-server's 30 s grace
        // period; a relay that goes down drops them.
        for (const c of s.connections) c.close();
      });
    },
    start() {
      return server ? Promise.resolve() : listen();
    },
    reset() {
      received.length = 0;
    },
  };
}

import { createConnection, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { DEFAULT_RECIPIENT, UNKNOWN_SENDER_PARAM } from '../config/ingest-handoff.js';

/**
 * The few LMTP lines `supportal ingest` needs to hand its mail to a running serve over the
 * handoff socket (src/config/ingest-handoff.ts). Deliberately tiny and free of libraries: the
 * whole point is that ingest starts in little more than `node -e 0`.
 */
export type HandoffResult =
  /** No serve took the mail before any of it was read: ingest processes it itself. */
  | { kind: 'absent'; why: string }
  | { kind: 'stored'; mailId: string; duplicate: boolean }
  /** 4xx, or the connection lost once the mail was being sent: the MTA must retry. */
  | { kind: 'temporary'; reply: string }
  /** 5xx after the mail was sent: refused for good. */
  | { kind: 'refused'; reply: string }
  /** The mail itself could not be read (stdin or --file). */
  | { kind: 'unreadable'; error: Error };

export interface HandoffEnvelope {
  /** null: not given (unknown sender); '' is the null sender <>. */
  sender: string | null;
  /** Empty: serve's support address. */
  recipients: string[];
}

interface Reply {
  code: number;
  text: string;
}

/** Reads complete (possibly multi-line) replies off the socket, in order. */
function replyReader(socket: Socket): () => Promise<Reply> {
  let buffered = '';
  let lines: string[] = [];
  const ready: Reply[] = [];
  const waiting: Array<{ resolve(r: Reply): void; reject(e: Error): void }> = [];
  let failure: Error | null = null;
  const deliver = () => {
    while (ready.length > 0 && waiting.length > 0) waiting.shift()!.resolve(ready.shift()!);
    if (failure) while (waiting.length > 0) waiting.shift()!.reject(failure);
  };
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      // "250-…" continues a reply, "250 …" ends it.
      if (line.charAt(3) !== '-') {
        ready.push({ code: Number(line.slice(0, 3)) || 0, text: lines.map((l) => l.slice(4)).join('\n') });
        lines = [];
      }
    }
    deliver();
  });
  const fail = (e: Error) => {
    failure ??= e;
    deliver();
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the handoff socket closed')));
  return () =>
    new Promise<Reply>((resolve, reject) => {
      waiting.push({ resolve, reject });
      deliver();
    });
}

/**
 * Hands one mail to serve. Until serve said 354 `source` is not opened, so every failure up
 * to there is 'absent' (the mail can still be processed here). The bytes go over unchanged but
 * for SMTP's dot-stuffing (undone by the listener) and a final CRLF when the mail lacks one
 * (DATA ends with CRLF "." CRLF, RFC 5321 4.1.1.4).
 */
export async function handOver(socketPath: string, envelope: HandoffEnvelope, source: () => Readable): Promise<HandoffResult> {
  // An address with a line break or angle bracket cannot be said in an LMTP command without
  // changing the command: such a mail is processed here, where the envelope is taken as given.
  if ([envelope.sender ?? '', ...envelope.recipients].some((a) => /[\r\n<>]/.test(a))) return { kind: 'absent', why: 'the envelope cannot be put into LMTP commands' };
  const socket = createConnection(socketPath);
  const next = replyReader(socket);
  const recipients = envelope.recipients.length > 0 ? envelope.recipients : [DEFAULT_RECIPIENT];
  try {
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const greeting = await next();
      if (greeting.code !== 220) throw new Error(`serve answered ${greeting.code} ${greeting.text}`);
      // PIPELINING (RFC 2920; serve's listener offers it): the whole envelope in one write and
      // its answers read afterwards, one round trip instead of four. Each round trip waits for
      // serve's event loop, which is busy processing earlier mails while the MTA feeds more.
      // LHLO goes in the same write although its answer names PIPELINING: the socket's other
      // end is always serve's own listener (src/inbound/sources/smtp-listener.ts).
      const from = envelope.sender === null ? `MAIL FROM:<> ${UNKNOWN_SENDER_PARAM}` : `MAIL FROM:<${envelope.sender}>`;
      const commands = ['LHLO supportal-ingest', from, ...recipients.map((r) => `RCPT TO:<${r}>`), 'DATA'];
      socket.write(commands.map((c) => `${c}\r\n`).join(''));
      // Every answer is read before judging any. A DATA answered 354 after a refused RCPT (one
      // past LIMITS.maxRecipients) leaves serve in the mail's DATA phase: the connection ends
      // below before a final dot, so serve keeps nothing of it (T3).
      const replies: Reply[] = [];
      for (let i = 0; i < commands.length; i++) replies.push(await next());
      // 2xx for LHLO, MAIL and each RCPT; 3xx (354) for DATA.
      const refused = replies.find((r, i) => Math.floor(r.code / 100) !== (i === commands.length - 1 ? 3 : 2));
      if (refused) throw new Error(`serve answered ${refused.code} ${refused.text}`);
    } catch (e) {
      return { kind: 'absent', why: (e as Error).message };
    }

    let tail: Buffer;
    try {
      tail = await sendStuffed(socket, source());
    } catch (e) {
      // Cut off before the final dot: serve keeps nothing of it (T3).
      socket.destroy();
      if (e instanceof HandoffClosed) return { kind: 'temporary', reply: 'the handoff socket closed while the mail was sent' };
      return { kind: 'unreadable', error: e as Error };
    }
    const endsWithCrlf = tail.length === 2 && tail[0] === 0x0d && tail[1] === 0x0a;
    socket.write(endsWithCrlf ? '.\r\n' : '\r\n.\r\n');
    // LMTP: one answer per recipient after the final dot.
    const answers: Reply[] = [];
    try {
      for (let i = 0; i < recipients.length; i++) answers.push(await next());
    } catch (e) {
      return { kind: 'temporary', reply: (e as Error).message };
    }
    socket.write('QUIT\r\n');
    const worst = answers.find((a) => a.code >= 500) ?? answers.find((a) => a.code < 200 || a.code >= 300);
    if (worst && worst.code >= 500) return { kind: 'refused', reply: `${worst.code} ${worst.text}` };
    if (worst) return { kind: 'temporary', reply: `${worst.code} ${worst.text}` };
    const m = /stored as (\S+)/.exec(answers[0]!.text);
    if (!m) return { kind: 'temporary', reply: `unexpected answer: ${answers[0]!.code} ${answers[0]!.text}` };
    return { kind: 'stored', mailId: m[1]!, duplicate: /\bduplicate\b/.test(answers[0]!.text) };
  } finally {
    // The reply to QUIT is not awaited: the mail's fate is known, and nothing holds the exit.
    socket.end();
    socket.unref();
  }
}

class HandoffClosed extends Error {}

/**
 * Sends the mail as it is read, dot-stuffed, pausing the source while the socket is full;
 * resolves with the mail's last two bytes. Read through 'data' events rather than `for await`:
 * the stream's async iterator cost 0.7 ms of an ingest's ~40 ms CPU (median of 200 runs), and
 * a socket that closes while the source is paused ends the wait at once.
 */
function sendStuffed(socket: Socket, source: Readable): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let atLineStart = true;
    let tail = Buffer.alloc(0);
    const resume = () => source.resume();
    const settle = (err: Error | null) => {
      source.off('data', onData).off('end', onEnd).off('error', onError);
      socket.off('close', onClose).off('drain', resume);
      if (!err) return resolve(tail);
      // Nothing more of the mail is wanted; an error it reports while being destroyed must not
      // end the process before ingest said what became of the mail.
      source.on('error', () => undefined).destroy();
      reject(err);
    };
    const onData = (piece: Buffer | string) => {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      if (chunk.length === 0) return;
      if (!writeStuffed(socket, chunk, atLineStart)) {
        source.pause();
        socket.once('drain', resume);
      }
      atLineStart = chunk[chunk.length - 1] === 0x0a;
      tail = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - 2))]).subarray(-2);
    };
    const onEnd = () => settle(null);
    const onError = (e: Error) => settle(e);
    const onClose = () => settle(new HandoffClosed('the handoff socket closed'));
    source.on('data', onData).once('end', onEnd).once('error', onError);
    socket.once('close', onClose);
  });
}

/** Writes `chunk` with a dot doubled at the start of every line; false when the socket is full. */
function writeStuffed(socket: Socket, chunk: Buffer, atLineStart: boolean): boolean {
  let ok = true;
  let from = 0;
  for (let i = 0; i < chunk.length; i++) {
    const lineStart = i === 0 ? atLineStart : chunk[i - 1] === 0x0a;
    if (lineStart && chunk[i] === 0x2e) {
      // Everything up to and including this dot, then the dot once more.
      ok = socket.write(chunk.subarray(from, i + 1)) && ok;
      from = i;
    }
  }
  ok = socket.write(chunk.subarray(from)) && ok;
  return ok;
}

import { createConnection } from 'node:net';
import type { Socket } from 'node:net';

/**
 * A client for clamd's INSTREAM command. Only an explicit `stream: OK` is "clean"; every other
 * outcome (a size limit, an ERROR line, a timeout, a refused connection, a reply we do not
 * understand) is an error, so that the caller withholds the file and retries later instead of
 * serving it unscanned (RELIABILITY 8, A8, A10).
 *
 * @example
 *   const clamd = createClamdScanner('tcp://127.0.0.1:3310', { timeoutMs: 30_000 });
 *   const result = await clamd.scan(attachment.content);
 *   if (result.status !== 'clean') withhold(result);
 */

export type ClamdScanResult =
  | { status: 'clean' }
  | { status: 'infected'; signature: string }
  | { status: 'error'; detail: string };

export interface ClamdScanner {
  scan(content: Buffer | NodeJS.ReadableStream): Promise<ClamdScanResult>;
  /** True only when clamd answered PONG in time; never throws. */
  ping(): Promise<boolean>;
}

export interface ClamdOptions {
  /** Whole conversation, connect to reply. 30 s: a 25 MiB mail scans in well under a second. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** INSTREAM chunk size. clamd accepts any size up to StreamMaxLength; 64 KiB keeps writes small. */
const CHUNK_BYTES = 64 * 1024;
/** Replies are one short line; anything longer is not clamd talking. */
const MAX_REPLY_BYTES = 4096;

type Target = { path: string } | { host: string; port: number };

/** `tcp://host:port` (IPv6 as `tcp://[::1]:3310`), or a unix socket path (optionally `unix:` prefixed). */
export function parseClamdTarget(target: string): Target {
  if (target.startsWith('tcp://')) {
    const url = new URL(target);
    const port = Number(url.port);
    if (url.hostname === '' || !Number.isInteger(port) || port <= 0) {
      throw new Error(`clamd target needs a host and a port: ${target}`);
    }
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  }
  const path = target.replace(/^unix:(\/\/)?/, '');
  if (path === '') throw new Error('clamd target is empty');
  return { path };
}

export function createClamdScanner(target: string, opts: ClamdOptions = {}): ClamdScanner {
  const where = parseClamdTarget(target);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async scan(content) {
      const outcome = await converse(where, timeoutMs, async (send) => {
        await send(Buffer.from('zINSTREAM\0'));
        for await (const piece of chunksOf(content)) {
          for (let i = 0; i < piece.length; i += CHUNK_BYTES) {
            const chunk = piece.subarray(i, i + CHUNK_BYTES);
            const length = Buffer.alloc(4);
            length.writeUInt32BE(chunk.length);
            if (!(await send(Buffer.concat([length, chunk])))) return;
          }
        }
        await send(Buffer.alloc(4));
      });
      if ('error' in outcome) return { status: 'error', detail: outcome.error };
      return interpretScanReply(outcome.reply);
    },

    async ping() {
      const outcome = await converse(where, timeoutMs, async (send) => {
        await send(Buffer.from('zPING\0'));
      });
      return 'reply' in outcome && outcome.reply === 'PONG';
    },
  };
}

/** `stream: OK` → clean; `stream: <name> FOUND` → infected; everything else is an error. */
export function interpretScanReply(reply: string): ClamdScanResult {
  if (reply === 'stream: OK') return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found?.[1] !== undefined) return { status: 'infected', signature: found[1] };
  return { status: 'error', detail: `clamd: ${reply.slice(0, 200) || '(empty reply)'}` };
}

async function* chunksOf(content: Buffer | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(content)) {
    yield content;
    return;
  }
  for await (const chunk of content as AsyncIterable<Buffer | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

/** Writes a buffer, waiting for the socket to drain; false once the conversation is over. */
type Send = (data: Buffer) => Promise<boolean>;

/**
 * One request/reply exchange in clamd's z-mode (replies end with NUL). clamd may answer before
 * we finish writing (a size limit) and then close the socket, so a reply that arrived wins over
 * a write error that follows it.
 */
function converse(where: Target, timeoutMs: number, write: (send: Send) => Promise<void>): Promise<{ reply: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket: Socket = 'path' in where ? createConnection(where.path) : createConnection(where.port, where.host);
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let failure: string | null = null;
    let settled = false;

    const finish = (result: { reply: string } | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const replySoFar = () => Buffer.concat(received).toString('utf8');

    const timer = setTimeout(() => finish({ error: `clamd did not answer within ${timeoutMs} ms` }), timeoutMs);

    socket.on('data', (data: Buffer) => {
      received.push(data);
      receivedBytes += data.length;
      const text = replySoFar();
      const end = text.indexOf('\0');
      if (end !== -1) finish({ reply: text.slice(0, end).trim() });
      else if (receivedBytes > MAX_REPLY_BYTES) finish({ error: 'clamd reply too long' });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // clamd hangs up on a stream over its StreamMaxLength; its ERROR line can race the reset.
      const midStream = err.code === 'EPIPE' || err.code === 'ECONNRESET';
      failure ??= midStream
        ? `clamd closed the connection mid-stream (${err.code}); the content may exceed its StreamMaxLength`
        : `clamd connection failed: ${err.code ?? err.message}`;
    });
    socket.on('close', () => {
      const partial = replySoFar().trim();
      if (partial !== '') finish({ reply: partial });
      else finish({ error: failure ?? 'clamd closed the connection without a reply' });
    });

    const send: Send = async (data) => {
      if (settled || socket.destroyed) return false;
      if (socket.write(data)) return true;
      await new Promise<void>((done) => {
        const stop = () => {
          socket.off('drain', stop);
          socket.off('close', stop);
          done();
        };
        socket.once('drain', stop);
        socket.once('close', stop);
      });
      return !settled && !socket.destroyed;
    };

    socket.once('connect', () => {
      write(send).catch((err: unknown) => {
        finish({ error: `reading the content to scan failed: ${err instanceof Error ? err.message : String(err)}` });
      });
    });
  });
}

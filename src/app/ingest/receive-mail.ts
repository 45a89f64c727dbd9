import { createHash, randomUUID, type Hash } from 'node:crypto';
import type { AppSlice } from '../context.js';
import type { InboundChannel } from '../../domain/entities.js';
import { RAW_CHUNK_BYTES } from '../../domain/raw-mail.js';
import type { Store } from '../ports.js';
import type { GroupCommit } from '../group-commit.js';
import { releaseGarbage } from '../release-garbage.js';

/** What this module's use cases reach of the context. */
export type ReceiveMailDeps = AppSlice<'inbound' | 'transaction', 'clock'>;

export const PROCESS_INBOUND_JOB = 'inbound.process';

/** Where a mail came from: everything about it but its bytes. */
export interface ReceivedEnvelope {
  channel: InboundChannel;
  /** SMTP MAIL FROM ('' for the null sender <>), or null when unknown (IMAP, pipe without -f). */
  envelopeFrom: string | null;
  envelopeTo: string[];
  remoteIp?: string | null;
}

export interface ReceivedMail extends ReceivedEnvelope {
  /** The raw RFC 5322 bytes, exactly as received (a Buffer: 8-bit mails break as strings). */
  raw: Buffer;
}

export interface ReceiveResult {
  mailId: string;
  /** Set when the same bytes were stored before: nothing else happens for this copy. */
  duplicateOf: string | null;
}

/** The Message-ID header of the raw bytes, read from the header block only (bounded, no parsing). */
export function peekMessageId(raw: Buffer): string | null {
  const headEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, Math.min(headEnd >= 0 ? headEnd : raw.length, 1024 * 1024)).toString('latin1');
  const m = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<?([^\s<>]{1,500})>?/im.exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * Step 010 of every inbound mail, whatever its channel, for bytes that arrive as a stream (the
 * SMTP/LMTP listener): a mail of up to RAW_CHUNK_BYTES is kept in memory and stored in one
 * transaction with its job, shared with other mails by the group commit; a bigger one is written
 * to the database chunk by chunk while it arrives, so that a 25 MB mail is never held whole, and
 * the last transaction adds its row and job. Only when `finish` resolves may the source
 * acknowledge the mail; `discard` (client gone, size exceeded, loop) removes what was written.
 *
 * Usage:
 *   const spool = openRawSpool(ctx, { channel: 'smtp', envelopeFrom, envelopeTo }, commits);
 *   for await (const chunk of stream) await spool.write(chunk);
 *   const { mailId } = await spool.finish();
 */
export interface RawSpool {
  readonly mailId: string;
  readonly size: number;
  /** The first bytes (up to RAW_CHUNK_BYTES): the header block of any mail we accept. */
  head(): Buffer;
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<ReceiveResult>;
  discard(): Promise<void>;
}

export function openRawSpool(ctx: ReceiveMailDeps, envelope: ReceivedEnvelope, commits?: GroupCommit): RawSpool {
  const mailId = randomUUID();
  const hash: Hash = createHash('sha256');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let written = 0; // chunks already in the database
  let first: Buffer | null = null;
  // Chunks after the first are assembled in one reused buffer: the database has the bytes once
  // appendRawChunk resolved, and 25 fresh 1 MiB buffers per big mail would be garbage that the
  // collector frees only much later (measured: +25 MiB peak RSS per big mail).
  let scratch: Buffer | null = null;

  const takeChunk = (bytes: number, into?: Buffer): Buffer => {
    // The common case, a small mail written in one piece: no copy.
    if (!into && pending.length === 1 && pending[0]!.length === bytes) {
      pendingBytes = 0;
      return pending.pop()!;
    }
    const out = into ? into.subarray(0, bytes) : Buffer.allocUnsafe(bytes);
    let at = 0;
    while (at < bytes) {
      const piece = pending[0]!;
      const n = Math.min(piece.length, bytes - at);
      piece.copy(out, at, 0, n);
      at += n;
      if (n === piece.length) pending.shift();
      else pending[0] = piece.subarray(n);
    }
    pendingBytes -= bytes;
    return out;
  };

  return {
    mailId,
    get size() {
      return size;
    },
    head() {
      if (first) return first;
      if (pending.length === 1) return pending[0]!.subarray(0, RAW_CHUNK_BYTES);
      return Buffer.concat(pending, Math.min(pendingBytes, RAW_CHUNK_BYTES)).subarray(0, RAW_CHUNK_BYTES);
    },
    async write(chunk) {
      if (chunk.length === 0) return;
      hash.update(chunk);
      size += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Strictly more than one chunk pending: a mail of exactly RAW_CHUNK_BYTES stays inline.
      while (pendingBytes > RAW_CHUNK_BYTES) {
        const data = first ? takeChunk(RAW_CHUNK_BYTES, (scratch ??= Buffer.allocUnsafeSlow(RAW_CHUNK_BYTES))) : takeChunk(RAW_CHUNK_BYTES);
        first ??= data;
        await ctx.store.inbound.appendRawChunk(mailId, written, data, ctx.clock.now().toISOString());
        written++;
        releaseGarbage();
      }
    },
    async finish() {
      const sha256 = hash.digest('hex');
      const now = ctx.clock.now().toISOString();
      const tail = takeChunk(pendingBytes);
      const head = first ?? tail;
      pending = [];
      const chunked = written > 0;
      const commit = commits ? <T>(w: (tx: Store) => Promise<T>) => commits.run(w) : <T>(w: (tx: Store) => Promise<T>) => ctx.store.transaction(w);
      return commit(async (tx) => {
        if (chunked && tail.length > 0) await tx.inbound.appendRawChunk(mailId, written, tail, now);
        const { duplicateOf } = await tx.inbound.insert({
          id: mailId,
          receivedAt: now,
          channel: envelope.channel,
          envelopeFrom: envelope.envelopeFrom === null ? null : envelope.envelopeFrom.toLowerCase(),
          envelopeTo: envelope.envelopeTo.map((t) => t.toLowerCase()),
          remoteIp: envelope.remoteIp ?? null,
          messageId: peekMessageId(head),
          sha256,
          raw: chunked ? Buffer.alloc(0) : tail,
          ...(chunked ? { chunked: { chunks: written + (tail.length > 0 ? 1 : 0), size } } : {}),
        });
        if (!duplicateOf) {
          await tx.jobs.enqueue({ id: randomUUID(), kind: PROCESS_INBOUND_JOB, key: `inbound:${mailId}`, payload: { mailId }, runAt: now, now });
        }
        return { mailId, duplicateOf };
      });
    },
    async discard() {
      pending = [];
      pendingBytes = 0;
      if (written > 0) await ctx.store.inbound.deleteRawChunks(mailId);
    },
  };
}

/**
 * Step 010 for bytes that are already in memory (pipe, IMAP, tests): the same storage as the
 * stream, so a big mail is chunked whichever way it came. Durability is the database's: SQLite
 * synchronous=FULL, PostgreSQL synchronous_commit=on (RELIABILITY promise 1 and 2).
 */
export async function receiveMail(ctx: ReceiveMailDeps, m: ReceivedMail, commits?: GroupCommit): Promise<ReceiveResult> {
  const spool = openRawSpool(ctx, m, commits);
  try {
    for (let at = 0; at < m.raw.length; at += RAW_CHUNK_BYTES) await spool.write(m.raw.subarray(at, at + RAW_CHUNK_BYTES));
    return await spool.finish();
  } catch (err) {
    await spool.discard().catch(() => undefined);
    throw err;
  }
}

import { createHash, randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { InboundChannel } from '../../domain/records.js';
import type { Store } from '../ports.js';
import type { GroupCommit } from '../group-commit.js';

export const PROCESS_INBOUND_JOB = 'inbound.process';

export interface ReceivedMail {
  /** The raw RFC 5322 bytes, exactly as received (a Buffer: 8-bit mails break as strings). */
  raw: Buffer;
  channel: InboundChannel;
  /** SMTP MAIL FROM ('' for the null sender <>), or null when unknown (IMAP, pipe without -f). */
  envelopeFrom: string | null;
  envelopeTo: string[];
  remoteIp?: string | null;
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
 * Step 010 of every inbound mail, whatever its channel: store the raw bytes and the processing
 * job in ONE transaction. Only when this resolves may the source acknowledge the mail (SMTP 250,
 * LMTP 250, pipe exit 0, IMAP flag/move); if it throws, the source answers "try again later"
 * (RELIABILITY promise 1 and 2). Durability is the database's: SQLite synchronous=FULL,
 * PostgreSQL synchronous_commit=on.
 */
export async function receiveMail(ctx: AppContext, m: ReceivedMail, commits?: GroupCommit): Promise<ReceiveResult> {
  const mailId = randomUUID();
  const sha256 = createHash('sha256').update(m.raw).digest('hex');
  const now = ctx.clock.now().toISOString();
  const commit = commits ? <T>(w: (tx: Store) => Promise<T>) => commits.run(w) : <T>(w: (tx: Store) => Promise<T>) => ctx.store.transaction(w);
  const store = () => commit(async (tx) => {
    const { duplicateOf } = await tx.inbound.insert({
      id: mailId,
      receivedAt: now,
      channel: m.channel,
      envelopeFrom: m.envelopeFrom === null ? null : m.envelopeFrom.toLowerCase(),
      envelopeTo: m.envelopeTo.map((t) => t.toLowerCase()),
      remoteIp: m.remoteIp ?? null,
      messageId: peekMessageId(m.raw),
      sha256,
      raw: m.raw,
    });
    if (!duplicateOf) {
      await tx.jobs.enqueue({ id: randomUUID(), kind: PROCESS_INBOUND_JOB, key: `inbound:${mailId}`, payload: { mailId }, runAt: now, now });
    }
    return { mailId, duplicateOf };
  });
  return store();
}

/** What the mailbox channel reads of one message: its recipients and its exact bytes. */
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { LIMITS } from '../../config/limits.js';
import { RAW_CHUNK_BYTES } from '../../domain/raw-mail.js';

// Dovecot replaces NUL with 0x80 in BODY[] (IMAP literals may not carry NUL); BINARY[] carries
// the stored bytes, but decodes base64/QP parts. See fetchRaw.
const NUL_REPLACEMENT = 0x80;

/** Envelope recipients for an IMAP mail: To, Cc and Delivered-To, lower-cased, unique, bounded. */
export function recipientsOf(m: Pick<FetchMessageObject, 'envelope' | 'headers'>): string[] {
  const out = new Set<string>();
  for (const a of [...(m.envelope?.to ?? []), ...(m.envelope?.cc ?? [])]) {
    if (a.address) out.add(a.address.toLowerCase());
  }
  const head = m.headers?.toString('latin1') ?? '';
  for (const match of head.matchAll(/^delivered-to:[ \t]*<?([^\s<>@]+@[^\s<>@]+)>?/gim)) out.add(match[1]!.toLowerCase());
  // The same bound SMTP puts on RCPT (T7): more is an attack or a loop.
  return [...out].slice(0, LIMITS.maxRecipients);
}

/**
 * The message's bytes as stored on the server. BODY.PEEK[] is exact for everything except NUL,
 * which Dovecot sends as 0x80. When 0x80 occurs and the server speaks BINARY, BINARY.PEEK[] is
 * fetched too and used only if it equals the BODY bytes with some 0x80 turned back into NUL
 * (BINARY decodes base64/QP parts, and such an answer differs in length or elsewhere) (M8).
 */
export async function fetchRaw(client: ImapFlow, uid: number): Promise<Buffer | null> {
  const body = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
  if (!body || !body.source) return null;
  const raw = body.source;
  if (!raw.includes(NUL_REPLACEMENT) || !client.capabilities.has('BINARY')) return raw;
  const bin = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true, binary: true }).catch(() => false as const);
  if (!bin || !bin.source || bin.source.length !== raw.length) return raw;
  const b = bin.source;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== b[i] && !(raw[i] === NUL_REPLACEMENT && b[i] === 0)) return raw;
  }
  return b;
}

/** How streaming a message into storage ended. */
export type StreamedMessage = 'complete' | 'gone' | 'maybe-nul';

/**
 * A big message's BODY.PEEK[] bytes in 1 MiB partial fetches, each handed to `write` as it
 * comes, so that the message is never whole in memory. 'maybe-nul' when a 0x80 byte came and the
 * server speaks BINARY: that byte may stand for a NUL, and restoring it (fetchRaw) compares two
 * whole fetches, so the caller drops what was written and takes fetchRaw's way instead.
 */
export async function streamRaw(client: ImapFlow, uid: number, write: (chunk: Buffer) => Promise<void>): Promise<StreamedMessage> {
  const download = await client.download(String(uid), undefined, { uid: true, chunkSize: RAW_CHUNK_BYTES });
  if (!download.content) return 'gone';
  const binary = client.capabilities.has('BINARY');
  for await (const chunk of download.content as AsyncIterable<Buffer>) {
    // Leaving the loop destroys the download stream; imapflow stops fetching.
    if (binary && chunk.includes(NUL_REPLACEMENT)) return 'maybe-nul';
    await write(chunk);
  }
  return 'complete';
}

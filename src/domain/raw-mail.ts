/**
 * The raw bytes of one inbound mail, as the pipeline reads them: its size and its bytes as a
 * sequence of chunks (at most RAW_CHUNK_BYTES each), read from storage on demand, so that a big
 * mail is never held whole in memory by the pipeline (a 25 MB mail is streamed, not copied).
 * A small mail is one chunk.
 *
 * Usage:
 *   for await (const chunk of raw.chunks()) hash.update(chunk);   // each call starts afresh
 *   const mail = rawMailFromBuffer(Buffer.from('From: …'));        // tests, pipe, IMAP
 */
export interface RawMail {
  /** Total length in bytes. */
  readonly size: number;
  /** The bytes in order; every call starts from the first byte. Chunks must not be modified. */
  chunks(): AsyncIterable<Buffer>;
  /**
   * Every chunk is a new Buffer that nobody else holds (read afresh from storage on each call),
   * so a consumer may take it over, e.g. move it to a worker thread instead of copying it.
   */
  readonly freshChunks?: boolean;
}

/** Raw bytes are stored, and handed on, in pieces of this size (1 MiB). */
export const RAW_CHUNK_BYTES = 1024 * 1024;

export function rawMailFromBuffer(bytes: Buffer, chunkBytes = RAW_CHUNK_BYTES): RawMail {
  return {
    size: bytes.length,
    async *chunks() {
      if (bytes.length === 0) return;
      for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
    },
  };
}

/** The whole mail in one Buffer: only for small mails and for callers that need all of it at once. */
export async function readWholeRawMail(raw: RawMail): Promise<Buffer> {
  const out = Buffer.allocUnsafe(raw.size);
  let at = 0;
  for await (const chunk of raw.chunks()) at += chunk.copy(out, at);
  if (at !== raw.size) throw new Error(`raw mail is ${at} bytes, expected ${raw.size}`);
  return out;
}

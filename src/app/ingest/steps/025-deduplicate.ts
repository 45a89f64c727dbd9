import { createHash } from 'node:crypto';
import type { RawMail } from '../../../domain/raw-mail.js';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

/**
 * SHA-256 of everything after the header block (the first empty line, LF or CRLF), read chunk by
 * chunk. A mail without an empty line hashes as an empty body.
 */
export async function bodyHash(raw: RawMail): Promise<string> {
  const hash = createHash('sha256');
  // Bytes since the last LF in the header block: 0 after an LF, 1 after LF CR; -1 otherwise.
  let state = -1;
  let inBody = false;
  for await (const chunk of raw.chunks()) {
    if (inBody) {
      hash.update(chunk);
      continue;
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x0a) {
        if (state === 0 || state === 1) {
          inBody = true;
          hash.update(chunk.subarray(i + 1));
          break;
        }
        state = 0;
      } else state = c === 0x0d && state === 0 ? 1 : -1;
    }
  }
  return hash.digest('hex');
}

/**
 * The same mail by two ways (IMAP and SMTP, or to two support addresses) differs in its trace
 * headers but not in Message-ID and body: the later copy is a duplicate (promise 4, S6).
 * Identical bytes were caught already when stored.
 */
export const deduplicateStep: PipelineStep = {
  name: '025-deduplicate',
  async run(p) {
    const id = p.parsed?.messageId;
    if (!id) return CONTINUE;
    const earlier = await p.app.store.inbound.findOriginalByMessageId(id.toLowerCase(), p.mail.id);
    if (!earlier) return CONTINUE;
    const earlierRaw = await p.app.store.inbound.rawMail(earlier.id);
    if (earlierRaw && (await bodyHash(earlierRaw)) === (await bodyHash(p.raw))) {
      const original = await p.app.store.inbound.findById(earlier.id);
      if (original && original.receivedAt <= p.mail.receivedAt) return stop('duplicate', 'duplicate', `same Message-ID and body as mail ${earlier.id}`, false);
    }
    p.notes.push('Message-ID seen before with other content');
    return CONTINUE;
  },
};

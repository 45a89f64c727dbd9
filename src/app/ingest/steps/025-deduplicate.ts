import { createHash } from 'node:crypto';
import { CONTINUE, stop, type PipelineStep } from '../pipeline-context.js';

function bodyHash(raw: Buffer): string {
  const i = raw.indexOf('\r\n\r\n');
  const j = i >= 0 ? i + 4 : raw.indexOf('\n\n') + 2;
  return createHash('sha256').update(raw.subarray(Math.max(0, j))).digest('hex');
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
    const earlierRaw = await p.app.store.inbound.raw(earlier.id);
    if (earlierRaw && bodyHash(earlierRaw) === bodyHash(p.raw)) {
      const original = await p.app.store.inbound.findById(earlier.id);
      if (original && original.receivedAt <= p.mail.receivedAt) return stop('duplicate', 'duplicate', `same Message-ID and body as mail ${earlier.id}`, false);
    }
    p.notes.push('Message-ID seen before with other content');
    return CONTINUE;
  },
};

/**
 * Replaces each winmail.dat among a mail's attachments by what it carries: its files become
 * attachments (`fromTnef: true`) and its body fills in the mail's text or HTML when the mail
 * itself has none. A container nothing can be read from stays as it was, marked `failed`.
 */
import type { ParsedAttachment } from '../../domain/parsed-mail.js';
import { decodeTnef, isTnef } from './tnef.js';

const TNEF_TYPES = new Set(['application/ms-tnef', 'application/vnd.ms-tnef']);

export interface TnefExpansion {
  attachments: ParsedAttachment[];
  html: string | null;
  text: string | null;
  /** A TNEF part was present and something was recovered from it. */
  decoded: boolean;
  /** A TNEF part was present and nothing could be recovered from it. */
  failed: boolean;
  problems: string[];
}

export function isTnefAttachment(part: ParsedAttachment): boolean {
  return (
    TNEF_TYPES.has(part.contentType) ||
    /^winmail\.dat$/i.test(part.filename ?? '') ||
    (part.contentType === 'application/octet-stream' && isTnef(part.content))
  );
}

export function expandTnef(parts: ParsedAttachment[]): TnefExpansion {
  const out: TnefExpansion = { attachments: [], html: null, text: null, decoded: false, failed: false, problems: [] };
  for (const part of parts) {
    if (!isTnefAttachment(part)) {
      out.attachments.push(part);
      continue;
    }
    try {
      const content = decodeTnef(part.content);
      for (const problem of content.problems) out.problems.push(problem);
      if (content.attachments.length === 0 && content.html === null && content.text === null) {
        throw new Error('nothing readable inside');
      }
      // A loop, not a spread: a container with hundreds of thousands of parts would overflow the stack.
      for (const a of content.attachments) out.attachments.push(a);
      out.html ??= content.html;
      out.text ??= content.text;
      out.decoded = true;
    } catch (err) {
      out.problems.push(`tnef: ${part.filename ?? 'container'} kept undecoded (${(err as Error).message})`);
      out.attachments.push(part);
      out.failed = true;
    }
  }
  // One readable container is enough to call the mail decoded; `failed` is for mails where
  // the container was the only source of content and yielded nothing.
  if (out.decoded) out.failed = false;
  return out;
}

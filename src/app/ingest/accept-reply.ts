import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../ports.js';
import type { PipelineContext } from './pipeline-context.js';
import { splitReply } from '../../domain/reply-text.js';
import { splitReplyHtml } from '../../domain/reply-html.js';
import { statusAfterCustomerReply } from '../../domain/case.js';
import { safeAttachmentName } from '../../domain/safe-name.js';

/**
 * 110-accept: the reply becomes a case message with its attachments, a waiting case is opened
 * again. Runs inside the finalising transaction, together with the receipt.
 */
export async function acceptReply(p: PipelineContext, tx: Store): Promise<{ messageId: string }> {
  const m = p.parsed!;
  const c = p.matched!.case;
  const now = p.app.clock.now().toISOString();
  const sourceText = m.text ?? (m.html ? htmlToText(m.html) : '');
  const split = splitReply(sourceText);
  let bodyHtml: string | null = null;
  if (m.html) {
    const h = splitReplyHtml(m.html);
    bodyHtml = p.deps.sanitizeHtml(h.replyHtml);
  }
  const messageId = randomUUID();
  await tx.messages.insert({
    id: messageId,
    caseId: c.id,
    authorId: p.senderUser?.id ?? null,
    authorEmail: p.sender,
    kind: 'customer_reply',
    source: 'email',
    bodyText: split.reply || '(no text)',
    bodyHtml,
    quotedText: [split.quoted, split.signature].filter(Boolean).join('\n\n') || null,
    inboundMailId: p.mail.id,
    outboundMailId: null,
    createdAt: now,
  });
  for (const [i, a] of m.attachments.entries()) {
    const inspected = p.files[i];
    await tx.attachments.insert(
      {
        id: randomUUID(),
        caseId: c.id,
        messageId,
        filename: safeAttachmentName(a.filename, inspected?.detectedType ?? null, i),
        detectedType: inspected?.detectedType ?? null,
        size: a.content.length,
        sha256: createHash('sha256').update(a.content).digest('hex'),
        scan: p.scan === 'clean' ? 'clean' : 'not_scanned',
        createdAt: now,
      },
      a.content,
    );
  }
  const next = statusAfterCustomerReply(c.status);
  await tx.cases.update(c.id, { status: next, updatedAt: now, lastActivityAt: now });
  if (next !== c.status) {
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'status', actorId: p.senderUser?.id ?? null, fromStatus: c.status, toStatus: next, detail: 'customer e-mail reply', at: now });
  }
  return { messageId };
}

/** A text fallback for HTML-only mails: tags out, entities of the common kinds decoded. */
function htmlToText(html: string): string {
  return html
    .slice(0, 2_000_000)
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]{0,2000}>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

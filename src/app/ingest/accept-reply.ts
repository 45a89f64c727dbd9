import type { Store } from '../ports.js';
import type { PipelineContext } from './pipeline-context.js';
import { recordCustomerReply } from '../customer-reply.js';
import { splitCustomerReply } from '../../domain/reply.js';
import { safeAttachmentName } from '../../domain/safe-name.js';

/**
 * 110-accept: the reply becomes a case message with its attachments, a waiting case is opened
 * again and the agents who asked are notified (recordCustomerReply). Runs inside the finalising
 * transaction, together with the receipt.
 */
export async function acceptReply(p: PipelineContext, tx: Store): Promise<{ messageId: string }> {
  const m = p.parsed!;
  const c = p.matched!.case;
  // One cut for both views: the text and the HTML show the same reply (splitCustomerReply).
  const split = splitCustomerReply({ text: m.text, html: m.html });
  const bodyHtml = split.replyHtml === null ? null : p.deps.sanitizeHtml(split.replyHtml);
  const message = await recordCustomerReply(p.app, tx, p.deps.agentNotifications, {
    case: c,
    authorId: p.senderUser?.id ?? null,
    authorEmail: p.sender,
    source: 'email',
    bodyText: split.replyText || '(no text)',
    bodyHtml,
    quotedText: split.quotedText || null,
    inboundMailId: p.mail.id,
    files: m.attachments.map((a, i) => {
      const detectedType = p.files[i]?.detectedType ?? null;
      return { filename: safeAttachmentName(a.filename, detectedType, i), detectedType, content: a.content, scan: p.scan === 'clean' ? ('clean' as const) : ('not_scanned' as const) };
    }),
    statusDetail: 'customer e-mail reply',
    senderUnverified: p.markSenderUnverified === true,
  });
  return { messageId: message.id };
}

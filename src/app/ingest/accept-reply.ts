import type { Store } from '../ports.js';
import type { PipelineContext } from './pipeline-context.js';
import { recordCustomerReply } from '../customer-reply.js';
import { splitReply } from '../../domain/reply-text.js';
import { splitReplyHtml } from '../../domain/reply-html.js';
import { safeAttachmentName } from '../../domain/safe-name.js';

/**
 * 110-accept: the reply becomes a case message with its attachments, a waiting case is opened
 * again and the agents who asked are notified (recordCustomerReply). Runs inside the finalising
 * transaction, together with the receipt.
 */
export async function acceptReply(p: PipelineContext, tx: Store): Promise<{ messageId: string }> {
  const m = p.parsed!;
  const c = p.matched!.case;
  const sourceText = m.text ?? (m.html ? htmlToText(m.html) : '');
  const split = splitReply(sourceText);
  let bodyHtml: string | null = null;
  if (m.html) {
    const h = splitReplyHtml(m.html);
    bodyHtml = p.deps.sanitizeHtml(h.replyHtml);
  }
  const message = await recordCustomerReply(p.app, tx, p.deps.agentNotifications, {
    case: c,
    authorId: p.senderUser?.id ?? null,
    authorEmail: p.sender,
    source: 'email',
    bodyText: split.reply || '(no text)',
    bodyHtml,
    quotedText: [split.quoted, split.signature].filter(Boolean).join('\n\n') || null,
    inboundMailId: p.mail.id,
    files: m.attachments.map((a, i) => {
      const detectedType = p.files[i]?.detectedType ?? null;
      return { filename: safeAttachmentName(a.filename, detectedType, i), detectedType, content: a.content, scan: p.scan === 'clean' ? ('clean' as const) : ('not_scanned' as const) };
    }),
    statusDetail: 'customer e-mail reply',
  });
  return { messageId: message.id };
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

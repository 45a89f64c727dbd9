import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../ports.js';
import type { PipelineContext } from './pipeline-context.js';
import { splitCustomerReply } from '../../domain/reply.js';
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
  const split = splitCustomerReply({ text: m.text, html: m.html });
  const bodyHtml = split.replyHtml === null ? null : p.deps.sanitizeHtml(split.replyHtml);
  const messageId = randomUUID();
  await tx.messages.insert({
    id: messageId,
    caseId: c.id,
    authorId: p.senderUser?.id ?? null,
    authorEmail: p.sender,
    kind: 'customer_reply',
    source: 'email',
    bodyText: split.replyText || '(no text)',
    bodyHtml,
    quotedText: split.quotedText || null,
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

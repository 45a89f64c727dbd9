import { createHash, randomUUID } from 'node:crypto';
import type { AgentNotificationDeps } from './outbound/agent-notification.js';
import type { AppSlice } from './context.js';
import type { Store } from './ports.js';
import { queueAgentNotifications, type AgentNotificationPrefs } from './outbound/agent-notification.js';
import { statusAfterCustomerReply } from '../domain/case.js';
import type { Case, Message } from '../domain/entities.js';

/** What this module's use cases reach of the context. */
export type CustomerReplyDeps = AppSlice<never, 'clock'> & AgentNotificationDeps;

/** A file of the reply that passed the attachment policy (and the scan, when configured). */
export interface CustomerReplyFile {
  filename: string;
  detectedType: string | null;
  content: Buffer;
  scan: 'clean' | 'not_scanned';
}

/** A customer's reply as its channel (e-mail or portal) delivered it. */
export interface CustomerReply {
  /** The case as read inside `tx`. */
  case: Case;
  authorId: string | null;
  authorEmail: string | null;
  source: 'email' | 'portal';
  bodyText: string;
  bodyHtml: string | null;
  quotedText: string | null;
  inboundMailId: string | null;
  files: readonly CustomerReplyFile[];
  /** Why the status changed, for the case history ("customer e-mail reply", "customer_reply"). */
  statusDetail: string;
  /** A mail whose From could not be verified, marked as such (RELIABILITY E4). */
  senderUnverified?: boolean;
}

/**
 * The one customer-reply use case of both channels (the inbound pipeline's 110-accept and the
 * portal's reply): the message with its files, the status change (a case that waited for the
 * customer goes back into the queue) and the agents' notice mails, all in the caller's
 * transaction `tx`. A notice that cannot be queued rolls the reply back: the reply is then retried
 * (mail) or refused (portal) instead of sitting unnoticed.
 *
 * Usage:
 *   await store.transaction((tx) => recordCustomerReply(ctx, tx, web.settings, { case: c, ... }));
 */
export async function recordCustomerReply(ctx: CustomerReplyDeps, tx: Store, notify: AgentNotificationPrefs | null | undefined, r: CustomerReply): Promise<Message> {
  const now = ctx.clock.now().toISOString();
  const c = r.case;
  const message: Message = {
    id: randomUUID(),
    caseId: c.id,
    authorId: r.authorId,
    authorEmail: r.authorEmail,
    kind: 'customer_reply',
    source: r.source,
    bodyText: r.bodyText,
    bodyHtml: r.bodyHtml,
    quotedText: r.quotedText,
    inboundMailId: r.inboundMailId,
    outboundMailId: null,
    createdAt: now,
    ...(r.senderUnverified ? { senderUnverified: true } : {}),
  };
  await tx.messages.insert(message);
  for (const f of r.files) {
    await tx.attachments.insert(
      { id: randomUUID(), caseId: c.id, messageId: message.id, filename: f.filename, detectedType: f.detectedType, size: f.content.length, sha256: createHash('sha256').update(f.content).digest('hex'), scan: f.scan, createdAt: now },
      f.content,
    );
  }
  const next = statusAfterCustomerReply(c.status);
  await tx.cases.update(c.id, { status: next, updatedAt: now, lastActivityAt: now });
  if (next !== c.status) {
    await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'status', actorId: r.authorId, fromStatus: c.status, toStatus: next, detail: r.statusDetail, at: now });
  }
  if (notify) await queueAgentNotifications(ctx, tx, notify, { caseId: c.id, messageId: message.id });
  return message;
}

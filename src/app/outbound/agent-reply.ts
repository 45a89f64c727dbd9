import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { UsersDeps } from '../users.js';
import type { QueueMailDeps } from './queue-mail.js';
import type { AppSlice } from '../context.js';
import { AppError } from '../errors.js';
import { requireCase } from '../cases.js';
import { requireUserByEmail } from '../users.js';
import { parseInput } from '../parse-input.js';
import { queueMail } from './queue-mail.js';
import { statusAfterAgentReply, isStaff } from '../../domain/case.js';
import type { Message, User } from '../../domain/entities.js';
import { quoteHistory } from './history.js';
import { textToHtml } from '../../domain/html-text.js';

/** What this module's use cases reach of the context. */
export type AgentReplyDeps = AppSlice<'transaction', 'clock' | 'mail'> & QueueMailDeps & UsersDeps;

const input = z.object({
  caseNumber: z.number().int().positive(),
  agent: z.string().trim().toLowerCase().email(),
  body: z.string().trim().min(1).max(200_000),
  // `scan`: what the caller's check found (portal uploads are scanned when clamd is configured).
  attachments: z
    .array(z.object({ filename: z.string().min(1).max(255), content: z.instanceof(Buffer), contentType: z.string().optional(), scan: z.enum(['clean', 'not_scanned']).optional() }))
    .default([]),
  maxAttachmentBytes: z.number().int().positive(),
});

export type AgentReplyInput = Omit<z.input<typeof input>, 'maxAttachmentBytes'>;

/**
 * An agent answers a case: the message is added and the mail to the customer is queued in the
 * same transaction. The attachments are checked against the size limit before anything is written.
 */
export async function addAgentReply(ctx: AgentReplyDeps, raw: AgentReplyInput): Promise<{ messageId: string; outboundId: string; message: Message }> {
  const i = parseInput(input, { ...raw, maxAttachmentBytes: ctx.mail.maxMessageBytes });
  const total = i.attachments.reduce((n, a) => n + a.content.length, 0);
  // Base64 grows a file by 4/3; the composed mail must stay under the limit the customer's server likely has too.
  if (Math.ceil((total * 4) / 3) > i.maxAttachmentBytes) {
    throw new AppError('too_large', { de: `die Anhänge (${total} Bytes) überschreiten die Größengrenze einer E-Mail von ${i.maxAttachmentBytes} Bytes`, en: `the attachments (${total} bytes) exceed the mail size limit of ${i.maxAttachmentBytes} bytes` });
  }
  return ctx.store.transaction(async (tx) => {
    const c = await requireCase(tx, i.caseNumber);
    const agent = await requireUserByEmail({ ...ctx, store: tx }, i.agent);
    if (!isStaff(agent.role)) throw new AppError('forbidden', { de: `${agent.email} gehört nicht zum Support`, en: `${agent.email} is not an agent` });
    if (c.status === 'closed') throw new AppError('case_closed', { de: `Fall ${c.number} ist geschlossen; öffnen Sie ihn zuerst wieder`, en: `case ${c.number} is closed; reopen it first` });
    const customer = (await tx.users.findById(c.customerId)) as User;
    const history = (await tx.messages.listByCase(c.id)).filter((m) => m.kind !== 'internal_note');
    const noteTakers = new Map<string, string>();
    for (const m of history) {
      if (m.source !== 'phone' || !m.authorId || noteTakers.has(m.authorId)) continue;
      const taker = await tx.users.findById(m.authorId);
      noteTakers.set(m.authorId, taker && isStaff(taker.role) ? taker.name : '');
    }
    const nameOf = (id: string | null) => (id ? noteTakers.get(id) || null : null);
    const now = ctx.clock.now().toISOString();
    const messageRowId = randomUUID();
    const q = await queueMail(ctx, tx, {
      kind: 'agent_reply',
      template: 'agent_reply',
      language: customer.language,
      to: { name: customer.name, address: customer.email },
      case: c,
      vars: {
        subject: c.subject,
        body: i.body,
        bodyHtml: textToHtml(i.body),
        agentName: agent.name,
        history: quoteHistory(history, customer.language, 'text', nameOf),
        historyHtml: quoteHistory(history, customer.language, 'html', nameOf),
      },
      attachments: i.attachments,
    });
    const message: Message = {
      id: messageRowId,
      caseId: c.id,
      authorId: agent.id,
      authorEmail: agent.email,
      kind: 'agent_reply',
      source: 'agent',
      bodyText: i.body,
      bodyHtml: null,
      quotedText: null,
      inboundMailId: null,
      outboundMailId: q.id,
      createdAt: now,
    };
    await tx.messages.insert(message);
    for (const a of i.attachments) {
      await tx.attachments.insert(
        {
          id: randomUUID(),
          caseId: c.id,
          messageId: messageRowId,
          filename: a.filename,
          detectedType: a.contentType ?? null,
          size: a.content.length,
          sha256: createHash('sha256').update(a.content).digest('hex'),
          scan: a.scan ?? 'not_scanned',
          createdAt: now,
        },
        a.content,
      );
    }
    const next = statusAfterAgentReply(c.status);
    await tx.cases.update(c.id, { status: next, updatedAt: now, lastActivityAt: now });
    if (next !== c.status) {
      await tx.cases.addEvent({ id: randomUUID(), caseId: c.id, kind: 'status', actorId: agent.id, fromStatus: c.status, toStatus: next, detail: 'agent_reply', at: now });
    }
    return { messageId: q.messageId, outboundId: q.id, message };
  });
}

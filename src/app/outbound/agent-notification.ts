import type { QueueMailDeps } from './queue-mail.js';
import type { AppSlice } from '../context.js';
import type { Store } from '../ports.js';
import { queueMail } from './queue-mail.js';
import type { User } from '../../domain/entities.js';

/** What this module's use cases reach of the context. */
export type AgentNotificationDeps = AppSlice<never, never> & QueueMailDeps;

/** Notice mails quote the reply up to 2 000 characters: enough to triage, the case has the rest. */
const QUOTE_CHARS = 2000;

/** Who asked for notification mails (the web store's user settings implement it). */
export interface AgentNotificationPrefs {
  emailNotificationRecipients(): Promise<User[]>;
}

/**
 * Queues an `agent_notification` mail about a new customer reply for the agents who opted in:
 * the assigned agent, or every opted-in agent when nobody is assigned. Runs in the caller's
 * transaction `tx`, the one that stores the reply (customer-reply.ts): the reply and its notices
 * commit together or not at all. The mails go through the outbox like every other mail.
 *
 * Usage:
 *   await store.transaction((tx) => queueAgentNotifications(ctx, tx, web.settings, { caseId, messageId }));
 */
export async function queueAgentNotifications(ctx: AgentNotificationDeps, tx: Store, prefs: AgentNotificationPrefs, input: { caseId: string; messageId: string }): Promise<{ queued: string[] }> {
  const c = await tx.cases.findById(input.caseId);
  const found = c ? await tx.messages.findById(input.messageId) : null;
  const m = found?.caseId === c?.id ? found : null;
  if (!c || !m || m.kind !== 'customer_reply') return { queued: [] };
  const recipients = (await prefs.emailNotificationRecipients()).filter((a) => (c.assigneeId ? a.id === c.assigneeId : true) && a.id !== m.authorId);
  if (recipients.length === 0) return { queued: [] };
  const author = m.authorId ? await tx.users.findById(m.authorId) : null;
  const body = m.bodyText.length > QUOTE_CHARS ? `${m.bodyText.slice(0, QUOTE_CHARS)} …` : m.bodyText;
  const queued: string[] = [];
  for (const agent of recipients) {
    const q = await queueMail(ctx, tx, {
      kind: 'agent_notification',
      template: 'agent_notification',
      language: agent.language,
      to: { name: agent.name, address: agent.email },
      case: c,
      vars: { subject: c.subject, customerName: author?.name ?? m.authorEmail ?? '', body },
    });
    queued.push(q.id);
  }
  return { queued };
}

import type { AppContext } from '../context.js';
import type { WebContext } from '../web-context.js';
import { queueMail } from '../outbound/queue-mail.js';
import { requireStaff } from '../portal/access.js';
import type { User } from '../../domain/entities.js';

/** Who asked for notification mails (the web store's user settings implement it). */
export interface AgentNotificationPrefs {
  emailNotificationRecipients(): Promise<User[]>;
}

/** Notice mails quote the reply up to 2 000 characters: enough to triage, the case has the rest. */
const QUOTE_CHARS = 2000;
/** Without a "read" mark, the desk lists the replies of the last 7 days (a returning agent's backlog). */
const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Queues an `agent_notification` mail about a new customer reply for the agents who opted in:
 * the assigned agent, or every opted-in agent when nobody is assigned. Call it after the reply
 * committed (portal replies do; the inbound pipeline should, after its finalising transaction
 * for an accepted mail). The mails go through the outbox like every other mail.
 *
 * Usage:
 *   await queueAgentNotifications(ctx, web.settings, { caseId, messageId });
 */
export async function queueAgentNotifications(ctx: AppContext, prefs: AgentNotificationPrefs, input: { caseId: string; messageId: string }): Promise<{ queued: string[] }> {
  const c = await ctx.store.cases.findById(input.caseId);
  const found = c ? await ctx.store.messages.findById(input.messageId) : null;
  const m = found?.caseId === c?.id ? found : null;
  if (!c || !m || m.kind !== 'customer_reply') return { queued: [] };
  const recipients = (await prefs.emailNotificationRecipients()).filter((a) => (c.assigneeId ? a.id === c.assigneeId : true) && a.id !== m.authorId);
  if (recipients.length === 0) return { queued: [] };
  const author = m.authorId ? await ctx.store.users.findById(m.authorId) : null;
  const body = m.bodyText.length > QUOTE_CHARS ? `${m.bodyText.slice(0, QUOTE_CHARS)} …` : m.bodyText;
  const queued: string[] = [];
  await ctx.store.transaction(async (tx) => {
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
  });
  return { queued };
}

export interface NotificationItem {
  id: string;
  kind: 'customer_reply';
  caseNumber: number;
  subject: string;
  from: string | null;
  text: string;
  createdAt: string;
  readAt: null;
}

/** Staff: the unread customer replies on cases assigned to them or to nobody, newest first. */
export async function listNotifications(ctx: WebContext, user: User): Promise<{ notifications: NotificationItem[]; unread: number; readUntil: string | null }> {
  requireStaff(user);
  const settings = await ctx.web.settings.get(user.id);
  const since = settings.notificationsReadAt ?? new Date(ctx.clock.now().getTime() - DEFAULT_WINDOW_MS).toISOString();
  const rows = await ctx.web.search.customerRepliesSince({ agentId: user.id, since, limit: 100 });
  const notifications = rows.map(({ message, caseNumber, caseSubject }) => ({
    id: message.id, kind: 'customer_reply' as const, caseNumber, subject: caseSubject, from: message.authorEmail,
    text: message.bodyText.slice(0, 200), createdAt: message.createdAt, readAt: null,
  }));
  return { notifications, unread: notifications.length, readUntil: settings.notificationsReadAt };
}

/** Marks everything up to now as read. */
export async function markNotificationsRead(ctx: WebContext, user: User): Promise<{ readUntil: string }> {
  requireStaff(user);
  const now = ctx.clock.now().toISOString();
  await ctx.web.settings.update(user.id, { notificationsReadAt: now }, now);
  return { readUntil: now };
}

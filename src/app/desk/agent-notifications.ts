import type { WebSlice } from '../web-context.js';
import { requireStaff } from '../portal/access.js';
import type { User } from '../../domain/entities.js';

/** What this module's use cases reach of the web context. */
export type AgentNotificationsDeps = WebSlice<never, 'search' | 'settings', 'clock'>;

/** Without a "read" mark, the desk lists the replies of the last 7 days (a returning agent's backlog). */
const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

export interface NotificationItem {
  id: string;
  /** A reply on a case, or the first message of a case a customer opened in the portal. */
  kind: 'customer_reply' | 'case_opened';
  caseNumber: number;
  subject: string;
  from: string | null;
  /** The author's name (the address is `from`). */
  fromName: string | null;
  text: string;
  createdAt: string;
  readAt: null;
}

/** Staff: the unread customer replies on cases assigned to them or to nobody, newest first. */
export async function listNotifications(ctx: AgentNotificationsDeps, user: User): Promise<{ notifications: NotificationItem[]; unread: number; readUntil: string | null }> {
  requireStaff(user);
  const settings = await ctx.web.settings.get(user.id);
  const since = settings.notificationsReadAt ?? new Date(ctx.clock.now().getTime() - DEFAULT_WINDOW_MS).toISOString();
  const rows = await ctx.web.search.customerRepliesSince({ agentId: user.id, since, limit: 100 });
  const notifications = rows.map(({ message, caseNumber, caseSubject, authorName, opensCase }) => ({
    id: message.id, kind: opensCase ? ('case_opened' as const) : ('customer_reply' as const), caseNumber, subject: caseSubject, from: message.authorEmail, fromName: authorName,
    text: message.bodyText.slice(0, 200), createdAt: message.createdAt, readAt: null,
  }));
  return { notifications, unread: notifications.length, readUntil: settings.notificationsReadAt };
}

/** Marks everything up to now as read. */
export async function markNotificationsRead(ctx: AgentNotificationsDeps, user: User): Promise<{ readUntil: string }> {
  requireStaff(user);
  const now = ctx.clock.now().toISOString();
  await ctx.web.settings.update(user.id, { notificationsReadAt: now }, now);
  return { readUntil: now };
}

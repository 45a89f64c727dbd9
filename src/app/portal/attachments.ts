import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import { isStaff } from '../../domain/case.js';
import type { Attachment, User } from '../../domain/entities.js';
import { canSeeCase } from './access.js';

/** What this module's use cases reach of the web context. */
export type AttachmentsDeps = WebSlice<'attachments' | 'cases' | 'messages', 'search', never>;

/**
 * An attachment's bytes for download, when the user may see its case (and, for a customer, the
 * message it belongs to is not an internal note). Everything else is 404 (W1).
 */
export async function attachmentFor(ctx: AttachmentsDeps, user: User, id: string): Promise<{ attachment: Attachment; content: Buffer }> {
  const a = await ctx.web.search.attachment(id);
  const c = a ? await ctx.store.cases.findById(a.caseId) : null;
  if (!a || !c || !canSeeCase(user, c)) throw new AppError('not_found', { de: 'Diesen Anhang gibt es nicht.', en: 'There is no such attachment.' });
  if (!isStaff(user.role) && a.messageId) {
    const m = await ctx.store.messages.findById(a.messageId);
    if (!m || m.caseId !== c.id || m.kind === 'internal_note') throw new AppError('not_found', { de: 'Diesen Anhang gibt es nicht.', en: 'There is no such attachment.' });
  }
  const content = await ctx.store.attachments.content(a.id);
  if (!content) throw new AppError('not_found', { de: 'Diesen Anhang gibt es nicht.', en: 'There is no such attachment.' });
  return { attachment: a, content };
}

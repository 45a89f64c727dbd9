import type { WebSlice } from '../web-context.js';
import { AppError } from '../errors.js';
import { isStaff } from '../../domain/case.js';
import type { User } from '../../domain/entities.js';
import { canSeeCase } from './access.js';

/** What this module's use cases reach of the web context. */
export type MessageHtmlDeps = WebSlice<'cases', 'search', never>;

/**
 * The sanitizer keeps a remote image as `<img data-remote-src="…">` (W5). With the reader's
 * consent the attribute becomes `src` again, for http(s) URLs only; the browser fetches them,
 * this server never does.
 */
export function restoreRemoteImages(html: string): string {
  return html.replace(/<img\b[^>]*>/gi, (tag) => tag.replace(/\sdata-remote-src="(https?:\/\/[^"]*)"/i, ' src="$1"'));
}

/**
 * The sanitized HTML of a message that came by e-mail, as a standalone document for a sandboxed
 * iframe. Visible to whoever may see the message (customers: not internal notes). Remote images
 * only for staff who ask (`remoteImages`); a customer is refused, since their own client showed
 * the mail already and the portal has no reason to make them load trackers.
 */
export async function messageHtmlFor(ctx: MessageHtmlDeps, user: User, messageId: string, opts: { remoteImages: boolean }): Promise<string> {
  const m = await ctx.web.search.message(messageId);
  const c = m ? await ctx.store.cases.findById(m.caseId) : null;
  if (!m || !c || !canSeeCase(user, c) || (!isStaff(user.role) && m.kind === 'internal_note') || m.bodyHtml === null) {
    throw new AppError('not_found', { de: 'Zu dieser Nachricht gibt es kein HTML.', en: 'There is no HTML for this message.' });
  }
  if (opts.remoteImages && !isStaff(user.role)) throw new AppError('forbidden', { de: 'Externe Bilder werden nur dem Support gezeigt.', en: 'Remote images are shown to agents only.' });
  const body = opts.remoteImages ? restoreRemoteImages(m.bodyHtml) : m.bodyHtml;
  // no-referrer: a remote image, once allowed, must not learn the portal's case URL.
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank"></head><body>${body}</body></html>`;
}

import type { Language } from '../../domain/case.js';
import type { Message } from '../../domain/entities.js';
import { escapeHtml, textToHtml } from '../../domain/html-text.js';
import { formatUtcDateTime } from '../../domain/utc-date-time.js';

const WROTE: Record<Language, (date: string, who: string) => string> = {
  de: (d, w) => `Am ${d} schrieb ${w}:`,
  en: (d, w) => `On ${d}, ${w} wrote:`,
};

/** A phone case's first message is the agent's note of the call, not the customer's words. */
const NOTED: Record<Language, (date: string, who: string | null) => string> = {
  de: (d, w) => (w ? `Am ${d} am Telefon notiert von ${w}:` : `Am ${d} am Telefon notiert:`),
  en: (d, w) => (w ? `On ${d}, noted on the phone by ${w}:` : `On ${d}, noted on the phone:`),
};

/** At most this many earlier messages are quoted: enough context, and the mail stays small. */
const MAX_QUOTED = 10;

/**
 * The conversation so far, newest first, quoted below a new agent reply so that the customer
 * sees the whole thread in their mail client.
 */
/**
 * `nameOf` names the agent who noted a phone call (null when the note was not taken by an agent,
 * e.g. a case opened from the command line: then no name, never the customer's).
 */
export function quoteHistory(messages: Message[], lang: Language, mode: 'text' | 'html', nameOf: (authorId: string | null) => string | null = () => null): string {
  const recent = messages.slice(-MAX_QUOTED).reverse();
  if (recent.length === 0) return '';
  return recent
    .map((m) => {
      const at = formatUtcDateTime(m.createdAt, lang);
      const head = m.source === 'phone' ? NOTED[lang](at, nameOf(m.authorId)) : WROTE[lang](at, m.authorEmail ?? '');
      if (mode === 'text') return `${head}\n${m.bodyText.split('\n').map((l) => `> ${l}`).join('\n')}`;
      return `<p style="color:#555">${escapeHtml(head)}</p><blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${textToHtml(m.bodyText)}</blockquote>`;
    })
    .join(mode === 'text' ? '\n\n' : '');
}

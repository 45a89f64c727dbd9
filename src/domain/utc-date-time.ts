import type { Language } from './case.js';

/**
 * One formatter per language, made once: `new Intl.DateTimeFormat` costs about as much as the
 * rest of queuing a receipt (3.2 % of serve's busy time in the quick bench's small-reply phase,
 * all of it in the constructor), while `format` on a made one is cheap.
 */
const FORMATTERS: Record<Language, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }),
};

/** A moment as mails show it to people: "06.12.2026, 17:45 UTC" / "6 Dec 2026, 17:45 UTC". */
export function formatUtcDateTime(at: Date | string, lang: Language): string {
  return `${FORMATTERS[lang].format(typeof at === 'string' ? new Date(at) : at)} UTC`;
}

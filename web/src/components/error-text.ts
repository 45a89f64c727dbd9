import { ApiError } from '../api.js';
import { currentLanguage } from '../i18n.js';

/**
 * What a failure says to the user: the server's specific message (it names the field, the case,
 * the limit) when the server wrote it in the UI's language; else the UI's own words for the code;
 * else whatever message came.
 *
 * Usage: <div role="alert">{errorText(t, error)}</div>
 */
export function errorText(t: (k: string, o?: Record<string, unknown>) => string, e: unknown, lang: string = currentLanguage()): string {
  if (e instanceof ApiError) {
    if (e.message && e.language === lang) return e.message;
    const key = `errors.${e.code}`;
    const translated = t(key);
    return translated === key ? e.message : translated;
  }
  return t('errors.internal');
}

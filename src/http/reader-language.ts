import type { FastifyRequest } from 'fastify';
import type { Language } from '../domain/case.js';

/**
 * The first of our languages an Accept-Language header asks for, by its q-values (`de-AT`
 * counts as `de`; `q=0` means "not this one"); null when it names neither.
 *
 * Usage: acceptedLanguage('fr-CH, de;q=0.8, en;q=0.5') → 'de'
 */
export function acceptedLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  let best: { lang: Language; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const primary = tag.trim().toLowerCase().split('-')[0];
    if (primary !== 'de' && primary !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > 0)) continue;
    // Equal weights keep the header's order: the first named wins.
    if (!best || q > best.q) best = { lang: primary, q };
  }
  return best?.lang ?? null;
}

/**
 * The language an answer's texts are in: the signed-in user's own choice (the profile's), else
 * what the browser or client asks for, else English, the API's language for integrations.
 */
export function readerLanguage(req: FastifyRequest): Language {
  return req.principal?.user.language ?? acceptedLanguage(req.headers['accept-language']) ?? 'en';
}

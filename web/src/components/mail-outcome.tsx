import { useTranslation } from 'react-i18next';
import { reasonText } from '../../../src/app/ingest/reason-texts.js';
import { currentLanguage } from '../i18n.js';
import type { Explanation, MailLogEntry } from '../types.js';

/**
 * The reason in plain words and what to do: the API's explanation when it sends one, else the
 * server's own text (the one the notice mail carries), with this portal's address filled in.
 */
export function explanationOf(m: MailLogEntry): Explanation | null {
  if (!m.reason) return null;
  const e = m.explanation;
  if (e && 'text' in e && typeof e.text === 'string') return e as Explanation;
  const lang = currentLanguage();
  const localised = e ? (e as Partial<Record<string, Explanation>>)[lang] : undefined;
  if (localised) return localised;
  const portal = window.location.origin;
  return reasonText(m.reason, lang, portal, m.caseNumber ? `${portal}/cases/${m.caseNumber}` : undefined);
}

export type Outcome = 'ok' | 'failed' | 'pending' | 'neutral';

export function outcomeOf(m: MailLogEntry): Outcome {
  if (m.status === 'accepted') return 'ok';
  if (m.status === 'received' || m.status === 'deferred') return 'pending';
  if (m.status === 'duplicate' || m.status === 'ignored') return 'neutral';
  return 'failed';
}

const SYMBOL: Record<Outcome, string> = { ok: '✓', failed: '✗', pending: '…', neutral: '–' };

/** ✓ / ✗ with the status in words next to it, so the symbol is never the only signal. */
export function OutcomeMark({ mail }: { mail: MailLogEntry }) {
  const { t } = useTranslation();
  const o = outcomeOf(mail);
  return (
    <span className={`outcome outcome-${o}`} data-outcome={o}>
      <span aria-hidden="true">{SYMBOL[o]}</span> {t(`inboundStatus.${mail.status}`)}
    </span>
  );
}

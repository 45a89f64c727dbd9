import { useTranslation } from 'react-i18next';
import type { MailLogEntry } from '../types.js';

/**
 * The raw-source download of a received mail, as staff and the customer's own case offer it; or,
 * once the bytes were deleted (retention sweep or erasure of the person), why there is none.
 */
export function RawSourceLink({ mail }: { mail: MailLogEntry }) {
  const { t } = useTranslation();
  if (mail.rawDeleted) {
    return (
      <span className="muted">
        {mail.rawDeleted.reason === 'retention' ? t('privacy.rawDeletedRetention', { count: mail.rawDeleted.afterDays ?? 0 }) : t('privacy.rawDeletedErasure')}
      </span>
    );
  }
  return (
    <a href={`/api/mails/${encodeURIComponent(mail.id)}/raw`} download>
      {t('mails.raw')}
    </a>
  );
}

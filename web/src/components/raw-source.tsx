import { useTranslation } from 'react-i18next';
import type { MailLogEntry } from '../types.js';

/** The raw-source download of a received mail, or why there is none (deleted by retention or erasure). */
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

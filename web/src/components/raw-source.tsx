import { useTranslation } from 'react-i18next';
import type { MailLogEntry } from '../types.js';

/** The raw-source download of a received mail, as staff and the customer's own case offer it. */
export function RawSourceLink({ mail }: { mail: MailLogEntry }) {
  const { t } = useTranslation();
  return (
    <a href={`/api/mails/${encodeURIComponent(mail.id)}/raw`} download>
      {t('mails.raw')}
    </a>
  );
}

import { useTranslation } from 'react-i18next';
import { useLiveStatus } from '../events.js';

/** "Live" while the page gets the server's events, "Reconnecting…" while it does not. */
export function LiveIndicator() {
  const { t } = useTranslation();
  const live = useLiveStatus();
  return (
    <span className={`live ${live ? 'live-on' : 'live-off'}`} role="status">
      {live ? t('mails.live') : t('mails.reconnecting')}
    </span>
  );
}

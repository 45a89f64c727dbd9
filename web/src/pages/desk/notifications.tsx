import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { Link } from '../../router.js';
import { NOTIFICATIONS_CHANGED, type NotificationItem } from '../../components/layout.js';
import { ErrorBox, formatDate, Loading, PageTitle, useAction, useLoad } from '../../components/ui.js';

/** The agent's notifications (new customer replies, new cases), with "mark all as read". */
export function NotificationsPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => api.get<{ notifications: NotificationItem[] }>('/api/notifications').then((r) => r.notifications), []);
  useLiveEvents(() => reload());
  const action = useAction();
  const markRead = () =>
    action.run(async () => {
      await api.post('/api/notifications/read', {});
      reload();
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    });
  return (
    <section>
      <PageTitle
        actions={
          <button type="button" className="button-secondary" onClick={() => void markRead()}>
            {t('notifications.markRead')}
          </button>
        }
      >
        {t('notifications.title')}
      </PageTitle>
      <ErrorBox error={action.error ?? error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('notifications.empty')}</p> : null}
      <ul className="notif-list">
        {(data ?? []).map((n) => (
          <li key={n.id} className={n.readAt || n.read ? 'read' : 'unread'}>
            <time dateTime={n.createdAt}>{formatDate(n.createdAt)}</time> · {t(`notifications.kind.${n.kind ?? 'customer_reply'}`, { defaultValue: n.kind ?? '' })}{' '}
            {n.caseNumber ? <Link to={`/cases/${n.caseNumber}`}>#{n.caseNumber} {n.subject ?? ''}</Link> : null}
            {n.fromName || n.from ? <span className="muted"> · {n.fromName ?? n.from}</span> : null}
            {n.text ? <p className="notif-text">{n.text}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

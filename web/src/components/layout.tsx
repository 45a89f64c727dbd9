import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { useLiveEvents } from '../events.js';
import { currentLanguage } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { isStaff, useSession } from '../session.js';
import type { Language } from '../types.js';
import { useLoad } from './ui.js';

/** One entry of /api/notifications: a customer reply on a case assigned to me or to nobody. */
export interface NotificationItem { id: string; readAt?: string | null; read?: boolean; caseNumber?: number | null; subject?: string; from?: string | null; fromName?: string | null; kind?: string; createdAt?: string; text?: string }

/** Dispatched on window when notifications were marked read here, so that the badge recounts at once. */
export const NOTIFICATIONS_CHANGED = 'supportal:notifications-changed';

function unreadOf(list: NotificationItem[]): number {
  return list.filter((n) => !(n.read === true || (n.readAt !== undefined && n.readAt !== null))).length;
}

/** The bell in the desk header: unread notifications, refreshed on every live event. */
function NotificationBadge() {
  const { t } = useTranslation();
  const { data, reload } = useLoad(async () => {
    try {
      const r = await api.get<{ notifications?: NotificationItem[]; unread?: number }>('/api/notifications');
      return typeof r.unread === 'number' ? r.unread : unreadOf(r.notifications ?? []);
    } catch {
      return null;
    }
  }, []);
  useLiveEvents(() => reload());
  useEffect(() => {
    window.addEventListener(NOTIFICATIONS_CHANGED, reload);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, reload);
  }, [reload]);
  if (data === null) return null;
  return (
    <Link to="/desk/notifications" className="notif" aria-label={t('nav.notificationsCount', { count: data })}>
      <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z" />
      </svg>
      {data > 0 ? (
        <span className="notif-count" aria-hidden="true">
          {data}
        </span>
      ) : null}
    </Link>
  );
}

export function LanguageSwitch() {
  const { t } = useTranslation();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  return (
    <div className="lang-switch">
      <label htmlFor="lang-select">{t('nav.language')}</label>
      <select
        id="lang-select"
        value={currentLanguage()}
        disabled={busy}
        onChange={(e) => {
          setBusy(true);
          void session.changeLanguage(e.currentTarget.value as Language).finally(() => setBusy(false));
        }}
      >
        <option value="de" lang="de">
          Deutsch
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </div>
  );
}

function NavLink({ to, children, exact }: { to: string; children: ReactNode; exact?: boolean }) {
  const { path } = useLocation();
  const active = exact ? path === to : path === to || path.startsWith(`${to}/`);
  return (
    <li>
      <Link to={to} aria-current={active ? 'page' : undefined}>
        {children}
      </Link>
    </li>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const user = session.user;
  const staff = isStaff(user);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to={user ? (staff ? '/desk' : '/cases') : '/login'} className="brand">
            Supportal
          </Link>
          {user ? (
            <nav aria-label={t('nav.main')}>
              <ul>
                {staff ? (
                  <>
                    <NavLink to="/desk" exact>{t('nav.queues')}</NavLink>
                    <NavLink to="/desk/phone">{t('nav.phoneCase')}</NavLink>
                    <NavLink to="/desk/mails">{t('nav.mailLog')}</NavLink>
                    <NavLink to="/desk/outbox">{t('outbox.nav')}</NavLink>
                    <NavLink to="/desk/quarantine">{t('nav.quarantine')}</NavLink>
                    <NavLink to="/desk/overview">{t('nav.overview')}</NavLink>
                    {user.role === 'admin' ? <NavLink to="/admin">{t('nav.admin')}</NavLink> : null}
                  </>
                ) : (
                  <>
                    <NavLink to="/cases" exact>{t('nav.myCases')}</NavLink>
                    <NavLink to="/cases/new">{t('nav.newCase')}</NavLink>
                    <NavLink to="/mails">{t('nav.mails')}</NavLink>
                  </>
                )}
              </ul>
            </nav>
          ) : null}
          <div className="header-tools">
            {staff ? <NotificationBadge /> : null}
            <LanguageSwitch />
            {user ? (
              <>
                <Link to="/profile" className="user-link">
                  {user.name}
                </Link>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => {
                    void session.logout().then(() => navigate('/login'));
                  }}
                >
                  {t('nav.logout')}
                </button>
              </>
            ) : (
              <Link to="/login">{t('nav.login')}</Link>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  );
}

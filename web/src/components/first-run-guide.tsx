import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useLoad } from './ui.js';

interface DemoCase { number: number; subject: string; customerEmail: string }

const storageKey = (userId: string) => `supportal.guide.dismissed.${userId}`;

function dismissed(userId: string): boolean {
  try {
    return window.localStorage.getItem(storageKey(userId)) === '1';
  } catch {
    return false;
  }
}

/**
 * The first-run guide of an agent or admin: three steps through the whole e-mail loop (answer the
 * demo case, reply as the customer, read the customer's e-mail log). Shown until dismissed; the
 * dismissal is kept per user in this browser.
 */
export function FirstRunGuide() {
  const { t } = useTranslation();
  const user = useSession().user;
  const [hidden, setHidden] = useState(() => (user ? dismissed(user.id) : true));
  const demo = useLoad(() => (hidden ? Promise.resolve(null) : api.get<{ demoCase: DemoCase | null }>('/api/demo-case').then((r) => r.demoCase)), [hidden]);
  if (!user || hidden) return null;
  const c = demo.data;
  const dismiss = () => {
    try {
      window.localStorage.setItem(storageKey(user.id), '1');
    } catch {
      // Private mode without storage: hidden for this page view only.
    }
    setHidden(true);
  };
  return (
    <aside className="first-run-guide" aria-labelledby="guide-title">
      <h2 id="guide-title">{t('guide.title')}</h2>
      <p>{t('guide.intro')}</p>
      <ol>
        <li>
          {c ? t('guide.step1', { subject: c.subject, number: c.number }) : t('guide.step1Fallback')}{' '}
          <Link to={c ? `/desk/cases/${c.number}` : '/desk'}>{t('guide.openCase')}</Link>
        </li>
        <li>
          {t('guide.step2')} <Link to="/desk/outbox?kind=agent_reply">{t('guide.openOutbox')}</Link>
        </li>
        <li>
          {t('guide.step3', { email: c?.customerEmail ?? '…' })} <Link to="/desk/mails">{t('guide.openMailLog')}</Link>
        </li>
      </ol>
      <button type="button" className="button-secondary" onClick={dismiss}>
        {t('guide.dismiss')}
      </button>
    </aside>
  );
}

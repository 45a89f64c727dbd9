import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from '../../router.js';
import { PageTitle } from '../../components/ui.js';
import { OrganisationsAdminPage } from './organisations.js';
import { ProductsAdminPage } from './products.js';
import { SettingsAdminPage } from './settings.js';
import { TemplatesAdminPage } from './templates.js';
import { UsersAdminPage } from './users.js';
import { PrivacyAdminPage } from './privacy.js';
import { MailboxesAdminPage } from './mailboxes.js';

/**
 * The administration's pages: path, the text key of its tab and title, the page. `/admin` itself
 * (and any path not listed) is the users page.
 */
const SECTIONS: Array<{ path: string; title: string; render(): ReactNode }> = [
  { path: '/admin', title: 'admin.users', render: () => <UsersAdminPage /> },
  { path: '/admin/organisations', title: 'admin.organisations', render: () => <OrganisationsAdminPage /> },
  { path: '/admin/products', title: 'admin.products', render: () => <ProductsAdminPage /> },
  { path: '/admin/templates', title: 'admin.templates', render: () => <TemplatesAdminPage /> },
  { path: '/admin/settings', title: 'admin.settings', render: () => <SettingsAdminPage /> },
  { path: '/admin/privacy', title: 'privacy.title', render: () => <PrivacyAdminPage /> },
  { path: '/admin/mailboxes', title: 'mailboxes.title', render: () => <MailboxesAdminPage /> },
];

function AdminNav() {
  const { t } = useTranslation();
  const { path } = useLocation();
  return (
    <nav aria-label={t('nav.admin')} className="tabs">
      <ul>
        {SECTIONS.map(({ path: to, title }) => (
          <li key={to}>
            <Link to={to} aria-current={path === to ? 'page' : undefined}>
              {t(title)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The administration: a tab per page, the page below. */
export function AdminPage() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const current = SECTIONS.find((s) => s.path === path) ?? SECTIONS[0]!;
  return (
    <section>
      <PageTitle>{t(current.title)}</PageTitle>
      <AdminNav />
      {current.render()}
    </section>
  );
}

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from '../../router.js';
import { PageTitle } from '../../components/ui.js';
import { OrganisationsAdminPage } from './organisations.js';
import { ProductsAdminPage } from './products.js';
import { SettingsAdminPage } from './settings.js';
import { TemplatesAdminPage } from './templates.js';
import { UsersAdminPage } from './users.js';

type Section = 'users' | 'organisations' | 'products' | 'templates' | 'settings';

/** The administration's pages by the path below /admin; `/admin` itself (and any other path) is the users page. */
const SECTIONS: Array<{ section: Section; path: string; render(): ReactNode }> = [
  { section: 'users', path: '/admin', render: () => <UsersAdminPage /> },
  { section: 'organisations', path: '/admin/organisations', render: () => <OrganisationsAdminPage /> },
  { section: 'products', path: '/admin/products', render: () => <ProductsAdminPage /> },
  { section: 'templates', path: '/admin/templates', render: () => <TemplatesAdminPage /> },
  { section: 'settings', path: '/admin/settings', render: () => <SettingsAdminPage /> },
];

function AdminNav() {
  const { t } = useTranslation();
  const { path } = useLocation();
  return (
    <nav aria-label={t('nav.admin')} className="tabs">
      <ul>
        {SECTIONS.map(({ section, path: to }) => (
          <li key={to}>
            <Link to={to} aria-current={path === to ? 'page' : undefined}>
              {t(`admin.${section}`)}
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
      <PageTitle>{t(`admin.${current.section}`)}</PageTitle>
      <AdminNav />
      {current.render()}
    </section>
  );
}

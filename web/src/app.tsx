import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from './components/layout.js';
import { Loading, PageTitle } from './components/ui.js';
import { navigate, useLocation, match } from './router.js';
import { isStaff, useSession } from './session.js';
import { LoginPage } from './pages/auth/login.js';
import { ProfilePage } from './pages/auth/profile.js';
import { ResetConfirmPage, ResetRequestPage } from './pages/auth/reset-password.js';
import { SignupPage } from './pages/auth/signup.js';
import { VerifyPage } from './pages/auth/verify.js';
import { MyCasesPage } from './pages/cases.js';
import { NewCasePage } from './pages/new-case.js';
import { CasePage } from './pages/case.js';
import { MyMailsPage } from './pages/mails.js';
import { MailLogPage } from './pages/desk/mail-log.js';
import { RejectedMailPage } from './pages/desk/rejected-mail.js';
import { NotificationsPage } from './pages/desk/notifications.js';
import { PhoneCasePage } from './pages/desk/phone-case.js';
import { QuarantinePage } from './pages/desk/quarantine.js';
import { QueuesPage } from './pages/desk/queues.js';
import { OverviewPage } from './pages/desk/overview.js';
import { AdminPage } from './pages/admin/admin-page.js';
import { OutboxMailPage, OutboxPage } from './pages/desk/outbox.js';
import { FirstRunGuide } from './components/first-run-guide.js';

type Access = 'public' | 'customer' | 'staff' | 'admin';
interface Route { pattern: string; access: Access; render(): ReactNode }

const ROUTES: Route[] = [
  { pattern: '/login', access: 'public', render: () => <LoginPage /> },
  { pattern: '/signup', access: 'public', render: () => <SignupPage /> },
  { pattern: '/verify', access: 'public', render: () => <VerifyPage /> },
  { pattern: '/reset-password', access: 'public', render: () => <ResetConfirmPage /> },
  { pattern: '/forgot-password', access: 'public', render: () => <ResetRequestPage /> },
  { pattern: '/profile', access: 'customer', render: () => <ProfilePage /> },
  { pattern: '/cases', access: 'customer', render: () => <MyCasesPage /> },
  { pattern: '/cases/new', access: 'customer', render: () => <NewCasePage /> },
  { pattern: '/cases/:number', access: 'customer', render: () => <CasePage /> },
  { pattern: '/mails', access: 'customer', render: () => <MyMailsPage /> },
  { pattern: '/desk', access: 'staff', render: () => <QueuesPage /> },
  { pattern: '/desk/cases/:number', access: 'staff', render: () => <CasePage /> },
  { pattern: '/desk/phone', access: 'staff', render: () => <PhoneCasePage /> },
  { pattern: '/desk/mails', access: 'staff', render: () => <MailLogPage /> },
  { pattern: '/desk/mails/:id', access: 'staff', render: () => <RejectedMailPage /> },
  { pattern: '/desk/quarantine', access: 'staff', render: () => <QuarantinePage /> },
  { pattern: '/desk/overview', access: 'staff', render: () => <OverviewPage /> },
  { pattern: '/desk/notifications', access: 'staff', render: () => <NotificationsPage /> },
  { pattern: '/desk/outbox', access: 'staff', render: () => <OutboxPage /> },
  { pattern: '/desk/outbox/:id', access: 'staff', render: () => <OutboxMailPage /> },
  { pattern: '/admin', access: 'admin', render: () => <AdminPage /> },
  { pattern: '/admin/:section', access: 'admin', render: () => <AdminPage /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <section>
      <PageTitle>{t('errors.pageNotFound')}</PageTitle>
    </section>
  );
}

function Forbidden() {
  const { t } = useTranslation();
  return (
    <section>
      <PageTitle>{t('errors.forbidden')}</PageTitle>
    </section>
  );
}

export function App() {
  const { path, search } = useLocation();
  const session = useSession();
  const user = session.user;
  if (session.loading) return <Loading />;
  let content: ReactNode;
  if (path === '/' || path === '') content = <Redirect to={user ? (isStaff(user) ? '/desk' : '/cases') : '/login'} />;
  else {
    const route = ROUTES.find((r) => match(r.pattern, path));
    if (!route) content = <NotFound />;
    else if (route.access !== 'public' && !user) content = <Redirect to={`/login?next=${encodeURIComponent(path + (search.toString() ? `?${search}` : ''))}`} />;
    else if (route.access === 'staff' && !isStaff(user)) content = <Forbidden />;
    else if (route.access === 'admin' && user?.role !== 'admin') content = <Forbidden />;
    else content = route.render();
    // The first-run guide sits above the desk pages of agents and admins until they dismiss it.
    if (route && isStaff(user) && path.startsWith('/desk')) content = <><FirstRunGuide />{content}</>;
  }
  return <Layout>{content}</Layout>;
}

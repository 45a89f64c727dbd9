import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate, useLocation } from '../../router.js';
import { isStaff, useSession } from '../../session.js';
import { ErrorBox, Notice, PageTitle, TextField, useAction } from '../../components/ui.js';

/** Log in; then on to `?next=` (a path on this site only), else the desk or the customer's cases. */
export function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const user = await session.login(email, password);
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : isStaff(user) ? '/desk' : '/cases', { replace: true });
    });
  };
  return (
    <section className="narrow">
      <PageTitle>{t('login.title')}</PageTitle>
      {search.get('verified') ? <Notice kind="success">{t('verify.done')}</Notice> : null}
      {search.get('reset') ? <Notice kind="success">{t('reset.done')}</Notice> : null}
      <ErrorBox error={action.error} />
      <form onSubmit={submit} className="card">
        <TextField label={t('fields.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <TextField label={t('fields.password')} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>
          {t('login.submit')}
        </button>
      </form>
      <p>
        <Link to="/reset-password">{t('login.forgot')}</Link> · <Link to="/signup">{t('login.signup')}</Link>
      </p>
    </section>
  );
}

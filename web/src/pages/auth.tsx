import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { currentLanguage } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { isStaff, useSession } from '../session.js';
import type { Language, User } from '../types.js';
import { ErrorBox, Notice, PageTitle, SelectField, TextField, useAction, useLoad } from '../components/ui.js';

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

export function SignupPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState({ name: '', email: '', password: '', password2: '' });
  const action = useAction();
  const [mismatch, setMismatch] = useState(false);
  const [sent, setSent] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.password !== form.password2) {
      action.clear();
      setMismatch(true);
      return;
    }
    setMismatch(false);
    void action.run(async () => {
      await api.post('/api/auth/signup', { name: form.name, email: form.email, password: form.password, language: currentLanguage() });
      setSent(true);
    });
  };
  if (sent)
    return (
      <section className="narrow">
        <PageTitle>{t('signup.title')}</PageTitle>
        <Notice kind="success">{t('signup.sent', { email: form.email })}</Notice>
      </section>
    );
  return (
    <section className="narrow">
      <PageTitle>{t('signup.title')}</PageTitle>
      <ErrorBox error={action.error} />
      <form onSubmit={submit} className="card">
        <TextField label={t('fields.name')} autoComplete="name" required maxLength={200} value={form.name} onChange={set('name')} />
        <TextField label={t('fields.email')} type="email" autoComplete="email" required value={form.email} onChange={set('email')} />
        <TextField label={t('fields.password')} type="password" autoComplete="new-password" required minLength={8} hint={t('fields.passwordHint')} value={form.password} onChange={set('password')} />
        <TextField label={t('fields.passwordRepeat')} type="password" autoComplete="new-password" required minLength={8} error={mismatch ? t('fields.passwordMismatch') : null} value={form.password2} onChange={set('password2')} />
        <button type="submit">{t('signup.submit')}</button>
      </form>
      <p>
        <Link to="/login">{t('signup.haveAccount')}</Link>
      </p>
    </section>
  );
}

/** A confirmation link without its token is as invalid as one with a wrong token. */
const MISSING_TOKEN = new ApiError(400, 'token_invalid', 'token missing');

export function VerifyPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const [verdict, setVerdict] = useState<'working' | 'done' | unknown>('working');
  useEffect(() => {
    if (!token) return;
    api.post('/api/auth/verify', { token }).then(
      () => setVerdict('done'),
      (e: unknown) => setVerdict(e),
    );
  }, [token]);
  const state = token ? verdict : MISSING_TOKEN;
  return (
    <section className="narrow">
      <PageTitle>{t('verify.title')}</PageTitle>
      {state === 'working' ? <p role="status">{t('verify.working')}</p> : null}
      {state === 'done' ? (
        <>
          <Notice kind="success">{t('verify.done')}</Notice>
          <p>
            <Link to="/login">{t('verify.toLogin')}</Link>
          </p>
        </>
      ) : null}
      {state !== 'working' && state !== 'done' ? <ErrorBox error={state} /> : null}
    </section>
  );
}

export function ResetRequestPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const action = useAction();
  return (
    <section className="narrow">
      <PageTitle>{t('reset.title')}</PageTitle>
      {sent ? <Notice kind="success">{t('reset.sent')}</Notice> : null}
      <ErrorBox error={action.error} />
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.post('/api/auth/password-reset', { email });
            setSent(true);
          });
        }}
      >
        <TextField label={t('fields.email')} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <button type="submit">{t('reset.submit')}</button>
      </form>
    </section>
  );
}

/** `/reset-password?token=…` from the mail sets the new password; without a token it asks for the mail. */
export function ResetConfirmPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const action = useAction();
  if (!token) return <ResetRequestPage />;
  return (
    <section className="narrow">
      <PageTitle>{t('reset.newTitle')}</PageTitle>
      <ErrorBox error={action.error} />
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.post('/api/auth/password-reset/confirm', { token, password });
            navigate('/login?reset=1', { replace: true });
          });
        }}
      >
        <TextField label={t('fields.newPassword')} type="password" autoComplete="new-password" required minLength={8} hint={t('fields.passwordHint')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit">{t('reset.setPassword')}</button>
      </form>
    </section>
  );
}

export function ProfilePage() {
  const { t } = useTranslation();
  const session = useSession();
  const user = session.user!;
  const [name, setName] = useState(user.name);
  const [language, setLang] = useState<Language>(user.language);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  // Shown at once; the server's answer follows with the reload.
  const [notify, setNotify] = useState<boolean | null>(null);
  const prefs = useLoad(() => (isStaff(user) ? api.get<{ preferences?: { notifyByEmail: boolean } }>('/api/auth/me').then((r) => r.preferences ?? null) : Promise.resolve(null)), [user.id]);
  const save = (body: Record<string, unknown>, what: string): Promise<boolean> => {
    setSaved(null);
    return action.run(async () => {
      const r = await api.patch<{ user: User }>('/api/auth/profile', body);
      session.setUser(r.user);
      prefs.reload();
      if (r.user.language !== currentLanguage()) await session.changeLanguage(r.user.language);
      setSaved(what);
    });
  };
  return (
    <section className="narrow">
      <PageTitle>{t('profile.title')}</PageTitle>
      {saved ? <Notice kind="success">{saved}</Notice> : null}
      <ErrorBox error={action.error} />
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ name, language }, t('profile.saved'));
        }}
      >
        <h2>{t('profile.details')}</h2>
        <p>
          {t('fields.email')}: <strong>{user.email}</strong>
        </p>
        <TextField label={t('fields.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <SelectField label={t('fields.language')} value={language} onChange={(e) => setLang(e.currentTarget.value as Language)}>
          <option value="de">Deutsch</option>
          <option value="en">English</option>
        </SelectField>
        <button type="submit">{t('common.save')}</button>
      </form>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ password: { current, new: next } }, t('profile.passwordChanged')).then((ok) => {
            if (!ok) return;
            setCurrent('');
            setNext('');
          });
        }}
      >
        <h2>{t('profile.password')}</h2>
        <TextField label={t('fields.currentPassword')} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
        <TextField label={t('fields.newPassword')} type="password" autoComplete="new-password" required minLength={8} hint={t('fields.passwordHint')} value={next} onChange={(e) => setNext(e.currentTarget.value)} />
        <button type="submit">{t('profile.changePassword')}</button>
      </form>
      {prefs.data ? (
        <form className="card" onSubmit={(e) => e.preventDefault()}>
          <h2>{t('profile.notifications')}</h2>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={notify ?? prefs.data.notifyByEmail}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setNotify(on);
                void save({ notifyByEmail: on }, t('profile.saved')).then((ok) => !ok && setNotify(!on));
              }}
            />{' '}
            {t('profile.notifyByEmail')}
          </label>
        </form>
      ) : null}
    </section>
  );
}

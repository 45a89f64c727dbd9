import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { currentLanguage } from '../../i18n.js';
import { Link } from '../../router.js';
import { ErrorBox, Notice, PageTitle, TextField, useAction } from '../../components/ui.js';

/** A customer signs up; the account works once the address is confirmed by the mailed link. */
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

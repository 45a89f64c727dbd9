import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { navigate, useLocation } from '../../router.js';
import { ErrorBox, Notice, PageTitle, TextField, useAction } from '../../components/ui.js';

/** Asks for the address to mail a reset link to; the answer is the same whether it has an account or not. */
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

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { currentLanguage } from '../../i18n.js';
import { isStaff, useSession } from '../../session.js';
import type { Language, User } from '../../types.js';
import { ErrorBox, Notice, PageTitle, SelectField, TextField, useAction, useLoad } from '../../components/ui.js';

/** One's own name, language and password; staff also choose whether replies are mailed to them. */
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

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { USER_ROLES, type Language, type Role, type User } from '../../types.js';
import { ErrorBox, Loading, Notice, SelectField, TextField, useAction, useLoad, TableWrap } from '../../components/ui.js';

/** Every user with their role and language; an admin disables one or creates one (staff too). */
export function UsersAdminPage() {
  const { t } = useTranslation();
  const users = useLoad(() => api.get<{ users: User[] }>('/api/admin/users').then((r) => r.users), []);
  const [form, setForm] = useState({ role: 'customer' as Role, name: '', email: '', org: '', customerNo: '', lang: 'de' as Language, password: '' });
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  const create = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
      const r = await api.post<{ user: User }>('/api/admin/users', body);
      setDone(t('admin.userCreated', { email: r.user.email }));
      setForm({ ...form, name: '', email: '', password: '' });
      users.reload();
    });
  };
  const toggle = (u: User) =>
    action.run(async () => {
      await api.post(`/api/admin/users/${encodeURIComponent(u.id)}/${u.disabled ? 'enable' : 'disable'}`);
      users.reload();
    });
  return (
    <>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorBox error={action.error ?? users.error} />
      {users.data ? (
        <TableWrap label={t('admin.users')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.name')}</th>
                <th scope="col">{t('fields.email')}</th>
                <th scope="col">{t('fields.role')}</th>
                <th scope="col">{t('fields.language')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <td>
                    {u.name}
                    {u.orgAdmin ? <span className="tag">{t('admin.orgAdmin')}</span> : null}
                    {u.disabled ? <span className="tag tag-note">{t('admin.disabled')}</span> : null}
                  </td>
                  <td>{u.email}</td>
                  <td>{t(`roles.${u.role}`)}</td>
                  <td>{u.language}</td>
                  <td>
                    <button type="button" className="button-secondary" onClick={() => void toggle(u)} aria-label={`${u.disabled ? t('admin.enable') : t('admin.disable')}: ${u.email}`}>
                      {u.disabled ? t('admin.enable') : t('admin.disable')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <Loading />
      )}
      <form className="card" onSubmit={create}>
        <h2>{t('admin.newUser')}</h2>
        <SelectField label={t('fields.role')} value={form.role} onChange={set('role')}>
          {USER_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={t('fields.name')} required value={form.name} onChange={set('name')} />
        <TextField label={t('fields.email')} type="email" required value={form.email} onChange={set('email')} />
        {form.role === 'customer' ? (
          <>
            <TextField label={t('fields.organisation')} value={form.org} onChange={set('org')} />
            <TextField label={t('fields.customerNo')} value={form.customerNo} onChange={set('customerNo')} />
          </>
        ) : null}
        <SelectField label={t('fields.language')} value={form.lang} onChange={set('lang')}>
          <option value="de">Deutsch</option>
          <option value="en">English</option>
        </SelectField>
        <TextField label={t('fields.initialPassword')} type="password" autoComplete="new-password" minLength={8} value={form.password} onChange={set('password')} />
        <button type="submit">{t('admin.createUser')}</button>
      </form>
    </>
  );
}

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { Link, useLocation } from '../router.js';
import type { Language, Organisation, Role, User } from '../types.js';
import { ErrorBox, Loading, Notice, PageTitle, SelectField, TextField, useLoad, TableWrap } from '../components/ui.js';

function AdminNav() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const items = [
    ['/admin', t('admin.users')],
    ['/admin/organisations', t('admin.organisations')],
    ['/admin/products', t('admin.products')],
    ['/admin/templates', t('admin.templates')],
    ['/admin/settings', t('admin.settings')],
  ] as const;
  return (
    <nav aria-label={t('nav.admin')} className="tabs">
      <ul>
        {items.map(([to, label]) => (
          <li key={to}>
            <Link to={to} aria-current={path === to ? 'page' : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function UsersAdmin() {
  const { t } = useTranslation();
  const users = useLoad(() => api.get<{ users: User[] }>('/api/admin/users').then((r) => r.users), []);
  const [form, setForm] = useState({ role: 'customer' as Role, name: '', email: '', org: '', customerNo: '', lang: 'de' as Language, password: '' });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
      const r = await api.post<{ user: User }>('/api/admin/users', body);
      setDone(t('admin.userCreated', { email: r.user.email }));
      setForm({ ...form, name: '', email: '', password: '' });
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (u: User) => api.post(`/api/admin/users/${encodeURIComponent(u.id)}/${u.disabled ? 'enable' : 'disable'}`).then(users.reload, setError);
  return (
    <>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorBox error={error ?? users.error} />
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
          {(['customer', 'agent', 'admin'] as const).map((r) => (
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

function OrganisationsAdmin() {
  const { t } = useTranslation();
  const orgs = useLoad(() => api.get<{ organisations: Array<Organisation & { members: number }> }>('/api/admin/organisations').then((r) => r.organisations), []);
  const [form, setForm] = useState({ name: '', customerNo: '' });
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <ErrorBox error={error ?? orgs.error} />
      {orgs.data ? (
        <TableWrap label={t('admin.organisations')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.organisation')}</th>
                <th scope="col">{t('fields.customerNo')}</th>
                <th scope="col">{t('admin.members')}</th>
              </tr>
            </thead>
            <tbody>
              {orgs.data.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>{o.customerNo ?? '–'}</td>
                  <td>{o.members}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : orgs.loading ? (
        <Loading />
      ) : null}
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.post('/api/admin/organisations', { name: form.name, ...(form.customerNo ? { customerNo: form.customerNo } : {}) }).then(() => {
            setForm({ name: '', customerNo: '' });
            orgs.reload();
          }, setError);
        }}
      >
        <h2>{t('admin.newOrganisation')}</h2>
        <TextField label={t('fields.name')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        <TextField label={t('fields.customerNo')} value={form.customerNo} onChange={(e) => setForm({ ...form, customerNo: e.currentTarget.value })} />
        <button type="submit">{t('common.create')}</button>
      </form>
    </>
  );
}

interface CatalogProduct { id: string; name: string; active: boolean; versions: Array<{ id: string; name: string; active: boolean }> }

function ProductsAdmin() {
  const { t } = useTranslation();
  const products = useLoad(() => api.get<{ products: CatalogProduct[] }>('/api/admin/products').then((r) => r.products), []);
  const [form, setForm] = useState({ name: '', versions: '' });
  const [newVersion, setNewVersion] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const versions = form.versions.split(',').map((v) => v.trim()).filter(Boolean);
  const act = (p: Promise<unknown>) => {
    setError(null);
    p.then(products.reload, setError);
  };
  return (
    <>
      <ErrorBox error={error ?? products.error} />
      {products.data ? (
        <TableWrap label={t('admin.products')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.product')}</th>
                <th scope="col">{t('admin.versions')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {products.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name} {!p.active ? <span className="tag tag-note">{t('admin.inactive')}</span> : null}
                  </td>
                  <td>
                    <ul className="version-list">
                      {p.versions.map((v) => (
                        <li key={v.id}>
                          <span className={v.active ? undefined : 'muted'}>{v.name}</span>{' '}
                          <button
                            type="button"
                            className="link-button"
                            onClick={() => act(api.post(`/api/admin/product-versions/${encodeURIComponent(v.id)}/${v.active ? 'deactivate' : 'activate'}`))}
                          >
                            {v.active ? t('admin.retire', { name: v.name }) : t('admin.offer', { name: v.name })}
                          </button>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <form
                      className="inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const name = (newVersion[p.id] ?? '').trim();
                        if (name) act(api.post(`/api/admin/products/${encodeURIComponent(p.id)}/versions`, { name }).then(() => setNewVersion({ ...newVersion, [p.id]: '' })));
                      }}
                    >
                      <TextField label={t('admin.addVersionTo', { name: p.name })} value={newVersion[p.id] ?? ''} onChange={(e) => setNewVersion({ ...newVersion, [p.id]: e.currentTarget.value })} />
                      <button type="submit" className="button-secondary">
                        {t('admin.addVersion')}
                      </button>
                    </form>
                    <button type="button" className="button-secondary" onClick={() => act(api.post(`/api/admin/products/${encodeURIComponent(p.id)}/${p.active ? 'deactivate' : 'activate'}`))}>
                      {p.active ? t('admin.deactivate') : t('admin.activate')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          act(api.post('/api/admin/products', { name: form.name, versions }).then(() => setForm({ name: '', versions: '' })));
        }}
      >
        <h2>{t('admin.newProduct')}</h2>
        <TextField label={t('fields.product')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        <TextField label={t('admin.versions')} hint={t('admin.versionsHint')} value={form.versions} onChange={(e) => setForm({ ...form, versions: e.currentTarget.value })} />
        <button type="submit">{t('admin.saveProduct')}</button>
      </form>
    </>
  );
}

interface Preview { name: string; language: Language; subject: string; text: string; html: string }

/** A template rendered with sample values in both languages side by side, shown as text (the HTML as its source, never live). */
function TemplatesAdmin() {
  const { t } = useTranslation();
  const names = useLoad(() => api.get<{ templates: string[] }>('/api/admin/templates').then((r) => r.templates), []);
  const [name, setName] = useState('receipt');
  const previews = useLoad(async () => {
    const url = (l: Language) => `/api/admin/templates/${encodeURIComponent(name)}/preview?lang=${l}`;
    const [de, en] = await Promise.all([api.get<Preview>(url('de')), api.get<Preview>(url('en'))]);
    return { de, en };
  }, [name]);
  return (
    <>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('admin.templateKind')} value={name} onChange={(e) => setName(e.currentTarget.value)}>
          {(names.data ?? [name]).map((k) => (
            <option key={k} value={k}>
              {t(`outboundKind.${k}`, { defaultValue: k })}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorBox error={previews.error ?? names.error} />
      {previews.data ? (
        <div className="grid-2">
          {(['de', 'en'] as const).map((l) => (
            <section key={l} className="card" lang={l} aria-labelledby={`tpl-${l}`}>
              <h2 id={`tpl-${l}`}>{l === 'de' ? 'Deutsch' : 'English'}</h2>
              <p>
                <strong>{previews.data![l].subject}</strong>
              </p>
              <pre className="mail-preview">{previews.data![l].text}</pre>
              <details>
                <summary>{t('admin.htmlSource')}</summary>
                <pre className="mail-preview">{previews.data![l].html}</pre>
              </details>
            </section>
          ))}
        </div>
      ) : previews.loading ? (
        <Loading />
      ) : null}
    </>
  );
}

/** The configuration in effect, read-only: it is changed in the configuration file or environment. */
function SettingsAdmin() {
  const { t } = useTranslation();
  const settings = useLoad(() => api.get<{ settings: Record<string, unknown> }>('/api/admin/settings').then((r) => r.settings), []);
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  return (
    <>
      <p className="hint">{t('admin.settingsHint')}</p>
      <ErrorBox error={settings.error} />
      {settings.data ? (
        <dl className="settings">
          {Object.entries(settings.data).map(([k, v]) => (
            <div key={k}>
              <dt>{t(`admin.setting.${k}`, { defaultValue: k })}</dt>
              <dd>{typeof v === 'object' && v !== null ? <pre>{show(v)}</pre> : show(v)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <Loading />
      )}
    </>
  );
}

export function AdminPage() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const section = (['organisations', 'products', 'templates', 'settings'] as const).find((x) => path === `/admin/${x}`) ?? 'users';
  return (
    <section>
      <PageTitle>{t(`admin.${section}`)}</PageTitle>
      <AdminNav />
      {section === 'users' ? <UsersAdmin /> : null}
      {section === 'organisations' ? <OrganisationsAdmin /> : null}
      {section === 'products' ? <ProductsAdmin /> : null}
      {section === 'templates' ? <TemplatesAdmin /> : null}
      {section === 'settings' ? <SettingsAdmin /> : null}
    </section>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { Link, useLocation } from '../router.js';
import type { Language, Organisation, Role, User } from '../types.js';
import { ErrorBox, Loading, Notice, PageTitle, SelectField, TextArea, TextField, useLoad, TableWrap } from '../components/ui.js';

export function AdminNav() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const items = [
    ['/admin', t('admin.users')],
    ['/admin/organisations', t('admin.organisations')],
    ['/admin/products', t('admin.products')],
    ['/admin/templates', t('admin.templates')],
    ['/admin/settings', t('admin.settings')],
    ['/admin/privacy', t('privacy.title')],
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
interface Wording { subject: string; text: string; html: string }
type EditableTemplate = 'receipt' | 'notice';
const EDITABLE: readonly string[] = ['receipt', 'notice'];
const LANGS = ['de', 'en'] as const;
const MIB = 1024 * 1024;

interface Policy { allowedImageTypes: string[]; maxArchives: number; allowEncryptedArchives: boolean; zip: { maxEntries: number; maxUncompressedBytes: number; maxRatio: number } }
interface Settings {
  attachmentPolicy: Policy;
  maxMessageBytes: number;
  maxMessageBytesCeiling: number;
  uploadsEnabled: boolean;
  virusScanning: boolean;
  templates: Partial<Record<EditableTemplate, Partial<Record<Language, Partial<Wording>>>>>;
  changed: Partial<Record<'attachment_policy' | 'max_message_bytes' | 'templates', { updatedAt: string }>>;
  limits: { knownImageTypes: string[]; maxArchives: number; zip: Policy['zip']; maxMessageBytes: { min: number; max: number }; templateVariables: Record<EditableTemplate, string[]> };
  builtInTemplates: Record<EditableTemplate, Record<Language, Wording>>;
  addresses: { support: string; noreply: string; bounce: string };
  [key: string]: unknown;
}

const loadSettings = () => api.get<{ settings: Settings }>('/api/admin/settings').then((r) => r.settings);

/** The field a 400 names (`details.field`), for the message next to the input. */
function fieldOf(e: unknown): string | null {
  return e instanceof ApiError && typeof e.details.field === 'string' ? e.details.field : null;
}

/** The wording being edited: the saved override field by field, else the built-in text. */
function wordingOf(s: Settings, name: EditableTemplate, l: Language): Wording {
  const saved = s.templates[name]?.[l] ?? {};
  const built = s.builtInTemplates[name][l];
  return { subject: saved.subject ?? built.subject, text: saved.text ?? built.text, html: saved.html ?? built.html };
}

/** The editor's fields sent as an override: a field equal to the built-in text stays built-in (empty). */
function overrideOf(w: Wording, built: Wording): Wording {
  return { subject: w.subject === built.subject ? '' : w.subject, text: w.text === built.text ? '' : w.text, html: w.html === built.html ? '' : w.html };
}

/** The rendered preview of one language, refreshed 400 ms after the last keystroke. */
function useLivePreview(name: string, lang: Language, draft: Wording | null): { preview: Preview | null; error: unknown } {
  const [state, setState] = useState<{ preview: Preview | null; error: unknown }>({ preview: null, error: null });
  const key = JSON.stringify(draft);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      const req = draft
        ? api.post<Preview>(`/api/admin/templates/${encodeURIComponent(name)}/preview`, { lang, ...draft })
        : api.get<Preview>(`/api/admin/templates/${encodeURIComponent(name)}/preview?lang=${lang}`);
      req.then(
        (preview) => live && setState({ preview, error: null }),
        (error: unknown) => live && setState((s) => ({ preview: s.preview, error })),
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [name, lang, key]);
  return state;
}

function PreviewCard({ preview }: { preview: Preview | null }) {
  const { t } = useTranslation();
  if (!preview) return <Loading />;
  return (
    <div className="template-preview" aria-live="polite">
      <h3>{t('admin.preview')}</h3>
      <p>
        <strong>{preview.subject}</strong>
      </p>
      <pre className="mail-preview">{preview.text}</pre>
      <details>
        <summary>{t('admin.htmlSource')}</summary>
        <pre className="mail-preview">{preview.html}</pre>
      </details>
    </div>
  );
}

/** One language of an editable template: subject, text and HTML, with the live preview below. */
function WordingEditor({ name, lang, value, onChange, error }: { name: EditableTemplate; lang: Language; value: Wording; onChange(w: Wording): void; error: unknown }) {
  const { t } = useTranslation();
  const live = useLivePreview(name, lang, value);
  const field = fieldOf(live.error) ?? fieldOf(error)?.split('.').pop() ?? null;
  const problem = live.error instanceof ApiError ? live.error.message : error instanceof ApiError && fieldOf(error)?.includes(`.${lang}.`) ? error.message : null;
  const errFor = (f: keyof Wording) => (problem && field === f ? problem : null);
  return (
    <section className="card" lang={lang} aria-labelledby={`tpl-${name}-${lang}`}>
      <h2 id={`tpl-${name}-${lang}`}>{lang === 'de' ? 'Deutsch' : 'English'}</h2>
      <TextField label={t('admin.tplSubject')} value={value.subject} error={errFor('subject')} onChange={(e) => onChange({ ...value, subject: e.currentTarget.value })} />
      <TextArea label={t('admin.tplText')} rows={10} value={value.text} error={errFor('text')} onChange={(e) => onChange({ ...value, text: e.currentTarget.value })} />
      <TextArea label={t('admin.tplHtml')} rows={6} value={value.html} error={errFor('html')} onChange={(e) => onChange({ ...value, html: e.currentTarget.value })} />
      <PreviewCard preview={live.preview} />
    </section>
  );
}

/**
 * The mail templates: every one previewed in both languages; the receipt and the notice can be
 * reworded (per language, with a live preview while typing) and set back to the built-in text.
 */
function TemplatesAdmin() {
  const { t } = useTranslation();
  const names = useLoad(() => api.get<{ templates: string[] }>('/api/admin/templates').then((r) => r.templates), []);
  const settings = useLoad(loadSettings, []);
  const [name, setName] = useState('receipt');
  const [edits, setEdits] = useState<Partial<Record<Language, Wording>>>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const editable = EDITABLE.includes(name) ? (name as EditableTemplate) : null;
  const s = settings.data;
  const wording = (l: Language): Wording | null => (editable && s ? edits[l] ?? wordingOf(s, editable, l) : null);
  const choose = (n: string) => {
    setName(n);
    setEdits({});
    setError(null);
    setDone(null);
  };
  const save = async (reset: boolean) => {
    if (!editable || !s) return;
    setError(null);
    setDone(null);
    const body = Object.fromEntries(LANGS.map((l) => [l, reset ? null : overrideOf(wording(l)!, s.builtInTemplates[editable][l])]));
    try {
      await api.patch('/api/admin/settings', { templates: { [editable]: body } });
      setEdits({});
      settings.reload();
      setDone(reset ? t('admin.tplResetDone') : t('admin.saved'));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('admin.templateKind')} value={name} onChange={(e) => choose(e.currentTarget.value)}>
          {(names.data ?? [name]).map((k) => (
            <option key={k} value={k}>
              {t(`outboundKind.${k}`, { defaultValue: k })}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorBox error={names.error ?? settings.error} />
      {editable && s ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save(false);
          }}
        >
          <p className="hint">
            {t('admin.tplHint')} <code>{s.limits.templateVariables[editable].map((v) => `{{${v}}}`).join(' ')}</code>
          </p>
          {done ? <Notice kind="success">{done}</Notice> : null}
          <ErrorBox error={error} />
          <div className="grid-2">
            {LANGS.map((l) => (
              <WordingEditor key={`${editable}-${l}`} name={editable} lang={l} value={wording(l)!} error={error} onChange={(w) => setEdits({ ...edits, [l]: w })} />
            ))}
          </div>
          <div className="actions">
            <button type="submit">{t('admin.tplSave')}</button>
            <button type="button" className="button-secondary" onClick={() => void save(true)} disabled={!s.templates[editable]}>
              {t('admin.tplReset')}
            </button>
          </div>
        </form>
      ) : !editable ? (
        <div className="grid-2">
          {LANGS.map((l) => (
            <ReadOnlyPreview key={`${name}-${l}`} name={name} lang={l} />
          ))}
        </div>
      ) : (
        <Loading />
      )}
    </>
  );
}

function ReadOnlyPreview({ name, lang }: { name: string; lang: Language }) {
  const live = useLivePreview(name, lang, null);
  return (
    <section className="card" lang={lang} aria-labelledby={`tpl-${lang}`}>
      <h2 id={`tpl-${lang}`}>{lang === 'de' ? 'Deutsch' : 'English'}</h2>
      <ErrorBox error={live.error} />
      <PreviewCard preview={live.preview} />
    </section>
  );
}

/**
 * Installation settings: the attachment policy and the size limit are edited here (in effect at
 * once, audit-logged); the addresses and the rest come from the configuration and are shown
 * read-only, because they must match the mail server's setup.
 */
function SettingsAdmin() {
  const { t } = useTranslation();
  const settings = useLoad(loadSettings, []);
  // Kept here, not in the form: the form is re-created from the saved values after a save, and
  // the confirmation must survive that.
  const [saved, setSaved] = useState(false);
  const s = settings.data;
  return (
    <>
      <ErrorBox error={settings.error} />
      {s ? (
        <SettingsForm
          key={JSON.stringify([s.attachmentPolicy, s.maxMessageBytes])}
          s={s}
          saved={saved}
          onSaved={() => {
            setSaved(true);
            settings.reload();
          }}
          onEdit={() => setSaved(false)}
        />
      ) : (
        <Loading />
      )}
      {s ? (
        <section className="card" aria-labelledby="fixed-settings">
          <h2 id="fixed-settings">{t('admin.fixedSettings')}</h2>
          <p className="hint">{t('admin.settingsHint')}</p>
          <dl className="settings">
            {(['addresses', 'mailDomain', 'publicUrl', 'plusAddressing', 'caseTokenLabel', 'defaultLanguage', 'relayConfigured', 'virusScanning', 'uploadsEnabled', 'autoMailsPerSenderPerHour', 'maxMessageBytesCeiling'] as const).map((k) => (
              <div key={k}>
                <dt>{t(`admin.setting.${k}`, { defaultValue: k })}</dt>
                <dd>{typeof s[k] === 'object' && s[k] !== null ? <pre>{JSON.stringify(s[k], null, 2)}</pre> : String(s[k])}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </>
  );
}

function SettingsForm({ s, saved: done, onSaved, onEdit }: { s: Settings; saved: boolean; onSaved(): void; onEdit(): void }) {
  const { t } = useTranslation();
  const [policy, setPolicy] = useState<Policy>(s.attachmentPolicy);
  const [sizeMib, setSizeMib] = useState(String(+(s.maxMessageBytes / MIB).toFixed(3)));
  const [error, setError] = useState<unknown>(null);
  const field = fieldOf(error);
  const problem = error instanceof ApiError ? error.message : null;
  const errFor = (f: string) => (field === f ? problem : null);
  const send = async (body: unknown) => {
    setError(null);
    onEdit();
    try {
      await api.patch('/api/admin/settings', body);
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  const toggleType = (type: string, on: boolean) => setPolicy({ ...policy, allowedImageTypes: on ? [...policy.allowedImageTypes, type] : policy.allowedImageTypes.filter((x) => x !== type) });
  const zip = (k: keyof Policy['zip'], v: string) => setPolicy({ ...policy, zip: { ...policy.zip, [k]: Number(v) } });
  return (
    <form
      className="card settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send({ attachmentPolicy: policy, maxMessageBytes: Math.round(Number(sizeMib) * MIB) });
      }}
    >
      <h2>{t('admin.editableSettings')}</h2>
      {done ? <Notice kind="success">{t('admin.saved')}</Notice> : null}
      <ErrorBox error={error} />
      <TextField
        label={t('admin.sizeLimitMib')}
        type="number"
        min={0.001}
        max={s.maxMessageBytesCeiling / MIB}
        step="any"
        required
        value={sizeMib}
        hint={t('admin.sizeLimitHint', { max: +(s.maxMessageBytesCeiling / MIB).toFixed(3) })}
        error={errFor('maxMessageBytes')}
        onChange={(e) => setSizeMib(e.currentTarget.value)}
      />
      <fieldset>
        <legend>{t('admin.allowedImageTypes')}</legend>
        <ul className="checkbox-list">
          {s.limits.knownImageTypes.map((type) => (
            <li key={type}>
              <label>
                <input type="checkbox" checked={policy.allowedImageTypes.includes(type)} onChange={(e) => toggleType(type, e.currentTarget.checked)} /> {type}
              </label>
            </li>
          ))}
        </ul>
        {errFor('attachmentPolicy.allowedImageTypes') ? <p className="field-error">{problem}</p> : null}
      </fieldset>
      <TextField label={t('admin.maxArchives')} type="number" min={0} max={s.limits.maxArchives} step={1} value={String(policy.maxArchives)} hint={t('admin.maxArchivesHint')} error={errFor('attachmentPolicy.maxArchives')} onChange={(e) => setPolicy({ ...policy, maxArchives: Number(e.currentTarget.value) })} />
      <div className="field">
        <label>
          <input type="checkbox" checked={policy.allowEncryptedArchives} onChange={(e) => setPolicy({ ...policy, allowEncryptedArchives: e.currentTarget.checked })} /> {t('admin.allowEncrypted')}
        </label>
        <p className="hint">{t('admin.allowEncryptedHint')}</p>
      </div>
      <fieldset>
        <legend>{t('admin.zipLimits')}</legend>
        <TextField label={t('admin.zipMaxEntries')} type="number" min={1} max={s.limits.zip.maxEntries} step={1} value={String(policy.zip.maxEntries)} error={errFor('attachmentPolicy.zip.maxEntries')} onChange={(e) => zip('maxEntries', e.currentTarget.value)} />
        <TextField label={t('admin.zipMaxBytes')} type="number" min={1024} max={s.limits.zip.maxUncompressedBytes} step={1} value={String(policy.zip.maxUncompressedBytes)} error={errFor('attachmentPolicy.zip.maxUncompressedBytes')} onChange={(e) => zip('maxUncompressedBytes', e.currentTarget.value)} />
        <TextField label={t('admin.zipMaxRatio')} type="number" min={1} max={s.limits.zip.maxRatio} step="any" value={String(policy.zip.maxRatio)} error={errFor('attachmentPolicy.zip.maxRatio')} onChange={(e) => zip('maxRatio', e.currentTarget.value)} />
        <p className="hint">{t('admin.zipLimitsHint')}</p>
      </fieldset>
      <div className="actions">
        <button type="submit">{t('admin.saveSettings')}</button>
        <button type="button" className="button-secondary" disabled={!s.changed.attachment_policy && !s.changed.max_message_bytes} onClick={() => void send({ attachmentPolicy: null, maxMessageBytes: null })}>
          {t('admin.resetSettings')}
        </button>
      </div>
    </form>
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

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, query } from '../api.js';
import { useLiveEvents } from '../events.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { CASE_STATUSES, type Case, type Product } from '../types.js';
import { AttachmentPicker, fileErrors, type FileProblem } from '../components/attachments.js';
import { CaseStatusBadge, ErrorBox, formatDate, Loading, PageTitle, SelectField, TextArea, TextField, useLoad, TableWrap } from '../components/ui.js';

/** The case list of a customer (an organisation admin: the organisation's), by status and search words. */
export function MyCasesPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { search } = useLocation();
  const [status, setStatus] = useState(search.get('status') ?? '');
  const [q, setQ] = useState(search.get('q') ?? '');
  const [applied, setApplied] = useState({ status, q });
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ cases: Case[] }>(`/api/cases${query({ status: applied.status ? [applied.status] : undefined, q: applied.q })}`).then((r) => r.cases),
    [applied.status, applied.q],
  );
  useLiveEvents(() => reload());
  return (
    <section>
      <PageTitle actions={<Link to="/cases/new" className="button">{t('nav.newCase')}</Link>}>
        {session.user?.orgAdmin ? t('cases.orgTitle') : t('cases.title')}
      </PageTitle>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ status, q });
        }}
      >
        <SelectField label={t('fields.status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {CASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`caseStatus.${s}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={t('common.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">{t('common.apply')}</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? <CaseTable cases={data} /> : null}
    </section>
  );
}

export function CaseTable({ cases, showAge }: { cases: Case[]; showAge?: boolean }) {
  const { t } = useTranslation();
  if (cases.length === 0) return <p className="empty">{t('cases.none')}</p>;
  return (
    <TableWrap label={t('cases.title')}>
      <table>
        <caption className="visually-hidden">{t('cases.tableCaption', { count: cases.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fields.number')}</th>
            <th scope="col">{t('fields.subject')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{showAge ? t('fields.opened') : t('fields.created')}</th>
            <th scope="col">{t('fields.lastActivity')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/cases/${c.number}`}>#{c.number}</Link>
              </td>
              <td>
                <Link to={`/cases/${c.number}`}>{c.subject}</Link>
                {c.channel === 'phone' ? <span className="tag">{t('channel.phone')}</span> : null}
              </td>
              <td>
                <CaseStatusBadge status={c.status} />
              </td>
              <td>{formatDate(c.createdAt)}</td>
              <td>{formatDate(c.lastActivityAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * Sends a form with files as multipart/form-data (text fields first, then each file as `files`),
 * or as JSON when there are no files.
 */
export function bodyWithFiles(fields: Record<string, string | undefined>, files: File[]): FormData | Record<string, string> {
  const clean = Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  if (files.length === 0) return clean;
  const fd = new FormData();
  for (const [k, v] of Object.entries(clean)) fd.append(k, v);
  for (const f of files) fd.append('files', f, f.name);
  return fd;
}

export function NewCasePage() {
  const { t } = useTranslation();
  const products = useLoad(() => api.get<{ products: Product[] }>('/api/products').then((r) => r.products), []);
  const [form, setForm] = useState({ product: '', version: '', environment: '', subject: '', body: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [perFile, setPerFile] = useState<Record<string, FileProblem>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const list = products.data ?? [];
  const product = list.find((p) => p.name === form.product || p.id === form.product);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value, ...(k === 'product' ? { version: '' } : {}) });

  const validate = (): Record<string, string> => {
    const out: Record<string, string> = {};
    if (list.length > 0 && !form.product) out.product = t('validation.required');
    if (product && product.versions.length > 0 && !form.version) out.version = t('validation.required');
    if (!form.subject.trim()) out.subject = t('validation.required');
    if (!form.body.trim()) out.body = t('validation.required');
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = validate();
    setErrors(v);
    setPerFile({});
    setError(null);
    if (Object.keys(v).length > 0) {
      document.getElementById(`new-case-${Object.keys(v)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ case: Case }>('/api/cases', bodyWithFiles({ ...form, product: product?.name ?? (form.product || undefined) }, files));
      navigate(`/cases/${r.case.number}`);
    } catch (err) {
      const pf = fileErrors(err);
      setPerFile(pf);
      if (err instanceof ApiError && typeof err.details.field === 'string') setErrors({ [err.details.field]: err.message });
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow-wide">
      <PageTitle>{t('newCase.title')}</PageTitle>
      <p className="hint">{t('newCase.intro')}</p>
      <ErrorBox error={error} />
      <form className="card" onSubmit={submit} noValidate>
        {list.length > 0 ? (
          <SelectField id="new-case-product" label={t('fields.product')} required value={form.product} error={errors.product} onChange={set('product')}>
            <option value="">{t('newCase.chooseProduct')}</option>
            {list.map((p) => (
              <option key={p.id} value={p.name}>
                {p.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        {product && product.versions.length > 0 ? (
          <SelectField id="new-case-version" label={t('fields.version')} required value={form.version} error={errors.version} onChange={set('version')}>
            <option value="">{t('newCase.chooseVersion')}</option>
            {product.versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </SelectField>
        ) : (
          <TextField id="new-case-version" label={t('fields.version')} value={form.version} error={errors.version} maxLength={100} onChange={set('version')} />
        )}
        <TextField id="new-case-environment" label={t('fields.environment')} hint={t('newCase.environmentHint')} value={form.environment} error={errors.environment} maxLength={2000} onChange={set('environment')} />
        <TextField id="new-case-subject" label={t('fields.subject')} required value={form.subject} error={errors.subject} maxLength={300} onChange={set('subject')} />
        <TextArea id="new-case-body" label={t('fields.description')} required rows={8} value={form.body} error={errors.body} onChange={set('body')} />
        <AttachmentPicker files={files} onChange={setFiles} errors={perFile} />
        <button type="submit" disabled={busy}>
          {t('newCase.submit')}
        </button>
      </form>
    </section>
  );
}

import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api.js';
import { useLiveEvents } from '../events.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { QUEUES, type Case, type MailLogEntry, type Product, type Queue } from '../types.js';

type QuarantineEntry = MailLogEntry & { job: { status: 'dead'; attempts: number; lastError: string | null } | null };
import { OutcomeMark } from '../components/mail-outcome.js';
import { ErrorBox, formatDate, Loading, Notice, PageTitle, SelectField, TextArea, TextField, useLoad, TableWrap } from '../components/ui.js';
import { CaseTable } from './cases.js';
import { NOTIFICATIONS_CHANGED, type NotificationItem } from '../components/layout.js';

/** The agent desk's queues: a tab per queue, sorted by age or last activity, with full-text search. */
export function QueuesPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const queue = (QUEUES as readonly string[]).includes(search.get('queue') ?? '') ? (search.get('queue') as Queue) : 'open';
  const [sort, setSort] = useState<'activity' | 'age'>('activity');
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ cases: Case[] }>(`/api/cases${query({ queue, q: applied, limit: 200 })}`).then((r) => r.cases),
    [queue, applied],
  );
  useLiveEvents(() => reload());
  const sorted = useMemo(() => {
    const list = [...(data ?? [])];
    // Oldest first by age (the case waiting longest), most recent first by activity.
    if (sort === 'age') list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    else list.sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
    return list;
  }, [data, sort]);
  return (
    <section>
      <PageTitle
        actions={
          <>
            <a className="button button-secondary" href={`/api/cases.csv${query({ queue, q: applied })}`} download>
              {t('queues.csv')}
            </a>
            <Link to="/desk/phone" className="button">
              {t('nav.phoneCase')}
            </Link>
          </>
        }
      >
        {t('queues.title')}
      </PageTitle>
      <nav aria-label={t('queues.label')} className="tabs">
        <ul>
          {QUEUES.map((x) => (
            <li key={x}>
              <Link to={`/desk?queue=${x}`} aria-current={x === queue ? 'page' : undefined}>
                {t(`queues.${x}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(q);
        }}
      >
        <TextField label={t('queues.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">{t('common.search')}</button>
        <SelectField label={t('queues.sort')} value={sort} onChange={(e) => setSort(e.currentTarget.value as 'activity' | 'age')}>
          <option value="activity">{t('queues.sortActivity')}</option>
          <option value="age">{t('queues.sortAge')}</option>
        </SelectField>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : <CaseTable cases={sorted} showAge />}
    </section>
  );
}

/** A customer as /api/customers finds or creates them. */
export interface CustomerHit { id: string; name: string; email: string; language: string; disabled: boolean; organisation: { id: string; name: string; customerNo: string | null } | null }

/**
 * A case taken on the phone: find the customer (name, e-mail, customer number) or create the
 * contact and organisation, open the case with channel "phone", optionally mail a first reply.
 */
export function PhoneCasePage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<CustomerHit[] | null>(null);
  const [customer, setCustomer] = useState<CustomerHit | null>(null);
  const [creating, setCreating] = useState(false);
  const [contact, setContact] = useState({ name: '', email: '', organisation: '', customerNo: '' });
  const [form, setForm] = useState({ product: '', version: '', environment: '', subject: '', body: '', reply: '' });
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<Record<string, boolean>>({});
  const products = useLoad(() => api.get<{ products: Product[] }>('/api/products').then((r) => r.products), []);
  const product = (products.data ?? []).find((p) => p.name === form.product);

  const find = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.get<{ customers: CustomerHit[] }>(`/api/customers${query({ q })}`);
      setHits(r.customers);
    } catch (err) {
      setError(err);
    }
  };

  const createContact = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.post<{ customer: CustomerHit }>('/api/customers', {
        name: contact.name,
        email: contact.email,
        ...(contact.organisation ? { organisation: contact.organisation } : {}),
        ...(contact.customerNo ? { customerNo: contact.customerNo } : {}),
      });
      setCustomer(r.customer);
      setCreating(false);
    } catch (err) {
      setError(err);
    }
  };

  const open = async (e: FormEvent) => {
    e.preventDefault();
    const m = { subject: !form.subject.trim(), body: !form.body.trim() };
    setMissing(m);
    if (!customer || m.subject || m.body) return;
    setError(null);
    try {
      const r = await api.post<{ case: Case }>('/api/cases', {
        customerEmail: customer.email,
        subject: form.subject,
        body: form.body,
        ...(form.product ? { product: form.product } : {}),
        ...(form.version ? { version: form.version } : {}),
        ...(form.environment ? { environment: form.environment } : {}),
        ...(form.reply.trim() ? { reply: form.reply } : {}),
      });
      navigate(`/cases/${r.case.number}`);
    } catch (err) {
      setError(err);
    }
  };
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  const setC = (k: keyof typeof contact) => (e: { currentTarget: { value: string } }) => setContact({ ...contact, [k]: e.currentTarget.value });

  return (
    <section className="narrow-wide">
      <PageTitle>{t('phone.title')}</PageTitle>
      <ErrorBox error={error} />
      <div className="card">
        <h2>{t('phone.customer')}</h2>
        {customer ? (
          <p>
            <strong>{customer.name}</strong> &lt;{customer.email}&gt; {customer.organisation ? `· ${customer.organisation.name}` : ''}{' '}
            <button type="button" className="link-button" onClick={() => setCustomer(null)}>
              {t('phone.change')}
            </button>
          </p>
        ) : (
          <>
            <form className="filters" role="search" onSubmit={find}>
              <TextField label={t('phone.find')} type="search" hint={t('phone.findHint')} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
              <button type="submit">{t('common.search')}</button>
            </form>
            {hits ? (
              hits.length === 0 ? (
                <p className="empty">{t('phone.noHits')}</p>
              ) : (
                <ul className="hits">
                  {hits.map((h) => (
                    <li key={h.id}>
                      <button type="button" className="button-secondary" onClick={() => setCustomer(h)}>
                        {t('phone.choose', { name: h.name })}
                      </button>{' '}
                      {h.email} {h.organisation ? `· ${h.organisation.name}` : ''} {h.organisation?.customerNo ? `(${h.organisation.customerNo})` : ''}
                      {h.disabled ? <span className="tag tag-note">{t('admin.disabled')}</span> : null}
                    </li>
                  ))}
                </ul>
              )
            ) : null}
            {creating ? (
              <form onSubmit={createContact} className="subform">
                <h3>{t('phone.newContact')}</h3>
                <TextField label={t('fields.name')} required value={contact.name} onChange={setC('name')} />
                <TextField label={t('fields.email')} type="email" required value={contact.email} onChange={setC('email')} />
                <TextField label={t('fields.organisation')} value={contact.organisation} onChange={setC('organisation')} />
                <TextField label={t('fields.customerNo')} value={contact.customerNo} onChange={setC('customerNo')} />
                <button type="submit">{t('phone.createContact')}</button>
              </form>
            ) : (
              <button type="button" className="button-secondary" onClick={() => setCreating(true)}>
                {t('phone.newContact')}
              </button>
            )}
          </>
        )}
      </div>
      <form className="card" onSubmit={open} noValidate>
        <h2>{t('phone.case')}</h2>
        {!customer ? <Notice>{t('phone.chooseFirst')}</Notice> : null}
        {(products.data ?? []).length > 0 ? (
          <SelectField label={t('fields.product')} value={form.product} onChange={set('product')}>
            <option value="">{t('newCase.chooseProduct')}</option>
            {(products.data ?? []).map((p) => (
              <option key={p.id} value={p.name}>
                {p.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        {product && product.versions.length > 0 ? (
          <SelectField label={t('fields.version')} value={form.version} onChange={set('version')}>
            <option value="">{t('newCase.chooseVersion')}</option>
            {product.versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </SelectField>
        ) : null}
        <TextField label={t('fields.environment')} value={form.environment} onChange={set('environment')} />
        <TextField label={t('fields.subject')} required value={form.subject} error={missing.subject ? t('validation.required') : null} onChange={set('subject')} />
        <TextArea label={t('phone.notes')} required rows={5} value={form.body} error={missing.body ? t('validation.required') : null} onChange={set('body')} />
        <TextArea label={t('phone.firstReply')} hint={t('phone.firstReplyHint')} rows={4} value={form.reply} onChange={set('reply')} />
        <button type="submit" disabled={!customer}>
          {t('phone.open')}
        </button>
      </form>
    </section>
  );
}

/** Mails held aside (forged sender, virus, malformed, too large) with release, reprocess and delete. */
export function QuarantinePage() {
  const { t } = useTranslation();
  const session = useSession();
  const { data, error, loading, reload } = useLoad(() => api.get<{ mails: QuarantineEntry[] }>('/api/admin/quarantine').then((r) => r.mails), []);
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  useLiveEvents(() => reload());
  const act = (m: QuarantineEntry, action: 'release' | 'reprocess' | 'delete') => {
    if (action === 'delete' && !window.confirm(t('quarantine.confirmDelete', { subject: m.subject ?? m.id }))) return;
    setActionError(null);
    setDone(null);
    const p = action === 'delete' ? api.del(`/api/mails/${encodeURIComponent(m.id)}`) : api.post(`/api/mails/${encodeURIComponent(m.id)}/${action}`);
    p.then(() => {
      setDone(t(`quarantine.done.${action}`));
      reload();
    }, setActionError);
  };
  return (
    <section>
      <PageTitle>{t('quarantine.title')}</PageTitle>
      <p className="hint">{t('quarantine.intro')}</p>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorBox error={actionError ?? error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('quarantine.empty')}</p> : null}
      {data && data.length > 0 ? (
        <TableWrap label={t('quarantine.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.received')}</th>
                <th scope="col">{t('fields.from')}</th>
                <th scope="col">{t('fields.subject')}</th>
                <th scope="col">{t('fields.reason')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.id}>
                  <td>{formatDate(m.receivedAt)}</td>
                  <td>{m.fromAddress ?? m.envelopeFrom ?? '–'}</td>
                  <td>{m.subject ?? '–'}</td>
                  <td>
                    <OutcomeMark mail={m} /> <code className="reason-code">{m.reason}</code>
                    {m.detail ? <div className="muted">{m.detail}</div> : null}
                    {m.job ? <div className="muted">{t('quarantine.deadJob', { attempts: m.job.attempts, error: m.job.lastError ?? '' })}</div> : null}
                  </td>
                  <td className="row-actions">
                    {m.status === 'quarantined' && m.reason !== 'virus' ? (
                    <button type="button" onClick={() => act(m, 'release')} aria-label={t('quarantine.releaseOf', { subject: m.subject ?? m.id })}>
                      {t('quarantine.release')}
                    </button>
                    ) : null}
                    <button type="button" className="button-secondary" onClick={() => act(m, 'reprocess')} aria-label={t('quarantine.reprocessOf', { subject: m.subject ?? m.id })}>
                      {t('quarantine.reprocess')}
                    </button>
                    {session.user?.role === 'admin' ? (
                    <button type="button" className="button-danger" onClick={() => act(m, 'delete')} aria-label={t('quarantine.deleteOf', { subject: m.subject ?? m.id })}>
                      {t('quarantine.delete')}
                    </button>
                    ) : null}
                    <a href={`/api/mails/${encodeURIComponent(m.id)}/raw`} download>
                      {t('mails.raw')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}

export function NotificationsPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => api.get<{ notifications: NotificationItem[] }>('/api/notifications').then((r) => r.notifications), []);
  useLiveEvents(() => reload());
  const [error2, setError2] = useState<unknown>(null);
  const markRead = () =>
    api.post('/api/notifications/read', {}).then(() => {
      reload();
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    }, setError2);
  return (
    <section>
      <PageTitle
        actions={
          <button type="button" className="button-secondary" onClick={() => void markRead()}>
            {t('notifications.markRead')}
          </button>
        }
      >
        {t('notifications.title')}
      </PageTitle>
      <ErrorBox error={error2 ?? error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('notifications.empty')}</p> : null}
      <ul className="notif-list">
        {(data ?? []).map((n) => (
          <li key={n.id} className={n.readAt || n.read ? 'read' : 'unread'}>
            <time dateTime={n.createdAt}>{formatDate(n.createdAt)}</time> · {t(`notifications.kind.${n.kind ?? 'customer_reply'}`, { defaultValue: n.kind ?? '' })}{' '}
            {n.caseNumber ? <Link to={`/cases/${n.caseNumber}`}>#{n.caseNumber} {n.subject ?? ''}</Link> : null}
            {n.from ? <span className="muted"> · {n.from}</span> : null}
            {n.text ? <p className="notif-text">{n.text}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

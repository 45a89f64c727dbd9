import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api.js';
import { navigate } from '../../router.js';
import type { Case, Product } from '../../types.js';
import { CaseFields, type CaseFieldValues } from '../../components/case-fields.js';
import { ErrorBox, Notice, PageTitle, TextArea, TextField, useAction, useLoad } from '../../components/ui.js';

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
  const [form, setForm] = useState<CaseFieldValues & { reply: string }>({ product: '', version: '', environment: '', subject: '', body: '', reply: '' });
  const action = useAction();
  const [missing, setMissing] = useState<Record<string, boolean>>({});
  const products = useLoad(() => api.get<{ products: Product[] }>('/api/products').then((r) => r.products), []);

  const find = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api.get<{ customers: CustomerHit[] }>(`/api/customers${query({ q })}`);
      setHits(r.customers);
    });
  };

  const createContact = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api.post<{ customer: CustomerHit }>('/api/customers', {
        name: contact.name,
        email: contact.email,
        ...(contact.organisation ? { organisation: contact.organisation } : {}),
        ...(contact.customerNo ? { customerNo: contact.customerNo } : {}),
      });
      setCustomer(r.customer);
      setCreating(false);
    });
  };

  const open = (e: FormEvent) => {
    e.preventDefault();
    const m = { subject: !form.subject.trim(), body: !form.body.trim() };
    setMissing(m);
    if (!customer || m.subject || m.body) return;
    void action.run(async () => {
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
    });
  };
  const setC = (k: keyof typeof contact) => (e: { currentTarget: { value: string } }) => setContact({ ...contact, [k]: e.currentTarget.value });

  return (
    <section className="narrow-wide">
      <PageTitle>{t('phone.title')}</PageTitle>
      <ErrorBox error={action.error} />
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
        <CaseFields
          variant="phone"
          products={products.data ?? []}
          value={form}
          errors={{ subject: missing.subject ? t('validation.required') : null, body: missing.body ? t('validation.required') : null }}
          onChange={setForm}
        />
        <TextArea label={t('phone.firstReply')} hint={t('phone.firstReplyHint')} rows={4} value={form.reply} onChange={(e) => setForm({ ...form, reply: e.currentTarget.value })} />
        <button type="submit" disabled={!customer}>
          {t('phone.open')}
        </button>
      </form>
    </section>
  );
}

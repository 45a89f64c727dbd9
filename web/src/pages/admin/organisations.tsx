import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import type { Organisation } from '../../types.js';
import { ErrorBox, Loading, TextField, useAction, useLoad, TableWrap } from '../../components/ui.js';

/** The customers' organisations with their member counts; a new one by name and customer number. */
export function OrganisationsAdminPage() {
  const { t } = useTranslation();
  const orgs = useLoad(() => api.get<{ organisations: Array<Organisation & { members: number }> }>('/api/admin/organisations').then((r) => r.organisations), []);
  const [form, setForm] = useState({ name: '', customerNo: '' });
  const action = useAction();
  return (
    <>
      <ErrorBox error={action.error ?? orgs.error} />
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
          void action.run(async () => {
            await api.post('/api/admin/organisations', { name: form.name, ...(form.customerNo ? { customerNo: form.customerNo } : {}) });
            setForm({ name: '', customerNo: '' });
            orgs.reload();
          });
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

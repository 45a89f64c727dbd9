import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorBox, TextField, useAction, useLoad, TableWrap } from '../../components/ui.js';

/** A product of the catalogue with all its versions; a retired one is no longer offered in the case form. */
interface CatalogProduct { id: string; name: string; active: boolean; versions: Array<{ id: string; name: string; active: boolean }> }

/** The product catalogue: products and their versions are added, retired and offered again here. */
export function ProductsAdminPage() {
  const { t } = useTranslation();
  const products = useLoad(() => api.get<{ products: CatalogProduct[] }>('/api/admin/products').then((r) => r.products), []);
  const [form, setForm] = useState({ name: '', versions: '' });
  const [newVersion, setNewVersion] = useState<Record<string, string>>({});
  const action = useAction();
  const versions = form.versions.split(',').map((v) => v.trim()).filter(Boolean);
  // Every change reloads the catalogue: versions and products change their order and state together.
  const act = (work: () => Promise<unknown>) =>
    void action.run(async () => {
      await work();
      products.reload();
    });
  return (
    <>
      <ErrorBox error={action.error ?? products.error} />
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
                            onClick={() => act(() => api.post(`/api/admin/product-versions/${encodeURIComponent(v.id)}/${v.active ? 'deactivate' : 'activate'}`))}
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
                        if (name) act(() => api.post(`/api/admin/products/${encodeURIComponent(p.id)}/versions`, { name }).then(() => setNewVersion({ ...newVersion, [p.id]: '' })));
                      }}
                    >
                      <TextField label={t('admin.addVersionTo', { name: p.name })} value={newVersion[p.id] ?? ''} onChange={(e) => setNewVersion({ ...newVersion, [p.id]: e.currentTarget.value })} />
                      <button type="submit" className="button-secondary">
                        {t('admin.addVersion')}
                      </button>
                    </form>
                    <button type="button" className="button-secondary" onClick={() => act(() => api.post(`/api/admin/products/${encodeURIComponent(p.id)}/${p.active ? 'deactivate' : 'activate'}`))}>
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
          act(() => api.post('/api/admin/products', { name: form.name, versions }).then(() => setForm({ name: '', versions: '' })));
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

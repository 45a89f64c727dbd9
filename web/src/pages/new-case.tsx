import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, bodyWithFiles } from '../api.js';
import { navigate } from '../router.js';
import type { Case, Product } from '../types.js';
import { AttachmentPicker, fileErrors } from '../components/attachments.js';
import { CaseFields, caseFieldId, chosenProduct, type CaseFieldErrors, type CaseFieldValues } from '../components/case-fields.js';
import { ErrorBox, PageTitle, useAction, useLoad } from '../components/ui.js';
import { errorText } from '../components/error-text.js';

/** The field a refused request names (`details.field`) with the server's message for it, in the UI's language. */
function serverFieldError(t: (k: string) => string, e: unknown): CaseFieldErrors {
  return e instanceof ApiError && typeof e.details.field === 'string' ? { [e.details.field]: errorText(t, e) } : {};
}

/** A customer opens a case: the form checks the required fields before it sends anything. */
export function NewCasePage() {
  const { t } = useTranslation();
  const products = useLoad(() => api.get<{ products: Product[] }>('/api/products').then((r) => r.products), []);
  const [form, setForm] = useState<CaseFieldValues>({ product: '', version: '', environment: '', subject: '', body: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [missing, setMissing] = useState<CaseFieldErrors>({});
  const action = useAction();
  const list = products.data ?? [];
  const product = chosenProduct(list, form.product);

  const validate = (): CaseFieldErrors => {
    const out: CaseFieldErrors = {};
    if (list.length > 0 && !form.product) out.product = t('validation.required');
    if (product && product.versions.length > 0 && !form.version) out.version = t('validation.required');
    if (!form.subject.trim()) out.subject = t('validation.required');
    if (!form.body.trim()) out.body = t('validation.required');
    return out;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validate();
    setMissing(v);
    const first = Object.keys(v)[0] as keyof CaseFieldValues | undefined;
    if (first) {
      action.clear();
      document.getElementById(caseFieldId('customer', first))?.focus();
      return;
    }
    void action.run(async () => {
      const r = await api.post<{ case: Case }>('/api/cases', bodyWithFiles({ ...form, product: product?.name ?? (form.product || undefined) }, files));
      navigate(`/cases/${r.case.number}`);
    });
  };

  return (
    <section className="narrow-wide">
      <PageTitle>{t('newCase.title')}</PageTitle>
      <p className="hint">{t('newCase.intro')}</p>
      <ErrorBox error={action.error} />
      <form className="card" onSubmit={submit} noValidate>
        <CaseFields variant="customer" products={list} value={form} errors={{ ...missing, ...serverFieldError(t, action.error) }} onChange={setForm} />
        <AttachmentPicker files={files} onChange={setFiles} errors={fileErrors(action.error)} />
        <button type="submit" disabled={action.busy}>
          {t('newCase.submit')}
        </button>
      </form>
    </section>
  );
}

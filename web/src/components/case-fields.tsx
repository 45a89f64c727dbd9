import { useTranslation } from 'react-i18next';
import type { Product } from '../types.js';
import { SelectField, TextArea, TextField } from './ui.js';

/** What a new case says about itself; the pages add their own fields (a phone case: the first reply). */
export interface CaseFieldValues { product: string; version: string; environment: string; subject: string; body: string }

export type CaseFieldErrors = Partial<Record<keyof CaseFieldValues, string | null>>;

/**
 * Who fills the form in. A customer describes their own problem: product and version are required
 * (the catalogue's versions, else free text), with a hint for the environment. An agent taking a
 * call writes down what the customer said: only the subject and the notes are required.
 */
export type CaseFormVariant = 'customer' | 'phone';

const ID_PREFIX: Record<CaseFormVariant, string> = { customer: 'new-case', phone: 'phone-case' };

/** The input with this field's id, for moving the focus to the first field that needs attention. */
export function caseFieldId(variant: CaseFormVariant, field: keyof CaseFieldValues): string {
  return `${ID_PREFIX[variant]}-${field}`;
}

/** The chosen product of the catalogue (by name; by id for a link that names it so), if any. */
export function chosenProduct(products: Product[], product: string): Product | undefined {
  return products.find((p) => p.name === product || p.id === product);
}

/** Product, version, environment, subject and description of a new case, as one block of fields. */
export function CaseFields<V extends CaseFieldValues>({ variant, products, value, errors, onChange }: { variant: CaseFormVariant; products: Product[]; value: V; errors: CaseFieldErrors; onChange(value: NoInfer<V>): void }) {
  const { t } = useTranslation();
  const customer = variant === 'customer';
  const product = chosenProduct(products, value.product);
  const id = (field: keyof CaseFieldValues) => caseFieldId(variant, field);
  // A version belongs to its product: choosing another product clears it.
  const set = (k: keyof CaseFieldValues) => (e: { currentTarget: { value: string } }) => onChange({ ...value, [k]: e.currentTarget.value, ...(k === 'product' ? { version: '' } : {}) });
  return (
    <>
      {products.length > 0 ? (
        <SelectField id={id('product')} label={t('fields.product')} required={customer} value={value.product} error={errors.product} onChange={set('product')}>
          <option value="">{t('newCase.chooseProduct')}</option>
          {products.map((p) => (
            <option key={p.id} value={p.name}>
              {p.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      {product && product.versions.length > 0 ? (
        <SelectField id={id('version')} label={t('fields.version')} required={customer} value={value.version} error={errors.version} onChange={set('version')}>
          <option value="">{t('newCase.chooseVersion')}</option>
          {product.versions.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </SelectField>
      ) : customer ? (
        <TextField id={id('version')} label={t('fields.version')} value={value.version} error={errors.version} maxLength={100} onChange={set('version')} />
      ) : null}
      <TextField
        id={id('environment')}
        label={t('fields.environment')}
        hint={customer ? t('newCase.environmentHint') : undefined}
        value={value.environment}
        error={errors.environment}
        maxLength={2000}
        onChange={set('environment')}
      />
      <TextField id={id('subject')} label={t('fields.subject')} required value={value.subject} error={errors.subject} maxLength={300} onChange={set('subject')} />
      <TextArea
        id={id('body')}
        label={customer ? t('fields.description') : t('phone.notes')}
        required
        rows={customer ? 8 : 5}
        value={value.body}
        error={errors.body}
        onChange={set('body')}
      />
    </>
  );
}

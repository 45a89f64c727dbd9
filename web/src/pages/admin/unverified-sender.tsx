import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorBox, Notice, SelectField, useAction } from '../../components/ui.js';

export const UNVERIFIED_SENDER_POLICIES = ['accept', 'mark', 'hold'] as const;
export type UnverifiedSenderPolicy = (typeof UNVERIFIED_SENDER_POLICIES)[number];

/**
 * Admin: what happens to a reply whose sender could not be verified (no SPF or DKIM pass aligned
 * with From): accept, accept and mark (the default), or hold for review. Saved on its own, in
 * effect at once.
 */
export function UnverifiedSenderCard({ value, onSaved }: { value: UnverifiedSenderPolicy; onSaved(): void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<UnverifiedSenderPolicy>(value);
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <form
      className="card settings-form"
      aria-labelledby="unverified-sender"
      onSubmit={(e) => {
        e.preventDefault();
        setDone(false);
        void action.run(async () => {
          await api.patch('/api/admin/settings', { unverifiedSender: choice });
          setDone(true);
          onSaved();
        });
      }}
    >
      <h2 id="unverified-sender">{t('mailEdge.unverifiedSenderTitle')}</h2>
      {done ? <Notice kind="success">{t('admin.saved')}</Notice> : null}
      <ErrorBox error={action.error} />
      <SelectField label={t('mailEdge.unverifiedSenderLabel')} hint={t('mailEdge.unverifiedSenderHint')} value={choice} onChange={(e) => setChoice(e.currentTarget.value as UnverifiedSenderPolicy)}>
        {UNVERIFIED_SENDER_POLICIES.map((p) => (
          <option key={p} value={p}>
            {t(`mailEdge.unverifiedSender.${p}`)}
          </option>
        ))}
      </SelectField>
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {t('mailEdge.saveUnverifiedSender')}
        </button>
      </div>
    </form>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api.js';
import { ErrorBox, errorText, Loading, Notice, TextField, useAction, useLoad } from '../../components/ui.js';
import { fieldOf, loadSettings, MIB, type Policy, type Settings } from './shared.js';
import { UnverifiedSenderCard, type UnverifiedSenderPolicy } from './unverified-sender.js';

/**
 * Installation settings: the attachment policy and the size limit are edited here (in effect at
 * once, audit-logged); the addresses and the rest come from the configuration and are shown
 * read-only, because they must match the mail server's setup.
 */
export function SettingsAdminPage() {
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
      {s ? <UnverifiedSenderCard value={(s.unverifiedSender as UnverifiedSenderPolicy | undefined) ?? 'mark'} onSaved={() => settings.reload()} /> : null}
      {s ? (
        <section className="card" aria-labelledby="fixed-settings">
          <h2 id="fixed-settings">{t('admin.fixedSettings')}</h2>
          <p className="hint">{t('admin.settingsHint')}</p>
          <div className="fixed-settings">
            {(['addresses', 'mailDomain', 'publicUrl', 'plusAddressing', 'caseTokenLabel', 'defaultLanguage', 'relayConfigured', 'virusScanning', 'uploadsEnabled', 'autoMailsPerSenderPerHour', 'maxMessageBytesCeiling'] as const).map((k) => (
              <FixedSetting key={k} name={k} label={t(`admin.setting.${k}`, { defaultValue: k })} value={s[k]} />
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}

/**
 * One setting from the configuration as a read-only form field: a yes/no as a checkbox, a group
 * (the addresses) as a field per member, a language by its name; never raw JSON or true/false.
 */
function FixedSetting({ name, label, value }: { name: string; label: string; value: unknown }) {
  const { t } = useTranslation();
  if (typeof value === 'boolean') {
    return (
      <div className="field checkbox">
        <input id={`fixed-${name}`} type="checkbox" checked={value} readOnly disabled />
        <label htmlFor={`fixed-${name}`}>
          {label}: {value ? t('admin.yes') : t('admin.no')}
        </label>
      </div>
    );
  }
  if (value !== null && typeof value === 'object') {
    return (
      <fieldset className="fixed-group">
        <legend>{label}</legend>
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <TextField key={k} label={t(`admin.${name}_${k}`, { defaultValue: k })} value={String(v ?? '')} readOnly />
        ))}
      </fieldset>
    );
  }
  const shown = name === 'defaultLanguage' ? t(`admin.languageName.${String(value)}`, { defaultValue: String(value) }) : typeof value === 'number' ? new Intl.NumberFormat(document.documentElement.lang || undefined).format(value) : String(value ?? '–');
  return <TextField label={label} value={shown} readOnly />;
}

function SettingsForm({ s, saved: done, onSaved, onEdit }: { s: Settings; saved: boolean; onSaved(): void; onEdit(): void }) {
  const { t } = useTranslation();
  const [policy, setPolicy] = useState<Policy>(s.attachmentPolicy);
  const [sizeMib, setSizeMib] = useState(String(+(s.maxMessageBytes / MIB).toFixed(3)));
  const action = useAction();
  const field = fieldOf(action.error);
  const problem = action.error instanceof ApiError ? errorText(t, action.error) : null;
  const errFor = (f: string) => (field === f ? problem : null);
  const send = (body: unknown) => {
    onEdit();
    void action.run(async () => {
      await api.patch('/api/admin/settings', body);
      onSaved();
    });
  };
  const toggleType = (type: string, on: boolean) => setPolicy({ ...policy, allowedImageTypes: on ? [...policy.allowedImageTypes, type] : policy.allowedImageTypes.filter((x) => x !== type) });
  const zip = (k: keyof Policy['zip'], v: string) => setPolicy({ ...policy, zip: { ...policy.zip, [k]: Number(v) } });
  return (
    <form
      className="card settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        send({ attachmentPolicy: policy, maxMessageBytes: Math.round(Number(sizeMib) * MIB) });
      }}
    >
      <h2>{t('admin.editableSettings')}</h2>
      {done ? <Notice kind="success">{t('admin.saved')}</Notice> : null}
      <ErrorBox error={action.error} />
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
        <button type="button" className="button-secondary" disabled={!s.changed.attachment_policy && !s.changed.max_message_bytes} onClick={() => send({ attachmentPolicy: null, maxMessageBytes: null })}>
          {t('admin.resetSettings')}
        </button>
      </div>
    </form>
  );
}

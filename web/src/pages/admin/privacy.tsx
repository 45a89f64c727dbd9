import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, query } from '../../api.js';
import { ErrorBox, Loading, Notice, TableWrap, TextField, formatDate, useLoad } from '../../components/ui.js';

interface PersonSummary {
  email: string;
  account: { name: string; role: string; organisation: string | null; disabled: boolean; createdAt: string } | null;
  openCases: number[];
  counts: Record<string, number>;
}
interface EraseResult { email: string; counts: Record<string, number>; purged: boolean; residual: Array<{ table: string; id: string }> }
interface Retention { rawMailDays: number | null; rejectedMailDays: number | null; source: 'admin' | 'config'; updatedAt: string | null }
interface AuditEntry { id: number; at: string; actor: string | null; actorEmail: string | null; action: string; target: string | null; detail: Record<string, unknown> | null }

const COUNT_KEYS = ['cases', 'messages', 'attachments', 'inboundMails', 'outboundMails', 'sessions', 'apiTokens', 'participations'] as const;

/** Look up a person, download their export, erase them (typing the address again to confirm). */
function PersonPanel({ onChange }: { onChange(): void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [person, setPerson] = useState<PersonSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState('');
  const [force, setForce] = useState(false);
  const [result, setResult] = useState<EraseResult | null>(null);
  const [busy, setBusy] = useState(false);

  const lookup = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setPerson(null);
    setResult(null);
    setConfirm('');
    setForce(false);
    try {
      setPerson((await api.get<{ person: PersonSummary }>(`/api/admin/privacy/person${query({ email: email.trim() })}`)).person);
    } catch (err) {
      setError(err);
    }
  };
  const erase = async (e: FormEvent) => {
    e.preventDefault();
    if (!person) return;
    setError(null);
    if (confirm.trim().toLowerCase() !== person.email) {
      setError(new ApiError(400, 'confirm_mismatch', t('privacy.eraseConfirmMismatch')));
      return;
    }
    setBusy(true);
    try {
      setResult((await api.post<{ result: EraseResult }>('/api/admin/privacy/person/erase', { email: person.email, force })).result);
      setPerson(null);
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="privacy-person">
      <h2 id="privacy-person">{t('privacy.lookup')}</h2>
      <form onSubmit={lookup} className="inline-form">
        <TextField label={t('fields.email')} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <button type="submit">{t('privacy.lookupSubmit')}</button>
      </form>
      <ErrorBox error={error} />
      {result ? (
        <Notice kind="success">
          {t('privacy.erased', { cases: result.counts.casesAnonymised, messages: result.counts.messages, mails: result.counts.inboundMails, sent: result.counts.outboundMails, files: result.counts.attachments })}
          {result.residual.length ? <p>{t('privacy.residual', { count: result.residual.length })}</p> : null}
          {!result.purged ? <p>{t('privacy.notPurged')}</p> : null}
        </Notice>
      ) : null}
      {person ? (
        <div className="card">
          <h3>{t('privacy.stored', { email: person.email })}</h3>
          {person.account ? (
            <p>
              {person.account.name} · {t(`roles.${person.account.role}`)}
              {person.account.organisation ? ` · ${person.account.organisation}` : ''} · {formatDate(person.account.createdAt)}
            </p>
          ) : (
            <p className="muted">{t('privacy.noAccount')}</p>
          )}
          <ul>
            {COUNT_KEYS.map((k) => (
              <li key={k}>
                {t(`privacy.counts.${k}`)}: {person.counts[k] ?? 0}
              </li>
            ))}
          </ul>
          {person.openCases.length ? <p>{t('privacy.openCases', { count: person.openCases.length, list: person.openCases.map((n) => `#${n}`).join(', ') })}</p> : null}
          <p>
            <a className="button" href={`/api/admin/privacy/person/export${query({ email: person.email })}`} download onClick={() => window.setTimeout(onChange, 1500)}>
              {t('privacy.export')}
            </a>
          </p>
          <form onSubmit={erase} aria-labelledby="privacy-erase">
            <h3 id="privacy-erase">{t('privacy.eraseTitle')}</h3>
            <p className="muted">{t('privacy.eraseHint')}</p>
            <TextField label={t('privacy.eraseConfirm')} type="email" required autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} />
            {person.openCases.length ? (
              <label className="checkbox">
                <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> {t('privacy.force')}
              </label>
            ) : null}
            <button type="submit" className="button-danger" disabled={busy}>
              {t('privacy.erase')}
            </button>
          </form>
        </div>
      ) : null}
    </section>
  );
}

function RetentionPanel({ onChange }: { onChange(): void }) {
  const { t } = useTranslation();
  const current = useLoad(() => api.get<{ retention: Retention }>('/api/admin/privacy/retention').then((r) => r.retention), []);
  // Kept here, not in the form: a save gives the form a new key, which starts it afresh.
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="privacy-retention">
      <h2 id="privacy-retention">{t('privacy.retention')}</h2>
      <p className="muted">{t('privacy.retentionHint')}</p>
      <ErrorBox error={current.error} />
      {saved ? <Notice kind="success">{t('privacy.retentionSaved')}</Notice> : null}
      {current.data ? (
        <RetentionForm
          key={`${current.data.source}:${current.data.updatedAt ?? ''}`}
          current={current.data}
          onSaved={(wasSave) => {
            setSaved(wasSave);
            current.reload();
            onChange();
          }}
        />
      ) : (
        <Loading />
      )}
    </section>
  );
}

/** The form starts from the values in effect; a new key (after a save or reset) starts it afresh. */
function RetentionForm({ current, onSaved }: { current: Retention; onSaved(wasSave: boolean): void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ rawMailDays: current.rawMailDays?.toString() ?? '', rejectedMailDays: current.rejectedMailDays?.toString() ?? '' });
  const [error, setError] = useState<unknown>(null);
  const days = (v: string) => (v.trim() === '' ? null : Number(v));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.put('/api/admin/privacy/retention', { rawMailDays: days(form.rawMailDays), rejectedMailDays: days(form.rejectedMailDays) });
      onSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  const reset = async () => {
    setError(null);
    try {
      await api.del('/api/admin/privacy/retention');
      onSaved(false);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={save}>
      <ErrorBox error={error} />
      <TextField label={t('privacy.rawMailDays')} hint={t('privacy.rawMailDaysHint')} type="number" min={1} max={36500} value={form.rawMailDays} onChange={(e) => setForm({ ...form, rawMailDays: e.currentTarget.value })} />
      <TextField label={t('privacy.rejectedMailDays')} hint={t('privacy.rejectedMailDaysHint')} type="number" min={1} max={36500} value={form.rejectedMailDays} onChange={(e) => setForm({ ...form, rejectedMailDays: e.currentTarget.value })} />
      <p className="muted">{current.source === 'admin' ? t('privacy.source.admin', { at: formatDate(current.updatedAt) }) : t('privacy.source.config')}</p>
      <button type="submit">{t('privacy.saveRetention')}</button>{' '}
      {current.source === 'admin' ? (
        <button type="button" className="button-secondary" onClick={() => void reset()}>
          {t('privacy.resetRetention')}
        </button>
      ) : null}
    </form>
  );
}

function AuditPanel({ version }: { version: number }) {
  const { t } = useTranslation();
  const entries = useLoad(() => api.get<{ entries: AuditEntry[] }>('/api/admin/privacy/audit').then((r) => r.entries), [version]);
  return (
    <section aria-labelledby="privacy-audit">
      <h2 id="privacy-audit">{t('privacy.audit')}</h2>
      <ErrorBox error={entries.error} />
      {entries.data && entries.data.length === 0 ? <p className="empty">{t('privacy.auditEmpty')}</p> : null}
      {entries.data && entries.data.length > 0 ? (
        <TableWrap label={t('privacy.audit')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('privacy.at')}</th>
                <th scope="col">{t('privacy.actor')}</th>
                <th scope="col">{t('privacy.action')}</th>
                <th scope="col">{t('privacy.target')}</th>
                <th scope="col">{t('privacy.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.at)}</td>
                  <td>{e.actorEmail ?? e.actor ?? '–'}</td>
                  <td>{t(`privacy.actions.${e.action.replace(/^privacy\./, '')}`)}</td>
                  <td>{e.target ?? '–'}</td>
                  <td>
                    <span className="muted">
                      {e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}: ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : ''}
                    </span>
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

/** Admin page "Datenschutz / Data protection" (title and tabs come from the admin page). */
export function PrivacyAdminPage() {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <>
      <p>{t('privacy.intro')}</p>
      <PersonPanel onChange={changed} />
      <RetentionPanel onChange={changed} />
      <AuditPanel version={version} />
    </>
  );
}

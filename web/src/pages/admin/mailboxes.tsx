import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorBox, Loading, Notice, SelectField, TableWrap, TextArea, TextField, formatDate, useAction, useLoad } from '../../components/ui.js';
import { navigate, useLocation } from '../../router.js';
import { fieldOf } from './shared.js';

type Preset = 'microsoft' | 'google' | 'oidc';
interface OAuth { preset: Preset; clientId: string; tenant: string | null; issuer: string | null; scope: string | null; credential: 'secret' | 'certificate'; certificatePem: string | null }
interface Mailbox {
  key: string;
  user: string;
  imapUrl: string;
  auth: 'password' | 'oauth2';
  oauth: OAuth | null;
  source: 'admin' | 'config';
  state: { code: string; detail: string | null; at: string | null };
  stored: { password: boolean; clientSecret: boolean; privateKey: boolean; refreshToken: boolean };
}

interface Draft {
  key: string; user: string; imapUrl: string; auth: 'password' | 'oauth2'; preset: Preset; tenant: string; clientId: string; issuer: string; scope: string;
  credential: 'secret' | 'certificate'; certificatePem: string; password: string; clientSecret: string; privateKeyPem: string;
}

const EMPTY: Draft = {
  key: '', user: '', imapUrl: 'imaps://outlook.office365.com/INBOX', auth: 'oauth2', preset: 'microsoft', tenant: '', clientId: '', issuer: '', scope: '',
  credential: 'secret', certificatePem: '', password: '', clientSecret: '', privateKeyPem: '',
};

function draftOf(m: Mailbox): Draft {
  const o = m.oauth;
  return {
    ...EMPTY, key: m.key, user: m.user, imapUrl: m.imapUrl, auth: m.auth, preset: o?.preset ?? 'microsoft', tenant: o?.tenant ?? '', clientId: o?.clientId ?? '',
    issuer: o?.issuer ?? '', scope: o?.scope ?? '', credential: o?.credential ?? 'secret', certificatePem: o?.certificatePem ?? '',
  };
}

/** Green when the last pass worked, red when an admin has to act. */
function StateBadge({ m }: { m: Mailbox }) {
  const { t } = useTranslation();
  const kind = m.state.code === 'ok' ? 'out-sent' : m.state.code === 'new' ? 'out-queued' : 'out-failed';
  return (
    <>
      <span className={`badge badge-${kind}`} data-state={m.state.code}>{t(`mailboxes.states.${m.state.code}`)}</span>
      {m.state.at ? <span className="muted"> {t('mailboxes.since', { at: formatDate(m.state.at) })}</span> : null}
      {m.state.detail && m.state.code !== 'ok' ? <div className="muted">{m.state.detail}</div> : null}
    </>
  );
}

/** GET /api/admin/relay: the outgoing relay as the sending nodes last found it. */
interface Relay {
  configured: boolean;
  host: string | null;
  oauthMailbox: string | null;
  state: { code: 'new' | 'ok' | 'login_refused' | 'unreachable'; detail: string | null; at: string | null } | null;
}

/** The outgoing relay: green once it accepted a mail, red when it refuses the login or cannot be reached. */
function RelayBox() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => api.get<{ relay: Relay }>('/api/admin/relay').then((r) => r.relay), []);
  const s = data?.state ?? null;
  const kind = s?.code === 'ok' ? 'out-sent' : s?.code === 'new' ? 'out-queued' : 'out-failed';
  return (
    <section className="card" aria-labelledby="relay-title" data-relay>
      <h3 id="relay-title">{t('mailboxes.relay.title')}</h3>
      <ErrorBox error={error} />
      {data && !data.configured ? <p>{t('mailboxes.relay.none')}</p> : null}
      {data && s ? (
        <>
          {data.host ? (
            <p>
              {t('mailboxes.relay.host', { host: data.host })}
              {data.oauthMailbox ? <> · {t('mailboxes.relay.oauthMailbox', { key: data.oauthMailbox })}</> : null}
            </p>
          ) : null}
          <p>
            <span className={`badge badge-${kind}`} data-relay-state={s.code}>{t(`mailboxes.relay.states.${s.code}`)}</span>
            {s.at ? <span className="muted"> {t('mailboxes.since', { at: formatDate(s.at) })}</span> : null}
          </p>
          {s.detail && s.code !== 'ok' ? <p className="muted">{s.detail}</p> : null}
          {s.code === 'login_refused' || s.code === 'unreachable' ? <p>{t(`mailboxes.relay.advice.${s.code}`)}</p> : null}
        </>
      ) : null}
    </section>
  );
}

function MailboxForm({ initial, existing, onSaved }: { initial: Draft; existing: Mailbox | null; onSaved(key: string): void }) {
  const { t } = useTranslation();
  const [d, setD] = useState<Draft>(initial);
  const action = useAction();
  const set = <K extends keyof Draft>(k: K) => (e: { currentTarget: { value: string } }) => setD({ ...d, [k]: e.currentTarget.value as Draft[K] });
  const err = (f: string) => (fieldOf(action.error) === f ? t('errors.invalid_input') : undefined);
  const keptHint = (stored: boolean | undefined) => (stored ? t('mailboxes.secretKept') : undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(async () => {
      const secret = (v: string) => (v === '' ? undefined : v);
      await api.post('/api/admin/mailboxes', {
        key: d.key.trim(), user: d.user.trim(), imapUrl: d.imapUrl.trim(), auth: d.auth,
        ...(d.auth === 'oauth2'
          ? { oauth: { preset: d.preset, clientId: d.clientId, tenant: d.tenant || null, issuer: d.issuer || null, scope: d.scope || null, credential: d.preset === 'microsoft' ? d.credential : 'secret', certificatePem: d.credential === 'certificate' ? d.certificatePem || null : null } }
          : {}),
        password: secret(d.password), clientSecret: secret(d.clientSecret), privateKeyPem: secret(d.privateKeyPem),
      });
    });
    if (ok) onSaved(d.key.trim());
  };
  return (
    <form onSubmit={submit} className="card" aria-labelledby="mailbox-form">
      <h2 id="mailbox-form">{existing ? `${t('mailboxes.edit')}: ${existing.key}` : t('mailboxes.newMailbox')}</h2>
      <TextField label={t('mailboxes.key')} hint={t('mailboxes.keyHint')} required value={d.key} onChange={set('key')} readOnly={Boolean(existing)} error={err('key')} />
      <TextField label={t('mailboxes.user')} required value={d.user} onChange={set('user')} error={err('user')} />
      <TextField label={t('mailboxes.imapUrl')} hint={t('mailboxes.imapUrlHint')} required value={d.imapUrl} onChange={set('imapUrl')} error={err('imapUrl')} />
      <SelectField label={t('mailboxes.auth')} value={d.auth} onChange={set('auth')}>
        <option value="oauth2">{t('mailboxes.authOAuth2')}</option>
        <option value="password">{t('mailboxes.authPassword')}</option>
      </SelectField>
      {d.auth === 'password' ? (
        <TextField label={t('mailboxes.password')} type="password" autoComplete="new-password" value={d.password} onChange={set('password')} hint={keptHint(existing?.stored.password)} error={err('password')} />
      ) : (
        <>
          <SelectField label={t('mailboxes.preset')} value={d.preset} onChange={set('preset')}>
            {(['microsoft', 'google', 'oidc'] as const).map((p) => <option key={p} value={p}>{t(`mailboxes.presets.${p}`)}</option>)}
          </SelectField>
          {d.preset === 'microsoft' ? <TextField label={t('mailboxes.tenant')} required value={d.tenant} onChange={set('tenant')} error={err('oauth.tenant')} /> : null}
          <TextField label={t('mailboxes.clientId')} required value={d.clientId} onChange={set('clientId')} error={err('oauth.clientId')} />
          {d.preset === 'microsoft' ? (
            <SelectField label={t('mailboxes.credential')} value={d.credential} onChange={set('credential')}>
              <option value="secret">{t('mailboxes.credentialSecret')}</option>
              <option value="certificate">{t('mailboxes.credentialCertificate')}</option>
            </SelectField>
          ) : null}
          {d.preset === 'microsoft' && d.credential === 'certificate' ? (
            <>
              <TextArea label={t('mailboxes.certificatePem')} rows={4} value={d.certificatePem} onChange={set('certificatePem')} error={err('oauth.certificatePem')} />
              <TextArea label={t('mailboxes.privateKeyPem')} rows={4} value={d.privateKeyPem} onChange={set('privateKeyPem')} hint={keptHint(existing?.stored.privateKey)} error={err('privateKeyPem')} />
            </>
          ) : (
            <TextField label={t('mailboxes.clientSecret')} type="password" autoComplete="new-password" value={d.clientSecret} onChange={set('clientSecret')} hint={keptHint(existing?.stored.clientSecret)} error={err('clientSecret')} />
          )}
          <TextField label={d.preset === 'oidc' ? t('mailboxes.issuer') : t('mailboxes.issuerOverride')} required={d.preset === 'oidc'} value={d.issuer} onChange={set('issuer')} error={err('oauth.issuer')} />
          {d.preset === 'oidc' ? <TextField label={t('mailboxes.scope')} hint={t('mailboxes.scopeHint')} value={d.scope} onChange={set('scope')} /> : null}
        </>
      )}
      <ErrorBox error={action.error} />
      <button type="submit" disabled={action.busy}>{t('mailboxes.save')}</button>
    </form>
  );
}

/** The inbound mailboxes: their state, a form per mailbox, "Connect mailbox" for the Google preset; and the outgoing relay's state. */
export function MailboxesAdminPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const { data, error, loading, reload } = useLoad(() => api.get<{ mailboxes: Mailbox[] }>('/api/admin/mailboxes').then((r) => r.mailboxes), []);
  const [editing, setEditing] = useState<Mailbox | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const connected = search.get('connected');
  const connectError = search.get('connectError');

  const connect = (key: string) =>
    action.run(async () => {
      const { url } = await api.post<{ url: string }>(`/api/admin/mailboxes/${encodeURIComponent(key)}/connect`);
      window.location.assign(url);
    });
  const remove = (key: string) =>
    action.run(async () => {
      await api.del(`/api/admin/mailboxes/${encodeURIComponent(key)}`);
      setNotice(t('mailboxes.deleted', { key }));
      reload();
    });

  return (
    <section aria-labelledby="mailboxes-title">
      <h2 id="mailboxes-title">{t('mailboxes.title')}</h2>
      <p>{t('mailboxes.intro')}</p>
      {connected ? <Notice kind="success">{t('mailboxes.connected', { key: connected })}</Notice> : null}
      {connectError ? <Notice kind="error">{t(`mailboxes.connectError.${connectError === 'denied' || connectError === 'exchange_failed' ? connectError : 'expired'}`)}</Notice> : null}
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <ErrorBox error={error ?? action.error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p>{t('mailboxes.none')}</p> : null}
      {data && data.length > 0 ? (
        <TableWrap label={t('mailboxes.title')}>
          <table>
            <thead>
              <tr><th>{t('mailboxes.key')}</th><th>{t('mailboxes.user')}</th><th>{t('mailboxes.auth')}</th><th>{t('mailboxes.state')}</th><th /></tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.key} data-mailbox={m.key}>
                  <td>{m.key}{m.source === 'config' ? <div className="muted">{t('mailboxes.fromConfig')}</div> : null}</td>
                  <td>{m.user}</td>
                  <td>{m.auth === 'oauth2' && m.oauth ? t(`mailboxes.presets.${m.oauth.preset}`) : t('mailboxes.authPassword')}</td>
                  <td><StateBadge m={m} /></td>
                  <td className="actions">
                    {m.oauth?.preset === 'google' ? (
                      <button type="button" onClick={() => void connect(m.key)} disabled={action.busy}>{m.stored.refreshToken ? t('mailboxes.reconnect') : t('mailboxes.connect')}</button>
                    ) : null}
                    {m.source === 'admin' ? (
                      <>
                        <button type="button" className="secondary" onClick={() => setEditing(m)}>{t('mailboxes.edit')}</button>
                        <button type="button" className="secondary" onClick={() => void remove(m.key)} disabled={action.busy}>{t('mailboxes.delete')}</button>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <RelayBox />
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>{t('mailboxes.newMailbox')}</button>
      ) : (
        <MailboxForm
          key={editing === 'new' ? 'new' : editing.key}
          initial={editing === 'new' ? EMPTY : draftOf(editing)}
          existing={editing === 'new' ? null : editing}
          onSaved={(key) => {
            setEditing(null);
            setNotice(t('mailboxes.saved', { key }));
            if (connected || connectError) navigate('/admin/mailboxes', { replace: true });
            reload();
          }}
        />
      )}
    </section>
  );
}

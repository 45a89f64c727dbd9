import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { Link, match, useLocation } from '../../router.js';
import { ErrorBox, formatDate, Loading, Notice, PageTitle, SelectField, TableWrap, useLoad } from '../../components/ui.js';
import { ReplyAsCustomer } from '../../components/reply-as-customer.js';
import type { OutboundStatus } from '../../types.js';

const KINDS = ['agent_reply', 'receipt', 'notice', 'case_opened', 'signup', 'password_reset', 'agent_notification'] as const;
const STATES: OutboundStatus[] = ['held', 'queued', 'sending', 'sent', 'retrying', 'failed', 'bounced'];

export interface OutboxEntry {
  id: string; kind: string; status: OutboundStatus; subject: string; recipients: string[]; caseNumber: number | null;
  createdAt: string; sentAt: string | null; attempts: number; lastError: string | null; bounceDiagnostic: string | null;
}
interface OutboxMailView {
  mail: OutboxEntry & { fromAddress: string; envelopeFrom: string; messageId: string; language: string; size: number };
  headers: Array<{ name: string; value: string }>;
  text: string | null;
  hasHtml: boolean;
  attachments: Array<{ index: number; filename: string; contentType: string; size: number }>;
  replyAsCustomer: boolean;
  customer: { name: string; email: string } | null;
}

/** Staff: every mail Supportal sent or holds, like a mail client's "Sent" folder plus the delivery state. */
export function OutboxPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const [kind, setKind] = useState(search.get('kind') ?? '');
  const [status, setStatus] = useState(search.get('status') ?? '');
  const caseNumber = search.get('case') ?? '';
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ mails: OutboxEntry[]; relayConfigured: boolean }>(`/api/outbox${query({ kind, status, caseNumber, limit: 200 })}`),
    [kind, status, caseNumber],
  );
  useLiveEvents(() => reload());
  return (
    <section>
      <PageTitle>{caseNumber ? `${t('outbox.title')} · #${caseNumber}` : t('outbox.title')}</PageTitle>
      <p className="hint">{t('outbox.intro')}</p>
      {data && !data.relayConfigured ? <Notice>{t('outbox.noRelay')}</Notice> : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('outbox.filterKind')} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`outboundKind.${k}`, { defaultValue: k })}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('outbox.filterStatus')} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`outboundStatus.${s}`)}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.mails.length === 0 ? <p className="empty">{t('outbox.none')}</p> : null}
      {data && data.mails.length > 0 ? (
        <TableWrap label={t('outbox.title')}>
          <table className="outbox-table">
            <thead>
              <tr>
                <th scope="col">{t('outbox.time')}</th>
                <th scope="col">{t('fields.to')}</th>
                <th scope="col">{t('fields.subject')}</th>
                <th scope="col">{t('fields.kind')}</th>
                <th scope="col">{t('fields.case')}</th>
                <th scope="col">{t('fields.delivery')}</th>
              </tr>
            </thead>
            <tbody>
              {data.mails.map((m) => (
                <tr key={m.id} data-outbox-id={m.id} data-kind={m.kind}>
                  <td data-label={t('outbox.time')}>{formatDate(m.sentAt ?? m.createdAt)}</td>
                  <td data-label={t('fields.to')}>{m.recipients.join(', ')}</td>
                  <td data-label={t('fields.subject')}>
                    <Link to={`/desk/outbox/${m.id}`}>{m.subject}</Link>
                  </td>
                  <td data-label={t('fields.kind')}>{t(`outboundKind.${m.kind}`, { defaultValue: m.kind })}</td>
                  <td data-label={t('fields.case')}>{m.caseNumber ? <Link to={`/desk/cases/${m.caseNumber}`}>#{m.caseNumber}</Link> : '–'}</td>
                  <td data-label={t('fields.delivery')}>
                    <span className={`badge badge-out-${m.status}`}>{t(`outboundStatus.${m.status}`)}</span>
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

type Tab = 'html' | 'text' | 'attachments' | 'headers';

/** Staff: one sent mail as the recipient's mail client shows it, and its raw .eml. */
export function OutboxMailPage() {
  const { t } = useTranslation();
  const { path, search } = useLocation();
  const id = match('/desk/outbox/:id', path)?.id ?? '';
  const { data, error } = useLoad(() => api.get<OutboxMailView>(`/api/outbox/${encodeURIComponent(id)}`), [id]);
  const [picked, setPicked] = useState<Tab | null>(null);
  if (error) {
    return (
      <section>
        <PageTitle>{t('outbox.mailTitle')}</PageTitle>
        <ErrorBox error={error} />
        <p>
          <Link to="/desk/outbox">{t('outbox.back')}</Link>
        </p>
      </section>
    );
  }
  if (!data) return <Loading />;
  const m = data.mail;
  const tab: Tab = picked ?? (data.hasHtml ? 'html' : 'text');
  const tabs: Array<[Tab, string]> = [
    ['html', t('outbox.tabHtml')],
    ['text', t('outbox.tabText')],
    ['attachments', t('outbox.tabAttachments', { count: data.attachments.length })],
    ['headers', t('outbox.tabHeaders')],
  ];
  const base = `/api/outbox/${encodeURIComponent(m.id)}`;
  return (
    <section className="outbox-mail">
      <PageTitle
        actions={
          <a className="button button-secondary" href={`${base}/raw`} download>
            {t('outbox.downloadEml')}
          </a>
        }
      >
        {m.subject}
      </PageTitle>
      <p>
        <Link to={m.caseNumber ? `/desk/outbox?case=${m.caseNumber}` : '/desk/outbox'}>{t('outbox.back')}</Link>
        {m.caseNumber ? (
          <>
            {' · '}
            <Link to={`/desk/cases/${m.caseNumber}`}>{t('fields.case')} #{m.caseNumber}</Link>
          </>
        ) : null}
      </p>
      <dl className="case-meta">
        <div>
          <dt>{t('fields.from')}</dt>
          <dd>{m.fromAddress}</dd>
        </div>
        <div>
          <dt>{t('fields.to')}</dt>
          <dd>{m.recipients.join(', ')}</dd>
        </div>
        <div>
          <dt>{t('outbox.time')}</dt>
          <dd>{formatDate(m.sentAt ?? m.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('fields.kind')}</dt>
          <dd>{t(`outboundKind.${m.kind}`, { defaultValue: m.kind })}</dd>
        </div>
        <div>
          <dt>{t('fields.delivery')}</dt>
          <dd>
            <span className={`badge badge-out-${m.status}`}>{t(`outboundStatus.${m.status}`)}</span>
            {m.lastError || m.bounceDiagnostic ? <span className="field-error"> {m.bounceDiagnostic ?? m.lastError}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('outbox.messageId')}</dt>
          <dd>
            <code>{m.messageId}</code>
          </dd>
        </div>
      </dl>
      <div role="tablist" aria-label={t('outbox.tabs')} className="mail-tabs">
        {tabs.map(([k, label]) => (
          <button key={k} type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k} aria-controls={`panel-${k}`} className={tab === k ? 'tab tab-active' : 'tab'} onClick={() => setPicked(k)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'html' ? (
          data.hasHtml ? (
            <div className="html-mail">
              <iframe title={t('outbox.htmlTitle')} sandbox="" referrerPolicy="no-referrer" src={`${base}/html`} />
            </div>
          ) : (
            <p className="empty">{t('outbox.noHtml')}</p>
          )
        ) : null}
        {tab === 'text' ? data.text !== null ? <pre className="mail-text">{data.text}</pre> : <p className="empty">{t('outbox.noText')}</p> : null}
        {tab === 'attachments' ? (
          data.attachments.length ? (
            <ul className="attachment-list">
              {data.attachments.map((a) => (
                <li key={a.index}>
                  <a href={`${base}/attachment?n=${a.index}`} download={a.filename}>
                    {a.filename}
                  </a>{' '}
                  <span className="muted">
                    {a.contentType}, {t('outbox.size', { kb: (a.size / 1024).toFixed(1) })}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty">{t('outbox.noAttachments')}</p>
          )
        ) : null}
        {tab === 'headers' ? (
          <TableWrap label={t('outbox.tabHeaders')}>
            <table className="header-table">
              <thead>
                <tr>
                  <th scope="col">{t('outbox.headerName')}</th>
                  <th scope="col">{t('outbox.headerValue')}</th>
                </tr>
              </thead>
              <tbody>
                {data.headers.map((h, i) => (
                  <tr key={i}>
                    <th scope="row">{h.name}</th>
                    <td>
                      <code>{h.value}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </div>
      {data.replyAsCustomer ? (
        <div id="reply-as-customer" className={search.get('reply') ? 'highlight' : undefined}>
          <ReplyAsCustomer outboxId={m.id} customerName={data.customer ? `${data.customer.name} <${data.customer.email}>` : (m.recipients[0] ?? '')} />
        </div>
      ) : null}
    </section>
  );
}

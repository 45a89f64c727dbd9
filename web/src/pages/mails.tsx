import { useState } from 'react';
import { RawSourceLink } from '../components/raw-source.js';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api.js';
import { useLiveEvents, useLiveStatus } from '../events.js';
import { Link } from '../router.js';
import { INBOUND_STATUSES, REASON_CODES, type MailLogEntry } from '../types.js';
import { explanationOf, OutcomeMark } from '../components/mail-outcome.js';
import { ErrorBox, formatDate, Loading, PageTitle, SelectField, useLoad, TableWrap } from '../components/ui.js';

function LiveIndicator() {
  const { t } = useTranslation();
  const live = useLiveStatus();
  return (
    <span className={`live ${live ? 'live-on' : 'live-off'}`} role="status">
      {live ? t('mails.live') : t('mails.reconnecting')}
    </span>
  );
}

function Explanation({ m }: { m: MailLogEntry }) {
  const { t } = useTranslation();
  const e = explanationOf(m, t);
  if (!e) return m.status === 'accepted' ? <span>{t('mails.addedToCase')}</span> : m.status === 'received' ? <span>{t('mails.processing')}</span> : null;
  return (
    <>
      <p className="reason">{e.text}</p>
      <p className="advice">
        <strong>{t('mails.whatToDo')}</strong> {e.advice}
      </p>
    </>
  );
}

/**
 * Every mail Supportal received from this customer and what became of it; the page the receipts
 * and notices link to. Updates live: a mail being processed turns into ✓ or ✗ without a reload.
 */
export function MyMailsPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => api.get<{ mails: MailLogEntry[] }>('/api/mails').then((r) => r.mails), []);
  useLiveEvents(() => reload());
  return (
    <section>
      <PageTitle actions={<LiveIndicator />}>{t('mails.title')}</PageTitle>
      <p className="hint">{t('mails.intro')}</p>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('mails.noneYet')}</p> : null}
      {data && data.length > 0 ? (
        <TableWrap label={t('mails.title')}>
          <table className="mail-table">
            <caption className="visually-hidden">{t('mails.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fields.received')}</th>
                <th scope="col">{t('fields.subject')}</th>
                <th scope="col">{t('fields.case')}</th>
                <th scope="col">{t('fields.outcome')}</th>
                <th scope="col">{t('fields.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.id} data-mail-id={m.id}>
                  <td>{formatDate(m.receivedAt)}</td>
                  <td>{m.subject ?? t('mails.noSubject')}</td>
                  <td>{m.caseNumber ? <Link to={`/cases/${m.caseNumber}`}>#{m.caseNumber}</Link> : '–'}</td>
                  <td>
                    <OutcomeMark mail={m} />
                  </td>
                  <td>
                    <Explanation m={m} />
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

/** Staff: the mail log over all cases, by status and reason, with the pipeline's decisions. */
export function MailLogPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('');
  const [reason, setReason] = useState('');
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ mails: MailLogEntry[] }>(`/api/mails${query({ status, reason, limit: 200 })}`).then((r) => r.mails),
    [status, reason],
  );
  useLiveEvents(() => reload());
  return (
    <section>
      <PageTitle actions={<LiveIndicator />}>{t('mailLog.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('fields.status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {INBOUND_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`inboundStatus.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('fields.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {REASON_CODES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('mails.none')}</p> : null}
      {data && data.length > 0 ? (
        <TableWrap label={t('mailLog.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.received')}</th>
                <th scope="col">{t('fields.from')}</th>
                <th scope="col">{t('fields.subject')}</th>
                <th scope="col">{t('fields.case')}</th>
                <th scope="col">{t('fields.outcome')}</th>
                <th scope="col">{t('fields.details')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.id}>
                  <td>{formatDate(m.receivedAt)}</td>
                  <td>{m.fromAddress ?? m.envelopeFrom ?? '–'}</td>
                  <td>{m.subject ?? '–'}</td>
                  <td>{m.caseNumber ? <Link to={`/cases/${m.caseNumber}`}>#{m.caseNumber}</Link> : '–'}</td>
                  <td>
                    <OutcomeMark mail={m} />
                    {m.reason ? <code className="reason-code">{m.reason}</code> : null}
                  </td>
                  <td>
                    {m.detail ? <div className="muted">{m.detail}</div> : null}
                    {m.decisions && m.decisions.length > 0 ? (
                      <details>
                        <summary>{t('mailLog.decisions', { count: m.decisions.length })}</summary>
                        <ol className="decisions">
                          {m.decisions.map((d, i) => (
                            <li key={i}>
                              <code>{d.step}</code> → {d.verdict}
                              {d.reason ? ` (${d.reason})` : ''}
                              {d.note ? ` – ${d.note}` : ''}
                            </li>
                          ))}
                        </ol>
                      </details>
                    ) : null}
                    <RawSourceLink mail={m} />
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

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { INBOUND_STATUSES, REASON_CODES, type MailLogEntry } from '../../types.js';
import { LiveIndicator } from '../../components/live-indicator.js';
import { explanationOf, OutcomeMark } from '../../components/mail-outcome.js';
import { mailColumns, MailTable } from '../../components/mail-table.js';
import { RawSourceLink } from '../../components/raw-source.js';
import { currentLanguage } from '../../i18n.js';
import { Link } from '../../router.js';
import { ErrorBox, Loading, PageTitle, SelectField, useLoad } from '../../components/ui.js';

/** Staff: the pipeline's notes and decisions on one mail, and its raw source. */
function MailDetails({ m }: { m: MailLogEntry }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <>
      {m.reason ? <div>{explanationOf(m)?.text}</div> : null}
      {m.refusedFiles && m.refusedFiles.length > 0 ? (
        <div>
          {t('mails.refusedFiles')} <strong>{m.refusedFiles.join(', ')}</strong>
        </div>
      ) : null}
      {m.detailParts && m.detailParts.length > 0 ? (
        <ul className="detail-parts muted">
          {m.detailParts.map((d, i) => (
            <li key={i} lang={d.untranslated ? 'en' : undefined}>
              {d.text[lang]}
            </li>
          ))}
        </ul>
      ) : m.detail ? (
        <div className="muted" lang="en">
          {m.detail}
        </div>
      ) : null}
      {m.decisions && m.decisions.length > 0 ? (
        <details>
          <summary>{t('mailLog.decisions', { count: m.decisions.length })}</summary>
          <ol className="decisions">
            {m.decisions.map((d, i) => (
              <li key={i}>
                <code>{d.step}</code> → {d.verdict}
                {d.reason ? ` (${t(`reasons.${d.reason}.short`)})` : ''}
                {d.note ? ` – ${d.note}` : ''}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      <Link to={`/desk/mails/${encodeURIComponent(m.id)}`} className="mail-open">
        {t('rejectedMail.open')}
      </Link>{' '}
      <RawSourceLink mail={m} />
    </>
  );
}

/** Staff: the mail log over all cases, by status and reason, with the pipeline's decisions. */
export function MailLogPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('');
  const [reason, setReason] = useState('');
  const col = mailColumns(t);
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
              {t(`reasons.${r}.short`)}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('mails.none')}</p> : null}
      {data && data.length > 0 ? (
        <MailTable
          label={t('mailLog.title')}
          mails={data}
          columns={[
            col.received,
            col.from,
            col.subject('–'),
            col.case,
            {
              key: 'outcome',
              header: t('fields.outcome'),
              cell: (m) => (
                <>
                  <OutcomeMark mail={m} />
                  {m.reason ? <span className="reason-code">{t(`reasons.${m.reason}.short`)}</span> : null}
                </>
              ),
            },
            { key: 'details', header: t('fields.details'), cell: (m) => <MailDetails m={m} /> },
          ]}
        />
      ) : null}
    </section>
  );
}

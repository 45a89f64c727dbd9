import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { useLiveEvents } from '../events.js';
import type { MailLogEntry } from '../types.js';
import { LiveIndicator } from '../components/live-indicator.js';
import { explanationOf } from '../components/mail-outcome.js';
import { mailColumns, MailTable } from '../components/mail-table.js';
import { ErrorBox, Loading, PageTitle, useLoad } from '../components/ui.js';

/** Text whose web addresses are links: the advice names the case's page, which should be one click away. */
export function LinkedText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"')]+[^\s<>"'.,;:)])/g);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part.startsWith(window.location.origin) ? part.slice(window.location.origin.length) || '/' : part}>
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </>
  );
}

function Explanation({ m }: { m: MailLogEntry }) {
  const { t } = useTranslation();
  const e = explanationOf(m);
  if (!e) return m.status === 'accepted' ? <span>{t('mails.addedToCase')}</span> : m.status === 'received' ? <span>{t('mails.processing')}</span> : null;
  return (
    <>
      <p className="reason">{e.text}</p>
      {m.refusedFiles && m.refusedFiles.length > 0 ? (
        <p className="refused-files">
          {t('mails.refusedFiles')} <strong>{m.refusedFiles.join(', ')}</strong>
        </p>
      ) : null}
      <p className="advice">
        <strong>{t('mails.whatToDo')}</strong> <LinkedText text={e.advice} />
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
  const col = mailColumns(t);
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
        <MailTable
          label={t('mails.title')}
          caption={t('mails.title')}
          className="mail-table"
          mails={data}
          columns={[col.received, col.subject(t('mails.noSubject')), col.case, col.outcome, { key: 'reason', header: t('fields.reason'), cell: (m) => <Explanation m={m} /> }]}
        />
      ) : null}
    </section>
  );
}

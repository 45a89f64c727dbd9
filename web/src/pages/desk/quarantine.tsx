import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { useSession } from '../../session.js';
import type { MailLogEntry } from '../../types.js';
import { OutcomeMark } from '../../components/mail-outcome.js';
import { mailColumns, MailTable } from '../../components/mail-table.js';
import { RawSourceLink } from '../../components/raw-source.js';
import { ErrorBox, Loading, Notice, PageTitle, useAction, useLoad } from '../../components/ui.js';

/** A held mail, with its processing job when that gave up (a dead job is reprocessed from here too). */
type QuarantineEntry = MailLogEntry & { job: { status: 'dead'; attempts: number; lastError: string | null } | null };

type QuarantineAction = 'release' | 'reprocess' | 'delete';

/** Mails held aside (forged sender, virus, malformed, too large) with release, reprocess and delete. */
export function QuarantinePage() {
  const { t } = useTranslation();
  const session = useSession();
  const { data, error, loading, reload } = useLoad(() => api.get<{ mails: QuarantineEntry[] }>('/api/admin/quarantine').then((r) => r.mails), []);
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  useLiveEvents(() => reload());
  const col = mailColumns(t);
  const act = (m: QuarantineEntry, verb: QuarantineAction) => {
    if (verb === 'delete' && !window.confirm(t('quarantine.confirmDelete', { subject: m.subject ?? m.id }))) return;
    setDone(null);
    void action.run(async () => {
      await (verb === 'delete' ? api.del(`/api/mails/${encodeURIComponent(m.id)}`) : api.post(`/api/mails/${encodeURIComponent(m.id)}/${verb}`));
      setDone(t(`quarantine.done.${verb}`));
      reload();
    });
  };
  return (
    <section>
      <PageTitle>{t('quarantine.title')}</PageTitle>
      <p className="hint">{t('quarantine.intro')}</p>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorBox error={action.error ?? error} />
      {loading && !data ? <Loading /> : null}
      {data && data.length === 0 ? <p className="empty">{t('quarantine.empty')}</p> : null}
      {data && data.length > 0 ? (
        <MailTable<QuarantineEntry>
          label={t('quarantine.title')}
          mails={data}
          columns={[
            col.received,
            col.from,
            col.subject('–'),
            {
              key: 'reason',
              header: t('fields.reason'),
              cell: (m) => (
                <>
                  <OutcomeMark mail={m} /> <code className="reason-code">{m.reason}</code>
                  {m.detail ? <div className="muted">{m.detail}</div> : null}
                  {m.job ? <div className="muted">{t('quarantine.deadJob', { attempts: m.job.attempts, error: m.job.lastError ?? '' })}</div> : null}
                </>
              ),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              className: 'row-actions',
              cell: (m) => (
                <>
                  {m.status === 'quarantined' && m.reason !== 'virus' ? (
                    <button type="button" onClick={() => act(m, 'release')} aria-label={t('quarantine.releaseOf', { subject: m.subject ?? m.id })}>
                      {t('quarantine.release')}
                    </button>
                  ) : null}
                  <button type="button" className="button-secondary" onClick={() => act(m, 'reprocess')} aria-label={t('quarantine.reprocessOf', { subject: m.subject ?? m.id })}>
                    {t('quarantine.reprocess')}
                  </button>
                  {session.user?.role === 'admin' ? (
                    <button type="button" className="button-danger" onClick={() => act(m, 'delete')} aria-label={t('quarantine.deleteOf', { subject: m.subject ?? m.id })}>
                      {t('quarantine.delete')}
                    </button>
                  ) : null}
                  <RawSourceLink mail={m} />
                </>
              ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { Link, match, useLocation } from '../../router.js';
import type { MailLogEntry } from '../../types.js';
import { explanationOf, OutcomeMark } from '../../components/mail-outcome.js';
import { RawSourceLink } from '../../components/raw-source.js';
import { ErrorBox, formatDate, formatSize, Loading, Notice, PageTitle, useAction, useLoad } from '../../components/ui.js';

/** GET /api/mails/:id/content (src/app/desk/rejected-mail.ts). */
type AcceptAction = 'add_contact' | 'reopen_case' | 'without_attachments';
interface MailView {
  mail: MailLogEntry;
  content: {
    subject: string; from: string | null; date: string | null; replyText: string; quotedText: string; signature: string;
    attachments: Array<{ part: number; name: string; declaredType: string; detectedType: string | null; size: number; verdict: 'allowed' | 'refused'; why: string | null }>;
    encrypted: 'smime' | 'pgp' | null;
  } | null;
  unreadable: 'content_deleted' | 'malformed' | 'loop' | null;
  actions: AcceptAction[];
  organisation: { id: string; name: string } | null;
}

/**
 * Staff: one received mail as its sender wrote it — above all a rejected one: the reason, the
 * text (never its HTML: this page renders nothing of the sender's markup), the attachments as
 * downloads only, and the one-click action that lets it into its case after all.
 */
export function RejectedMailPage() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const id = match('/desk/mails/:id', path)?.id ?? '';
  const { data, error, loading, reload } = useLoad(() => api.get<MailView>(`/api/mails/${encodeURIComponent(id)}/content`), [id]);
  const action = useAction();
  const [done, setDone] = useState(false);
  // The outcome of an accepted mail arrives as a live event: the page then shows it.
  useLiveEvents(() => reload());
  const accept = (a: AcceptAction) => {
    setDone(false);
    void action.run(async () => {
      await api.post(`/api/mails/${encodeURIComponent(id)}/accept`, { action: a });
      setDone(true);
      reload();
    });
  };
  const m = data?.mail;
  const c = data?.content;
  const why = m ? explanationOf(m) : null;
  return (
    <section>
      <PageTitle actions={<Link to="/desk/mails">{t('rejectedMail.back')}</Link>}>{t('rejectedMail.title')}</PageTitle>
      <ErrorBox error={action.error ?? error} />
      {done ? <Notice kind="success">{t('rejectedMail.queued')}</Notice> : null}
      {loading && !data ? <Loading /> : null}
      {m ? (
        <>
          <dl className="mail-head">
            <dt>{t('fields.from')}</dt>
            <dd>{m.fromAddress ?? '–'}</dd>
            <dt>{t('fields.subject')}</dt>
            <dd>{m.subject ?? '–'}</dd>
            <dt>{t('fields.received')}</dt>
            <dd>{formatDate(m.receivedAt)}</dd>
            <dt>{t('fields.case')}</dt>
            <dd>{m.caseNumber ? <Link to={`/desk/cases/${m.caseNumber}`}>#{m.caseNumber}</Link> : '–'}</dd>
            <dt>{t('fields.outcome')}</dt>
            <dd>
              <OutcomeMark mail={m} /> {m.reason ? <code className="reason-code">{m.reason}</code> : null}
            </dd>
          </dl>
          {why ? (
            <section aria-labelledby="mail-reason">
              <h2 id="mail-reason">{t('rejectedMail.reason')}</h2>
              <p data-testid="mail-reason">{why.text}</p>
              {m.detail ? <p className="muted">{m.detail}</p> : null}
            </section>
          ) : null}
          {data.actions.length > 0 ? (
            <section aria-labelledby="mail-actions" className="mail-actions">
              <h2 id="mail-actions">{t('rejectedMail.actionsTitle')}</h2>
              <p className="hint">{t('rejectedMail.actionsHint', { number: m.caseNumber })}</p>
              {data.actions.map((a) => (
                <button key={a} type="button" disabled={action.busy} onClick={() => accept(a)}>
                  {t(`rejectedMail.action.${a}`, { sender: m.fromAddress ?? '', organisation: data.organisation?.name ?? '', number: m.caseNumber })}
                </button>
              ))}
            </section>
          ) : null}
          {data.unreadable ? <Notice kind="info">{t(`rejectedMail.unreadable.${data.unreadable}`)}</Notice> : null}
          {c?.encrypted ? <Notice kind="info">{t(`rejectedMail.encrypted.${c.encrypted}`)}</Notice> : null}
          {c ? (
            <>
              <section aria-labelledby="mail-text">
                <h2 id="mail-text">{t('rejectedMail.text')}</h2>
                <pre className="mail-preview" data-testid="mail-text">{c.replyText || t('rejectedMail.noText')}</pre>
                {c.quotedText ? (
                  <details>
                    <summary>{t('rejectedMail.quoted')}</summary>
                    <pre className="mail-preview">{c.quotedText}</pre>
                  </details>
                ) : null}
              </section>
              <section aria-labelledby="mail-files">
                <h2 id="mail-files">{t('rejectedMail.attachments')}</h2>
                {c.attachments.length === 0 ? <p className="empty">{t('rejectedMail.noAttachments')}</p> : <p className="hint">{t('rejectedMail.downloadHint')}</p>}
                <ul className="mail-files">
                  {c.attachments.map((a) => (
                    <li key={a.part} data-verdict={a.verdict}>
                      <a href={`/api/mails/${encodeURIComponent(id)}/parts/${a.part}`} download={a.name}>
                        {a.name}
                      </a>{' '}
                      <span className="muted">
                        {a.detectedType ?? a.declaredType}, {formatSize(a.size)}
                      </span>{' '}
                      <strong className={a.verdict === 'refused' ? 'outcome-failed' : 'outcome-ok'}>{t(`rejectedMail.verdict.${a.verdict}`)}</strong>
                      {a.why ? <span className="muted"> – {a.why}</span> : null}
                    </li>
                  ))}
                </ul>
              </section>
            </>
          ) : null}
          <p>
            <RawSourceLink mail={m} />
          </p>
        </>
      ) : null}
    </section>
  );
}

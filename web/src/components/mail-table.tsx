import type { ReactNode } from 'react';
import { Link } from '../router.js';
import type { MailLogEntry } from '../types.js';
import { OutcomeMark } from './mail-outcome.js';
import { formatDate, TableWrap } from './ui.js';

/** One column of a mail table: its heading and what a row shows in it. */
export interface MailColumn<M extends MailLogEntry> {
  key: string;
  header: string;
  cell(mail: M): ReactNode;
  className?: string;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The columns the mail pages share (the customer's mails, the mail log, the quarantine), so that
 * a received mail reads the same wherever it is listed.
 */
export function mailColumns(t: Translate) {
  return {
    received: { key: 'received', header: t('fields.received'), cell: (m: MailLogEntry) => formatDate(m.receivedAt) },
    from: {
      key: 'from',
      header: t('fields.from'),
      cell: (m: MailLogEntry) => (
        <>
          {m.fromAddress ?? m.envelopeFrom ?? '–'}
          {/* Staff only (the API sends it to staff): the From could not be verified. */}
          {m.senderVerification === 'unverified' ? (
            <>
              {' '}
              <span className="tag tag-warning" title={t('mailEdge.senderUnverifiedHint')}>
                {t('mailEdge.senderUnverified')}
              </span>
            </>
          ) : null}
        </>
      ),
    },
    /** `missing` is what a mail without a subject shows: the customer gets words, staff a dash. */
    subject: (missing: string) => ({ key: 'subject', header: t('fields.subject'), cell: (m: MailLogEntry) => m.subject ?? missing }),
    case: { key: 'case', header: t('fields.case'), cell: (m: MailLogEntry) => (m.caseNumber ? <Link to={`/cases/${m.caseNumber}`}>#{m.caseNumber}</Link> : '–') },
    outcome: { key: 'outcome', header: t('fields.outcome'), cell: (m: MailLogEntry) => <OutcomeMark mail={m} /> },
  } satisfies Record<string, MailColumn<MailLogEntry> | ((missing: string) => MailColumn<MailLogEntry>)>;
}

/** Received mails as a table in a scroll box named `label`, one row per mail, columns as given; cards below 600 px (styles.css). */
export function MailTable<M extends MailLogEntry>({ label, mails, columns, caption, className }: { label: string; mails: M[]; columns: Array<MailColumn<M>>; caption?: string; className?: string }) {
  return (
    <TableWrap label={label}>
      <table className={className ? `${className} card-table` : 'card-table'}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {mails.map((m) => (
            <tr key={m.id} data-mail-id={m.id}>
              {columns.map((c) => (
                <td key={c.key} className={c.className} data-label={c.header}>
                  {c.cell(m)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

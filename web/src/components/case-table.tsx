import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import type { Case } from '../types.js';
import { CaseStatusBadge, formatDate, TableWrap } from './ui.js';

/** Cases as a table (the customer's list, the desk's queues); `showAge` names the date column "opened". */
export function CaseTable({ cases, showAge }: { cases: Case[]; showAge?: boolean }) {
  const { t } = useTranslation();
  if (cases.length === 0) return <p className="empty">{t('cases.none')}</p>;
  return (
    <TableWrap label={t('cases.title')}>
      <table>
        <caption className="visually-hidden">{t('cases.tableCaption', { count: cases.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fields.number')}</th>
            <th scope="col">{t('fields.subject')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{showAge ? t('fields.opened') : t('fields.created')}</th>
            <th scope="col">{t('fields.lastActivity')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/cases/${c.number}`}>#{c.number}</Link>
              </td>
              <td>
                <Link to={`/cases/${c.number}`}>{c.subject}</Link>
                {c.channel === 'phone' ? <span className="tag">{t('channel.phone')}</span> : null}
              </td>
              <td>
                <CaseStatusBadge status={c.status} />
              </td>
              <td>{formatDate(c.createdAt)}</td>
              <td>{formatDate(c.lastActivityAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

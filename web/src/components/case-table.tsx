import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import type { CaseRow } from '../types.js';
import { CaseStatusBadge, formatDate, TableWrap } from './ui.js';

type SortKey = 'number' | 'subject' | 'customerName' | 'organisationName' | 'assigneeName' | 'productName' | 'status' | 'createdAt' | 'lastActivityAt';
export type CaseSort = { key: SortKey; descending: boolean };

const STATUS_ORDER = ['new', 'open', 'waiting_for_customer', 'closed'];

function compare(a: CaseRow, b: CaseRow, key: SortKey): number {
  if (key === 'number') return a.number - b.number;
  if (key === 'status') return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
  return String(a[key] ?? '').localeCompare(String(b[key] ?? ''), undefined, { sensitivity: 'base' });
}

/**
 * Cases as a table (the customer's list, the desk's queues); `showAge` names the date column
 * "opened"; `desk` adds the customer, organisation, assignee and product columns, sortable by a
 * click on their heading. Below 600 px the rows are cards (styles.css), each cell with its label.
 */
export function CaseTable({ cases, showAge, desk, sort, onSort }: { cases: CaseRow[]; showAge?: boolean; desk?: boolean; sort?: CaseSort; onSort?(s: CaseSort): void }) {
  const { t } = useTranslation();
  const [ownSort, setOwnSort] = useState<CaseSort | null>(null);
  const current = sort ?? ownSort;
  const sorted = useMemo(() => {
    if (!current) return cases;
    const list = [...cases].sort((a, b) => compare(a, b, current.key));
    return current.descending ? list.reverse() : list;
  }, [cases, current]);
  if (cases.length === 0) return <p className="empty">{t('cases.none')}</p>;
  const columns: Array<{ key: SortKey; label: string }> = [
    { key: 'number', label: t('fields.number') },
    { key: 'subject', label: t('fields.subject') },
    ...(desk
      ? ([
          { key: 'customerName', label: t('fields.customer') },
          { key: 'organisationName', label: t('fields.organisation') },
          { key: 'assigneeName', label: t('fields.assignee') },
          { key: 'productName', label: t('fields.product') },
        ] as const)
      : []),
    { key: 'status', label: t('fields.status') },
    { key: 'createdAt', label: showAge ? t('fields.opened') : t('fields.created') },
    { key: 'lastActivityAt', label: t('fields.lastActivity') },
  ];
  const choose = (key: SortKey) => {
    const next = { key, descending: current?.key === key ? !current.descending : key === 'lastActivityAt' };
    if (onSort) onSort(next);
    else setOwnSort(next);
  };
  const cell = (c: CaseRow, key: SortKey) => {
    switch (key) {
      case 'number':
        return <Link to={`/cases/${c.number}`}>#{c.number}</Link>;
      case 'subject':
        return (
          <>
            <Link to={`/cases/${c.number}`}>{c.subject}</Link>
            {c.channel === 'phone' ? <span className="tag">{t('channel.phone')}</span> : null}
          </>
        );
      case 'status':
        return <CaseStatusBadge status={c.status} />;
      case 'createdAt':
      case 'lastActivityAt':
        return formatDate(c[key]);
      default:
        return c[key] ?? '–';
    }
  };
  return (
    <TableWrap label={t('cases.title')}>
      <table className="case-table card-table">
        <caption className="visually-hidden">{t('cases.tableCaption', { count: cases.length })}</caption>
        <thead>
          <tr>
            {columns.map((col) => (
              <th scope="col" key={col.key} aria-sort={current?.key === col.key ? (current.descending ? 'descending' : 'ascending') : undefined}>
                <button type="button" className="sort-button" onClick={() => choose(col.key)}>
                  {col.label}
                  <span aria-hidden="true">{current?.key === col.key ? (current.descending ? ' ▼' : ' ▲') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((c) => (
            <tr key={c.id}>
              {columns.map((col) => (
                <td key={col.key} data-label={col.label} className={`col-${col.key}`}>
                  {cell(c, col.key)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { Link, useLocation } from '../../router.js';
import { QUEUES, type CaseRow, type Queue } from '../../types.js';
import { CaseTable, type CaseSort } from '../../components/case-table.js';
import { ErrorBox, Loading, PageTitle, SelectField, TextField, useLoad } from '../../components/ui.js';

/** Distinct non-empty values of one column, sorted, for a filter's options. */
function valuesOf(rows: CaseRow[], key: 'productName' | 'assigneeName' | 'organisationName'): string[] {
  return [...new Set(rows.map((r) => r[key]).filter((v): v is string => Boolean(v)))].sort((a, b) => a.localeCompare(b));
}

/**
 * The agent desk's queues: a tab per queue with its count, opening on "to do" (new and open, plus
 * mine), sortable columns with the customer, organisation, assignee and product, filters and
 * full-text search.
 */
export function QueuesPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const queue = (QUEUES as readonly string[]).includes(search.get('queue') ?? '') ? (search.get('queue') as Queue) : 'todo';
  const [sort, setSort] = useState<CaseSort>({ key: 'lastActivityAt', descending: true });
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const [product, setProduct] = useState('');
  const [assignee, setAssignee] = useState('');
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ cases: CaseRow[]; counts?: Record<Queue, number> }>(`/api/cases${query({ queue, q: applied, limit: 200, counts: 'true' })}`),
    [queue, applied],
  );
  useLiveEvents(() => reload());
  const rows = useMemo(() => data?.cases ?? [], [data]);
  const shown = useMemo(
    () => rows.filter((r) => (!product || r.productName === product) && (!assignee || (assignee === '-' ? !r.assigneeName : r.assigneeName === assignee))),
    [rows, product, assignee],
  );
  return (
    <section>
      <PageTitle
        actions={
          <>
            <a className="button button-secondary" href={`/api/cases.csv${query({ queue, q: applied })}`} download>
              {t('queues.csv')}
            </a>
            <Link to="/desk/phone" className="button">
              {t('nav.phoneCase')}
            </Link>
          </>
        }
      >
        {t('queues.title')}
      </PageTitle>
      <nav aria-label={t('queues.label')} className="tabs">
        <ul>
          {QUEUES.map((x) => (
            <li key={x}>
              <Link to={`/desk?queue=${x}`} aria-current={x === queue ? 'page' : undefined}>
                {t(`queues.${x}`)}
                {data?.counts ? ' ' : null}
                {data?.counts ? <span className="tab-count">{t('queues.count', { count: data.counts[x] })}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(q);
        }}
      >
        <TextField label={t('queues.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">{t('common.search')}</button>
        <SelectField label={t('fields.product')} value={product} onChange={(e) => setProduct(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {valuesOf(rows, 'productName').map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </SelectField>
        <SelectField label={t('fields.assignee')} value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          <option value="-">{t('case.unassigned')}</option>
          {valuesOf(rows, 'assigneeName').map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('queues.sort')}
          value={sort.key === 'createdAt' ? 'age' : 'activity'}
          onChange={(e) => setSort(e.currentTarget.value === 'age' ? { key: 'createdAt', descending: false } : { key: 'lastActivityAt', descending: true })}
        >
          <option value="activity">{t('queues.sortActivity')}</option>
          <option value="age">{t('queues.sortAge')}</option>
        </SelectField>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : <CaseTable cases={shown} showAge desk sort={sort} onSort={setSort} />}
    </section>
  );
}

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { Link, useLocation } from '../../router.js';
import { QUEUES, type Case, type Queue } from '../../types.js';
import { CaseTable } from '../../components/case-table.js';
import { ErrorBox, Loading, PageTitle, SelectField, TextField, useLoad } from '../../components/ui.js';

/** The agent desk's queues: a tab per queue, sorted by age or last activity, with full-text search. */
export function QueuesPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const queue = (QUEUES as readonly string[]).includes(search.get('queue') ?? '') ? (search.get('queue') as Queue) : 'open';
  const [sort, setSort] = useState<'activity' | 'age'>('activity');
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ cases: Case[] }>(`/api/cases${query({ queue, q: applied, limit: 200 })}`).then((r) => r.cases),
    [queue, applied],
  );
  useLiveEvents(() => reload());
  const sorted = useMemo(() => {
    const list = [...(data ?? [])];
    // Oldest first by age (the case waiting longest), most recent first by activity.
    if (sort === 'age') list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    else list.sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
    return list;
  }, [data, sort]);
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
        <SelectField label={t('queues.sort')} value={sort} onChange={(e) => setSort(e.currentTarget.value as 'activity' | 'age')}>
          <option value="activity">{t('queues.sortActivity')}</option>
          <option value="age">{t('queues.sortAge')}</option>
        </SelectField>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : <CaseTable cases={sorted} showAge />}
    </section>
  );
}

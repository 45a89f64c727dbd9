import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api.js';
import { useLiveEvents } from '../events.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { CASE_STATUSES, type Case } from '../types.js';
import { CaseTable } from '../components/case-table.js';
import { ErrorBox, Loading, PageTitle, SelectField, TextField, useLoad } from '../components/ui.js';

/** The case list of a customer (an organisation admin: the organisation's), by status and search words. */
export function MyCasesPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { search } = useLocation();
  const [status, setStatus] = useState(search.get('status') ?? '');
  const [q, setQ] = useState(search.get('q') ?? '');
  const [applied, setApplied] = useState({ status, q });
  const { data, error, loading, reload } = useLoad(
    () => api.get<{ cases: Case[] }>(`/api/cases${query({ status: applied.status ? [applied.status] : undefined, q: applied.q })}`).then((r) => r.cases),
    [applied.status, applied.q],
  );
  useLiveEvents(() => reload());
  return (
    <section>
      <PageTitle actions={<Link to="/cases/new" className="button">{t('nav.newCase')}</Link>}>
        {session.user?.orgAdmin ? t('cases.orgTitle') : t('cases.title')}
      </PageTitle>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ status, q });
        }}
      >
        <SelectField label={t('fields.status')} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">{t('common.all')}</option>
          {CASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`caseStatus.${s}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={t('common.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">{t('common.apply')}</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? <CaseTable cases={data} /> : null}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n.js';
import { api } from '../../api.js';
import { useLiveEvents } from '../../events.js';
import { BarChart, HBarChart, LineChart, type Series } from '../../components/charts.js';
import { ErrorBox, formatDate, Loading, PageTitle, useLoad } from '../../components/ui.js';

/** What /api/overview answers (src/app/desk/overview.ts): 14 days of mail flow, open cases by status and age. */
export interface OverviewStats {
  generatedAt: string;
  openCases: { ageBuckets: string[]; byStatus: Array<{ status: string; total: number; ages: number[] }> };
  mailsPerDay: Array<{ day: string; total: number; byStatus: Record<string, number>; medianMs: number | null; p99Ms: number | null }>;
  topRejectionReasons: Array<{ reason: string; count: number }>;
  truncated: boolean;
}

const OUTCOMES = ['accepted', 'rejected', 'quarantined', 'ignored', 'duplicate', 'deferred', 'received'] as const;
const AGE_CLASSES = ['series-accepted', 'series-median', 'series-deferred', 'series-rejected', 'series-quarantined'];

function seconds(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round(ms / 100) / 10;
}

export function OverviewPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useLoad(() => api.get<OverviewStats>('/api/overview'), []);
  useLiveEvents(() => reload());
  if (loading && !data) return <Loading />;
  const days = data?.mailsPerDay ?? [];
  // "6. Dez." / "6 Dec": the reader's own short date, not the ISO month-day.
  const dayFormat = new Intl.DateTimeFormat(currentLanguage() === 'de' ? 'de-DE' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const labels = days.map((d) => dayFormat.format(new Date(`${d.day}T00:00:00Z`)));
  const mailSeries: Series[] = OUTCOMES.map((o) => ({ name: t(`inboundStatus.${o}`), className: `series-${o}`, values: days.map((d) => d.byStatus[o] ?? 0) })).filter((s) =>
    s.values.some((v) => v > 0),
  );
  const open = data?.openCases.byStatus ?? [];
  const buckets = data?.openCases.ageBuckets ?? [];
  const ageSeries: Series[] = buckets.map((b, i) => ({ name: t(`overview.age.${b}`, { defaultValue: b }), className: AGE_CLASSES[i % AGE_CLASSES.length]!, values: open.map((s) => s.ages[i] ?? 0) }));
  return (
    <section className="overview">
      <PageTitle>{t('overview.title')}</PageTitle>
      <ErrorBox error={error} />
      {data ? <p className="hint">{t('overview.window', { time: formatDate(data.generatedAt) })}</p> : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="ov-mails">
          <h2 id="ov-mails">{t('overview.mailsPerDay')}</h2>
          {days.length ? <BarChart title={t('overview.mailsPerDay')} labels={labels} series={mailSeries} tableCaption={t('overview.showNumbers')} axes={{ x: t('overview.axisDay'), y: t('overview.axisMails') }} /> : <p className="empty">{t('overview.noData')}</p>}
        </section>
        <section className="card" aria-labelledby="ov-conf">
          <h2 id="ov-conf">{t('overview.confirmation')}</h2>
          {days.some((d) => d.medianMs !== null) ? (
            <LineChart
              title={t('overview.confirmation')}
              labels={labels}
              series={[
                { name: t('overview.median'), className: 'series-median', values: days.map((c) => seconds(c.medianMs)) },
                { name: t('overview.p99'), className: 'series-p99', values: days.map((c) => seconds(c.p99Ms)) },
              ]}
              tableCaption={t('overview.showNumbers')}
              axes={{ x: t('overview.axisDay'), y: t('overview.axisSeconds') }}
            />
          ) : (
            <p className="empty">{t('overview.noData')}</p>
          )}
        </section>
        <section className="card" aria-labelledby="ov-reasons">
          <h2 id="ov-reasons">{t('overview.topReasons')}</h2>
          {data?.topRejectionReasons.length ? (
            <HBarChart title={t('overview.topReasons')} items={data.topRejectionReasons.map((r) => ({ label: t(`reasons.${r.reason}.short`, { defaultValue: r.reason }), value: r.count }))} />
          ) : (
            <p className="empty">{t('overview.noRejections')}</p>
          )}
        </section>
        <section className="card" aria-labelledby="ov-open">
          <h2 id="ov-open">{t('overview.openCases')}</h2>
          {open.some((s) => s.total > 0) ? (
            <BarChart
              title={t('overview.openByStatusAge')}
              labels={open.map((s) => `${t(`caseStatus.${s.status}`)} (${s.total})`)}
              series={ageSeries}
              tableCaption={t('overview.showNumbers')}
              axes={{ y: t('overview.cases') }}
            />
          ) : (
            <p className="empty">{t('overview.noOpenCases')}</p>
          )}
        </section>
      </div>
    </section>
  );
}

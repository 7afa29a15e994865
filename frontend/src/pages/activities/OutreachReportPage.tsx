// 周知の効果: new patients per source (how they heard of the center) per month, with a
// chart of all new patients per month, and each outreach activity with the new patients
// from its source in the 30 days before and after it. Files to download like the other reports.
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { downloadOutreachReport, outreachReport } from '../../api/activities';
import type { ReferralSource } from '../../api/enums';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { MonthChart } from '../reports/charts';
import { DownloadButtons } from '../reports/Downloads';
import { recentFiscalYears } from './common';

export function OutreachReportPage() {
  const i = useI18n();
  const { t } = i;
  const years = recentFiscalYears();
  const [year, setYear] = useState(currentFiscalYear());
  const chartId = useId();
  const q = useQuery({ queryKey: ['reports', 'outreach', year], queryFn: () => outreachReport(year) });
  const sourceLabel = (s: string | null | undefined) => (s ? t(`referralSource.${s as ReferralSource}`) : t('referralSource.notAsked'));
  const monthLabel = (m: string) => t('outreachReport.month', { month: String(Number(m.slice(5))) });
  return (
    <>
      <PageTitle>{t('outreachReport.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('outreachReport.lead')}</p>
      <div className="min-w-48 max-w-xs">
        <SelectField
          name="fiscal_year"
          label={t('report.fiscalYear')}
          options={years.map((y) => ({ value: String(y), label: t('activities.fiscalYear', { year: String(y) }) }))}
          value={String(year)}
          onChange={(e) => setYear(Number(e.target.value))}
        />
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={q.refetch} />
      ) : (
        <div className="flex flex-col gap-6" data-testid="outreach-report">
          <DownloadButtons
            testId="downloads-outreach"
            groupLabel={t('outreachReport.downloads')}
            choices={[
              { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadOutreachReport(year, 'csv') },
              { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadOutreachReport(year, 'xlsx') },
            ]}
          />
          <section aria-labelledby="by-month" className="flex flex-col gap-3">
            <h2 id="by-month" className="text-std-22B-150">
              {t('outreachReport.byMonth')}
            </h2>
            <p id={chartId} className="text-std-16N-170">
              {t('outreachReport.total', { count: String(q.data.total) })}
            </p>
            <MonthChart
              labels={q.data.months.map(monthLabel)}
              counts={q.data.totals}
              seriesLabel={t('outreachReport.newPatients')}
              title={t('outreachReport.byMonth')}
              describedBy={chartId}
            />
            <div data-testid="outreach-sources-table">
              <Table caption={t('outreachReport.bySource')} head={[t('outreachReport.source'), ...q.data.months.map(monthLabel), t('outreachReport.sum')]}>
                {q.data.rows
                  .filter((r) => r.total > 0)
                  .map((r) => (
                    <Row key={r.source ?? 'none'}>
                      <Cell header>{sourceLabel(r.source)}</Cell>
                      {r.counts.map((n, k) => (
                        <Cell key={q.data.months[k]}>{n}</Cell>
                      ))}
                      <Cell>{r.total}</Cell>
                    </Row>
                  ))}
              </Table>
            </div>
          </section>
          <section aria-labelledby="effects" className="flex flex-col gap-3">
            <h2 id="effects" className="text-std-22B-150">
              {t('outreachReport.effects', { days: String(q.data.window_days) })}
            </h2>
            {q.data.activities.length === 0 ? (
              <p className="text-std-16N-170">{t('outreachReport.noActivities')}</p>
            ) : (
              <div data-testid="outreach-effects-table">
                <Table
                  caption={t('outreachReport.effects', { days: String(q.data.window_days) })}
                  head={[t('outreach.heldOn'), t('outreach.kind'), t('outreachReport.before'), t('outreachReport.after'), t('outreachReport.change')]}
                >
                  {q.data.activities.map((e) => (
                    <Row key={e.activity.id}>
                      <Cell header>{i.date(e.activity.held_on)}</Cell>
                      <Cell>{sourceLabel(e.activity.kind)}</Cell>
                      <Cell>{e.before}</Cell>
                      <Cell>{e.after}</Cell>
                      <Cell>{e.change > 0 ? `+${e.change}` : String(e.change)}</Cell>
                    </Row>
                  ))}
                </Table>
              </div>
            )}
          </section>
        </div>
      )}
    </>
  );
}

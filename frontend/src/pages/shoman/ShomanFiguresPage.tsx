// 小慢の集計: per fiscal year, the optional projects run and their sessions (with a chart),
// the needs by kind, the consultations by menu and requester, and the paper's 実施状況 table
// (which kinds each 実施主体 runs). Never a child. CSV and Excel like the other reports.
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem } from '../../api/problem';
import type { ReportQuery } from '../../api/reports';
import {
  downloadShomanReport,
  getShomanConsultations,
  getShomanImplementation,
  getShomanNeeds,
  getShomanPlans,
  getShomanProjects,
  type ShomanReportName,
} from '../../api/shomanReports';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { SelectField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import { PREFECTURES } from '../../lib/prefectures';
import { prefectureLabel } from '../labels';
import { CountChart } from '../reports/charts';
import { DownloadButtons } from '../reports/Downloads';
import { fiscalYearChoices, fiscalYearOptionLabel, filterDates, filterFromParams, filterToParams, formatCount, reportQuery } from '../reports/reportModel';
import { FigureTable, Num, RowHead, TableRow, Text } from '../reports/sections';
import { activityLabel, needKindLabel, projectKindLabel } from './shomanLabels';
import { chartSeries, hasAny, isOneOf, percentText, PROJECT_KINDS, SHOMAN_MENUS, SHOMAN_REQUESTERS } from './shomanModel';

const TITLES: Record<ShomanReportName, MessageKey> = {
  'shoman-plans': 'shomanReport.plans',
  'shoman-projects': 'shomanReport.projects',
  'shoman-needs': 'shomanReport.needs',
  'shoman-consultations': 'shomanReport.consultations',
  'shoman-implementation': 'shomanReport.implementation',
};

function Section<T>({
  name,
  lead,
  query,
  apiQuery,
  children,
}: {
  name: ShomanReportName;
  lead: string;
  query: UseQueryResult<T>;
  apiQuery: ReportQuery;
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  const title = t(TITLES[name]);
  const notOffered = asProblem(query.error)?.code === 'program_not_offered';
  return (
    <section
      id={`report-${name}`}
      aria-labelledby={`report-${name}-title`}
      aria-busy={query.isPlaceholderData || undefined}
      className="flex scroll-mt-4 flex-col gap-4 border-t border-solid-gray-420 pt-6"
      data-testid={`report-${name}`}
    >
      <h2 id={`report-${name}-title`} className="text-std-24B-150">
        {title}
      </h2>
      <p className="max-w-4xl text-std-16N-170">{lead}</p>
      {query.isPending ? (
        <Loading />
      ) : notOffered ? (
        <Notice tone="info" title={t('problem.program_not_offered')} />
      ) : query.error ? (
        <LoadError error={query.error} retry={() => void query.refetch()} />
      ) : (
        <div className={query.isPlaceholderData ? 'flex flex-col gap-4 opacity-60' : 'flex flex-col gap-4'}>{children(query.data)}</div>
      )}
      <DownloadButtons
        groupLabel={t('report.downloads', { report: title })}
        context={t('report.downloadContext', { report: title })}
        testId={`downloads-${name}`}
        choices={[
          { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadShomanReport(name, 'csv', apiQuery) },
          { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadShomanReport(name, 'xlsx', apiQuery) },
        ]}
      />
    </section>
  );
}

export function ShomanFiguresPage() {
  const i = useI18n();
  const { t, lang } = i;
  const { role } = useAuth();
  const acrossCenters = role === 'system_admin';
  const [params, setParams] = useSearchParams();
  const parsed = filterFromParams(params);
  // This screen counts by fiscal year only (the paper's unit); a range in the URL is ignored.
  const filter = parsed.period.kind === 'fiscal_year' ? parsed : filterFromParams(new URLSearchParams());
  const fiscalYear = filter.period.kind === 'fiscal_year' ? filter.period.fiscalYear : 0;
  const query = reportQuery(filter, acrossCenters);
  const dates = filterDates(filter);
  const options = { placeholderData: keepPreviousData, staleTime: 60_000 } as const;
  const plans = useQuery({ queryKey: keys.report('shoman-plans', query), queryFn: () => getShomanPlans(query), ...options });
  const projects = useQuery({ queryKey: keys.report('shoman-projects', query), queryFn: () => getShomanProjects(query), ...options });
  const needs = useQuery({ queryKey: keys.report('shoman-needs', query), queryFn: () => getShomanNeeds(query), ...options });
  const consultations = useQuery({
    queryKey: keys.report('shoman-consultations', query),
    queryFn: () => getShomanConsultations(query),
    ...options,
  });
  const implementation = useQuery({
    queryKey: keys.report('shoman-implementation', query),
    queryFn: () => getShomanImplementation(query),
    ...options,
  });
  const fetching = [plans, projects, needs, consultations, implementation].some((q) => q.isFetching);
  const years = fiscalYearChoices();
  if (!years.includes(fiscalYear)) years.push(fiscalYear);

  return (
    <>
      <PageTitle>{t('shomanReport.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{acrossCenters ? t('shomanReport.leadAcross') : t('shomanReport.lead')}</p>
      <p>
        <Link to="/reports">{t('shomanReport.toReports')}</Link>
      </p>
      <section aria-labelledby="shoman-filters" className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4">
        <h2 id="shoman-filters" className="text-std-20B-150">
          {t('report.filters')}
        </h2>
        <div className="flex flex-wrap items-end gap-6">
          <div className="min-w-80">
            <SelectField
              name="fiscal_year"
              label={t('report.fiscalYear')}
              options={years.map((y) => ({ value: String(y), label: fiscalYearOptionLabel(y, lang) }))}
              value={String(fiscalYear)}
              onChange={(e) =>
                setParams(filterToParams({ ...filter, period: { kind: 'fiscal_year', fiscalYear: Number(e.target.value) } }), { replace: true })
              }
            />
          </div>
          {acrossCenters && (
            <div className="min-w-64">
              <SelectField
                name="prefecture_code"
                label={t('report.prefecture')}
                placeholder={t('report.allPrefectures')}
                options={PREFECTURES.map((p) => ({ value: p.code, label: prefectureLabel(i, p.code) }))}
                value={filter.prefectureCode ?? ''}
                onChange={(e) =>
                  setParams(filterToParams({ ...filter, prefectureCode: e.target.value === '' ? null : e.target.value }), { replace: true })
                }
              />
            </div>
          )}
        </div>
        <p className="text-std-17B-170" data-testid="report-period">
          {fiscalYearOptionLabel(fiscalYear, lang)}
          {lang === 'ja' ? '\u3000' : ' '}
          {t('report.period', { from: i.date(dates.from, { era: false }), to: i.date(dates.to, { era: false }) })}
        </p>
        <p role="status" className="min-h-[1lh] text-dns-16N-130 text-solid-gray-700">
          {fetching ? t('report.updating') : ''}
        </p>
      </section>

      <Section name="shoman-plans" lead={t('shomanReport.plansLead')} query={plans} apiQuery={query}>
        {(r) => {
          const reviews = [r.reviewed_on_time, r.reviewed_late, r.not_yet_reviewed];
          const rows: [MessageKey, number, boolean?][] = [
            ['shomanReport.plansWritten', r.plans_written],
            ['shomanReport.plansApproved', r.approved],
            ['shomanReport.plansReturned', r.returned],
            ['shomanReport.reviewsDue', r.reviews_due, true],
            ['shomanReport.reviewedOnTime', r.reviewed_on_time],
            ['shomanReport.reviewedLate', r.reviewed_late],
            ['shomanReport.notYetReviewed', r.not_yet_reviewed],
            ['shomanReport.actionsDue', r.actions_due, true],
            ['shomanReport.actionsDone', r.actions_done],
            ['shomanReport.actionsNotDone', r.actions_not_done],
            ['shomanReport.actionsChanged', r.actions_changed],
            ['shomanReport.actionsOpen', r.actions_open],
            ['shomanReport.goalsReached', r.goals_reached, true],
          ];
          return (
            <>
              {hasAny(reviews) && (
                <>
                  <CountChart
                    labels={[t('shomanReport.reviewedOnTime'), t('shomanReport.reviewedLate'), t('shomanReport.notYetReviewed')]}
                    counts={reviews}
                    seriesLabel={t('shomanReport.reviewsDue')}
                    title={t('shomanReport.reviewsChart')}
                    describedBy="shoman-plans-note"
                    testId="shoman-plans-chart"
                  />
                  <p id="shoman-plans-note" className="text-dns-16N-130 text-solid-gray-700">
                    {t('report.levels.chartNote')}
                  </p>
                </>
              )}
              <FigureTable caption={t('shomanReport.plans')} head={[t('shomanReport.item'), t('shomanReport.count')]} testId="shoman-plans-table">
                {rows.map(([key, n, strong]) => (
                  <TableRow key={key}>
                    <RowHead>{t(key)}</RowHead>
                    <Num strong={strong}>{formatCount(n, lang)}</Num>
                  </TableRow>
                ))}
              </FigureTable>
            </>
          );
        }}
      </Section>

      <Section name="shoman-projects" lead={t('shomanReport.projectsLead')} query={projects} apiQuery={query}>
        {(r) => {
          const series = chartSeries(r.rows, (row) => projectKindLabel(i, row.kind), (row) => row.sessions);
          return (
            <>
              {hasAny(series.counts) && (
                <>
                  <CountChart
                    labels={series.labels}
                    counts={series.counts}
                    seriesLabel={t('shomanReport.sessions')}
                    title={t('shomanReport.sessionsChart')}
                    describedBy="shoman-projects-note"
                    testId="shoman-projects-chart"
                  />
                  <p id="shoman-projects-note" className="text-dns-16N-130 text-solid-gray-700">
                    {t('report.levels.chartNote')}
                  </p>
                </>
              )}
              <FigureTable
                caption={t('shomanReport.byKind')}
                head={[
                  t('project.kind'),
                  t('shomanReport.projectsRun'),
                  t('shomanReport.sessions'),
                  t('shomanReport.children'),
                  t('shomanReport.family'),
                ]}
                testId="shoman-projects-table"
              >
                {r.rows.map((row) => (
                  <TableRow key={row.kind}>
                    <RowHead>{projectKindLabel(i, row.kind)}</RowHead>
                    <Num>{formatCount(row.projects, lang)}</Num>
                    <Num>{formatCount(row.sessions, lang)}</Num>
                    <Num>{formatCount(row.children, lang)}</Num>
                    <Num>{formatCount(row.family, lang)}</Num>
                  </TableRow>
                ))}
                <TableRow total>
                  <RowHead>{t('report.total')}</RowHead>
                  <Num strong>{formatCount(r.total.projects, lang)}</Num>
                  <Num strong>{formatCount(r.total.sessions, lang)}</Num>
                  <Num strong>{formatCount(r.total.children, lang)}</Num>
                  <Num strong>{formatCount(r.total.family, lang)}</Num>
                </TableRow>
              </FigureTable>
              <FigureTable
                caption={t('shomanReport.byActivity')}
                numericFrom={2}
                head={[t('project.kind'), t('session.activity'), t('shomanReport.sessions'), t('shomanReport.children'), t('shomanReport.family')]}
              >
                {r.rows.flatMap((row) =>
                  row.activities.map((a) => (
                    <TableRow key={`${row.kind}-${a.activity}`}>
                      <Text>{projectKindLabel(i, row.kind)}</Text>
                      <RowHead>{activityLabel(i, a.activity)}</RowHead>
                      <Num>{formatCount(a.sessions, lang)}</Num>
                      <Num>{formatCount(a.children, lang)}</Num>
                      <Num>{formatCount(a.family, lang)}</Num>
                    </TableRow>
                  )),
                )}
              </FigureTable>
            </>
          );
        }}
      </Section>

      <Section name="shoman-needs" lead={t('shomanReport.needsLead')} query={needs} apiQuery={query}>
        {(r) => {
          const series = chartSeries(r.rows, (row) => needKindLabel(i, row.kind), (row) => row.total);
          return (
            <>
              {hasAny(series.counts) && (
                <>
                  <CountChart
                    labels={series.labels}
                    counts={series.counts}
                    seriesLabel={t('shomanReport.needsTotal')}
                    title={t('shomanReport.needsChart')}
                    describedBy="shoman-needs-note"
                    testId="shoman-needs-chart"
                  />
                  <p id="shoman-needs-note" className="text-dns-16N-130 text-solid-gray-700">
                    {t('report.levels.chartNote')}
                  </p>
                </>
              )}
              <FigureTable
                caption={t('shomanReport.needsByKind')}
                head={[t('need.kind'), t('needStatus.open'), t('needStatus.met'), t('needStatus.dropped'), t('report.total')]}
                testId="shoman-needs-table"
              >
                {r.rows.map((row) => (
                  <TableRow key={row.kind}>
                    <RowHead>{needKindLabel(i, row.kind)}</RowHead>
                    <Num>{formatCount(row.open, lang)}</Num>
                    <Num>{formatCount(row.met, lang)}</Num>
                    <Num>{formatCount(row.dropped, lang)}</Num>
                    <Num strong>{formatCount(row.total, lang)}</Num>
                  </TableRow>
                ))}
                <TableRow total>
                  <RowHead>{t('report.total')}</RowHead>
                  <Num strong>{formatCount(r.total.open, lang)}</Num>
                  <Num strong>{formatCount(r.total.met, lang)}</Num>
                  <Num strong>{formatCount(r.total.dropped, lang)}</Num>
                  <Num strong>{formatCount(r.total.total, lang)}</Num>
                </TableRow>
              </FigureTable>
            </>
          );
        }}
      </Section>

      <Section name="shoman-consultations" lead={t('shomanReport.consultationsLead')} query={consultations} apiQuery={query}>
        {(r) => (
          <FigureTable
            caption={t('shomanReport.byMenu')}
            head={[t('shomanReport.menu'), ...SHOMAN_REQUESTERS.map((q) => t(`shomanRequester.${q}`)), t('report.total')]}
            testId="shoman-consultations-table"
          >
            {r.rows.map((row) => (
              <TableRow key={row.shoman_menu}>
                <RowHead>{isOneOf(SHOMAN_MENUS, row.shoman_menu) ? t(`shomanMenu.${row.shoman_menu}`) : row.shoman_menu}</RowHead>
                {SHOMAN_REQUESTERS.map((q) => (
                  <Num key={q}>{formatCount(row.counts[q], lang)}</Num>
                ))}
                <Num strong>{formatCount(row.total, lang)}</Num>
              </TableRow>
            ))}
            <TableRow total>
              <RowHead>{t('report.total')}</RowHead>
              {SHOMAN_REQUESTERS.map((q) => (
                <Num key={q} strong>
                  {formatCount(r.totals[q], lang)}
                </Num>
              ))}
              <Num strong>{formatCount(r.total, lang)}</Num>
            </TableRow>
          </FigureTable>
        )}
      </Section>

      <Section name="shoman-implementation" lead={t('shomanReport.implementationLead')} query={implementation} apiQuery={query}>
        {(r) => (
          <FigureTable
            caption={t('shomanReport.implementation')}
            head={[t('shomanReport.center'), ...PROJECT_KINDS.map((k) => projectKindLabel(i, k)), t('shomanReport.kindsRun')]}
            testId="shoman-implementation-table"
          >
            {r.centers.map((c) => (
              <TableRow key={c.center_id}>
                <RowHead>
                  {c.name}
                  <span className="block text-dns-16N-130 text-solid-gray-700">{prefectureLabel(i, c.prefecture_code)}</span>
                </RowHead>
                {PROJECT_KINDS.map((k) => (
                  <Num key={k}>
                    {c.kinds[k] ? (
                      <>
                        <span aria-hidden="true">○</span>
                        <span className="sr-only">{t('shomanReport.runs')}</span>
                      </>
                    ) : (
                      <>
                        <span aria-hidden="true">－</span>
                        <span className="sr-only">{t('shomanReport.doesNotRun')}</span>
                      </>
                    )}
                  </Num>
                ))}
                <Num>{formatCount(c.count, lang)}</Num>
              </TableRow>
            ))}
            <TableRow total>
              <RowHead>{t('shomanReport.centersRunning', { count: r.total.centers })}</RowHead>
              {PROJECT_KINDS.map((k) => (
                <Num key={k} strong>
                  {formatCount(r.total.running[k] ?? 0, lang)}
                  <span className="block font-normal">{percentText(r.total.percent[k], lang)}</span>
                </Num>
              ))}
              <Num strong>{t('common.none')}</Num>
            </TableRow>
          </FigureTable>
        )}
      </Section>
    </>
  );
}

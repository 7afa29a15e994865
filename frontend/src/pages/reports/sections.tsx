// The five reports of the Reports screen, each a section with its figure, its table and its
// downloads. Every chart has the same figures in a table below it.
import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { CHANNELS, PURPOSES, REQUESTERS, TOPICS } from '../../api/enums';
import { asProblem } from '../../api/problem';
import {
  downloadReport,
  type ConsultationsReport,
  type CooperationCountsReport,
  type EmploymentOutcomesReport,
  type ReferralLevelsReport,
  type ReportName,
  type ReportQuery,
  type SupportAwarenessReport,
} from '../../api/reports';
import { LoadError, Loading } from '../../components/QueryState';
import type { I18n } from '../../i18n/I18nProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { agencyTypeLabel, channelLabel, purposeLabel, requesterLabel, supportAwarenessLabel, topicLabel } from '../labels';
import { LevelChart, MonthChart } from './charts';
import { DownloadButtons } from './Downloads';
import { REPORT_TITLES, answerLabel, bandLabel, countShare, describeLevels, seriesLabel } from './reportLabels';
import {
  BANDS,
  SERIES_COLORS,
  awarenessRows,
  cooperationTable,
  countsInOrder,
  formatCount,
  formatPercent,
  levelFigure,
  monthLabel,
  outcomeRows,
  outcomeTotal,
  share,
  stackedBarData,
  type LevelFigure,
} from './reportModel';

// --- building blocks ---------------------------------------------------------------------------

/**
 * Lets a wide table scroll sideways on a narrow screen. Only while it does scroll is it a
 * focusable, named region, so keyboard users can scroll it too (and a tab stop is not added
 * for nothing on wide screens).
 */
function ScrollArea({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    // Called once on observe, then on every resize.
    const observer = new ResizeObserver(() => setScrolls(el.scrollWidth > el.clientWidth + 1));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      // `relative`: screen-reader-only text in a cell is positioned absolutely; without a
      // positioned scroller it escapes the clipping and widens the whole page on a phone.
      className="relative overflow-x-auto"
      {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-labelledby': labelledBy } : {})}
    >
      {children}
    </div>
  );
}

/** A figures table: visible caption, wrapping column headers, numbers aligned right. */
export function FigureTable({
  caption,
  head,
  numericFrom = 1,
  children,
  testId,
}: {
  caption: string;
  head: readonly string[];
  /** Columns from this index on hold numbers. */
  numericFrom?: number;
  children: ReactNode;
  testId?: string;
}) {
  const captionId = useId();
  // A cross-tab of five columns or more keeps a width it can be read at and scrolls on a
  // phone, its row headings staying in view; a list of up to four (an item, its count, its
  // share) fits a phone as it is.
  const wide = head.length >= 5;
  return (
    <ScrollArea labelledBy={captionId}>
      <table className={'w-full text-left text-std-16N-170' + (wide ? ' row-heads-stay min-w-[32rem]' : '')} data-testid={testId}>
        <caption id={captionId} className="mb-2 text-left text-std-17B-170">
          {caption}
        </caption>
        <thead>
          <tr className="border-b-2 border-solid-gray-900 align-bottom">
            {head.map((h, idx) => (
              <th
                key={h}
                scope="col"
                // A short table's figure headings break only between words (件数 stays one
                // word above its figures; 参考：国の調査 breaks after the colon); a
                // cross-tab's wrap wherever they must.
                className={'px-3 py-2 text-dns-16B-130 ' + (idx >= numericFrom ? 'text-right' + (wide ? '' : ' [word-break:keep-all]') : '')}
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </ScrollArea>
  );
}

export function RowHead({ children }: { children: ReactNode }) {
  return (
    <th scope="row" className="px-3 py-2 text-left font-normal">
      {children}
    </th>
  );
}

export function Num({ children, strong = false }: { children: ReactNode; strong?: boolean }) {
  return <td className={'px-3 py-2 text-right tabular-nums whitespace-nowrap ' + (strong ? 'font-bold' : '')}>{children}</td>;
}

/** A cell of words (a median's answer, a note): in a cross-tab kept readable on a phone (index.css). */
export function Text({ children }: { children: ReactNode }) {
  return <td className="text-cell px-3 py-2">{children}</td>;
}

export function TableRow({ children, total = false }: { children: ReactNode; total?: boolean }) {
  return <tr className={'border-b border-solid-gray-420 align-top ' + (total ? 'bg-solid-gray-50 font-bold' : '')}>{children}</tr>;
}

/** A report's section: heading, lead, what the query gave, and the downloads. */
function ReportSection<T>({
  name,
  lead,
  query,
  apiQuery,
  children,
}: {
  name: ReportName;
  lead?: ReactNode;
  query: UseQueryResult<T>;
  apiQuery: ReportQuery;
  children: (data: T) => ReactNode;
}) {
  const i = useI18n();
  const { t } = i;
  const title = t(REPORT_TITLES[name]);
  const problem = asProblem(query.error);
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
      {lead}
      {query.isPending ? (
        <Loading />
      ) : query.error ? (
        problem?.status === 422 ? (
          // The period is wrong: the summary at the period's fields says how.
          <p className="text-std-16N-170 text-error-1">{t('problem.validation_failed')}</p>
        ) : (
          <LoadError error={query.error} retry={() => void query.refetch()} />
        )
      ) : (
        <div className={query.isPlaceholderData ? 'flex flex-col gap-4 opacity-60' : 'flex flex-col gap-4'}>
          {children(query.data)}
        </div>
      )}
      <DownloadButtons
        groupLabel={t('report.downloads', { report: title })}
        context={t('report.downloadContext', { report: title })}
        testId={`downloads-${name}`}
        choices={[
          { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadReport(name, 'csv', apiQuery) },
          { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadReport(name, 'xlsx', apiQuery) },
        ]}
      />
    </section>
  );
}

function Lead({ children }: { children: ReactNode }) {
  return <p className="max-w-4xl text-std-16N-170">{children}</p>;
}

// --- 1. referral levels ----------------------------------------------------------------------

function Legend({ figure }: { figure: LevelFigure }) {
  const i = useI18n();
  return (
    <div>
      <h3 id="levels-legend" className="sr-only">
        {i.t('report.levels.legend')}
      </h3>
      <ul aria-labelledby="levels-legend" className="flex flex-col gap-1 text-std-16N-170" data-testid="level-legend">
        {figure.series.map((s) => (
          <li key={s} className="flex items-start gap-2">
            <span
              aria-hidden="true"
              className="mt-1.5 inline-block size-4 shrink-0 rounded-4 border border-solid-gray-600"
              style={{ backgroundColor: SERIES_COLORS[s] }}
              data-series={s}
            />
            {seriesLabel(i, s)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ReferralLevels({ report }: { report: ReferralLevelsReport }) {
  const i = useI18n();
  const { t } = i;
  const figure = levelFigure(report);
  const { labels, datasets } = stackedBarData(figure, {
    series: (s) => seriesLabel(i, s),
    agencyType: (a) => agencyTypeLabel(i, a),
  });
  const across = figure.scope === 'centers';
  const anything = figure.rows.some((r) => r.total > 0);
  const head = [
    t('report.agencyType'),
    ...figure.series.map((s) => seriesLabel(i, s)),
    across ? t('report.centers') : t('report.total'),
    ...(across ? [] : [t('report.levels.answer')]),
  ];
  return (
    <>
      {anything ? (
        <figure className="flex flex-col gap-3">
          <figcaption className="text-std-17B-170">{t('report.levels.chart')}</figcaption>
          <Legend figure={figure} />
          <LevelChart
            labels={labels}
            datasets={datasets}
            title={t('report.levels.chart')}
            describedBy="levels-summary levels-note"
            emptyLabel={t(across ? 'report.levels.noCenters' : 'report.levels.noReferrals')}
            tooltip={(d, k) =>
              t(across ? 'report.levels.tooltipAcross' : 'report.levels.tooltip', {
                label: d.label,
                share: formatPercent((d.data[k] ?? 0) / 100, i.lang),
                count: formatCount(d.counts[k] ?? 0, i.lang),
              })
            }
          />
          <ul id="levels-summary" className="sr-only" data-testid="level-chart-summary">
            {describeLevels(i, figure).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p id="levels-note" className="text-dns-16N-130 text-solid-gray-700">
            {t('report.levels.chartNote')}
          </p>
        </figure>
      ) : (
        <p className="text-std-16N-170">{t('report.noData')}</p>
      )}
      <FigureTable
        caption={t(across ? 'report.levels.captionAcross' : 'report.levels.caption')}
        head={head}
        testId="level-table"
      >
        {figure.rows.map((r) => (
          <TableRow key={r.agencyType}>
            <RowHead>{agencyTypeLabel(i, r.agencyType)}</RowHead>
            {r.values.map((v, k) => (
              <Num key={figure.series[k]}>{countShare(i, v, r.shares[k] ?? null)}</Num>
            ))}
            <Num strong>{formatCount(r.total, i.lang)}</Num>
            {!across && <Text>{answerLabel(i, r.answer)}</Text>}
          </TableRow>
        ))}
      </FigureTable>
    </>
  );
}

export function ReferralLevelsSection({ query, apiQuery }: { query: UseQueryResult<ReferralLevelsReport>; apiQuery: ReportQuery }) {
  const { t } = useI18n();
  const n = query.data && 'n' in query.data ? query.data.n : null;
  return (
    <ReportSection
      name="referral-levels"
      query={query}
      apiQuery={apiQuery}
      lead={<Lead>{n === null ? t('report.levels.lead') : t('report.levels.leadAcross', { n })}</Lead>}
    >
      {(report) => <ReferralLevels report={report} />}
    </ReportSection>
  );
}

// --- 2. cooperation counts -------------------------------------------------------------------

function CooperationCounts({ report, acrossCenters }: { report: CooperationCountsReport; acrossCenters: boolean }) {
  const i = useI18n();
  const { t } = i;
  const table = cooperationTable(report, acrossCenters);
  if (table.scope === 'center') {
    return (
      <FigureTable
        caption={t('report.coop.caption')}
        head={[t('report.agencyType'), t('report.purpose'), t('report.count'), t('report.coop.band')]}
        numericFrom={2}
        testId="coop-table"
      >
        {table.rows.map((r) => (
          <TableRow key={`${r.agency_type}-${r.purpose}`}>
            <RowHead>{agencyTypeLabel(i, r.agency_type)}</RowHead>
            <Text>{purposeLabel(i, r.purpose)}</Text>
            <Num>{formatCount(r.count, i.lang)}</Num>
            <Num>{bandLabel(i, r.band)}</Num>
          </TableRow>
        ))}
      </FigureTable>
    );
  }
  return (
    <FigureTable
      caption={t('report.coop.caption')}
      head={[t('report.agencyType'), t('report.purpose'), ...BANDS.map((b) => bandLabel(i, b)), t('report.centers')]}
      numericFrom={2}
      testId="coop-table"
    >
      {table.rows.map((r) => (
        <TableRow key={`${r.agency_type}-${r.purpose}`}>
          <RowHead>{agencyTypeLabel(i, r.agency_type)}</RowHead>
          <Text>{purposeLabel(i, r.purpose)}</Text>
          {BANDS.map((b) => (
            <Num key={b}>{countShare(i, r.bands[b], share(r.bands[b], r.n))}</Num>
          ))}
          <Num strong>{formatCount(r.n, i.lang)}</Num>
        </TableRow>
      ))}
    </FigureTable>
  );
}

export function CooperationCountsSection({
  query,
  apiQuery,
  acrossCenters,
}: {
  query: UseQueryResult<CooperationCountsReport>;
  apiQuery: ReportQuery;
  acrossCenters: boolean;
}) {
  const { t } = useI18n();
  return (
    <ReportSection
      name="cooperation-counts"
      query={query}
      apiQuery={apiQuery}
      lead={<Lead>{acrossCenters ? t('report.coop.leadAcross') : t('report.coop.lead')}</Lead>}
    >
      {(report) => <CooperationCounts report={report} acrossCenters={acrossCenters} />}
    </ReportSection>
  );
}

// --- 3. consultations ------------------------------------------------------------------------

function Breakdown({
  caption,
  counts,
  order,
  label,
  total,
  note,
}: {
  caption: string;
  counts: Readonly<Record<string, number>>;
  order: readonly string[];
  label: (i: I18n, v: string) => string;
  total: number;
  note?: string;
}) {
  const i = useI18n();
  const { t } = i;
  return (
    <div className="flex flex-col gap-1">
      <FigureTable caption={caption} head={[t('report.cons.item'), t('report.count'), t('report.share')]}>
        {countsInOrder(counts, order).map((r) => (
          <TableRow key={r.key}>
            <RowHead>{label(i, r.key)}</RowHead>
            <Num>{formatCount(r.count, i.lang)}</Num>
            <Num>{formatPercent(share(r.count, total), i.lang)}</Num>
          </TableRow>
        ))}
      </FigureTable>
      {note && <p className="text-dns-16N-130 text-solid-gray-700">{note}</p>}
    </div>
  );
}

function Consultations({ report }: { report: ConsultationsReport }) {
  const i = useI18n();
  const { t } = i;
  const totals: [string, number][] = [
    [t('report.cons.total'), report.total],
    [t('report.cons.distinct'), report.distinct_patients],
    [t('report.cons.anonymous'), report.anonymous],
    [t('report.cons.joint'), report.joint],
  ];
  const months = report.by_month;
  return (
    <>
      <div>
        <h3 className="text-std-18B-160">{t('report.cons.totals')}</h3>
        <dl className="mt-2 grid max-w-3xl grid-cols-[1fr_max-content] gap-x-6 gap-y-1 text-std-16N-170" data-testid="consultation-totals">
          {totals.map(([term, value]) => (
            <div key={term} className="contents">
              <dt>{term}</dt>
              <dd className="text-right font-bold tabular-nums">{formatCount(value, i.lang)}</dd>
            </div>
          ))}
        </dl>
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Breakdown
          caption={t('report.cons.byChannel')}
          counts={report.by_channel}
          order={CHANNELS}
          label={channelLabel}
          total={report.total}
        />
        <Breakdown
          caption={t('report.cons.byRequester')}
          counts={report.by_requester}
          order={REQUESTERS}
          label={requesterLabel}
          total={report.total}
        />
        <Breakdown
          caption={t('report.cons.byTopic')}
          counts={report.by_topic}
          order={TOPICS}
          label={topicLabel}
          total={report.total}
          note={t('report.cons.topicNote')}
        />
      </div>
      <div className="flex flex-col gap-3">
        <h3 className="text-std-18B-160">{t('report.cons.byMonth')}</h3>
        {report.total > 0 && (
          <>
            <MonthChart
              labels={months.map((m) => monthLabel(m.month, i.lang))}
              counts={months.map((m) => m.count)}
              seriesLabel={t('report.cons.total')}
              title={t('report.cons.monthChart')}
              describedBy="months-note"
            />
            <p id="months-note" className="text-dns-16N-130 text-solid-gray-700">
              {t('report.levels.chartNote')}
            </p>
          </>
        )}
        <FigureTable caption={t('report.cons.byMonth')} head={[t('report.cons.month'), t('report.count')]} testId="month-table">
          {months.map((m) => (
            <TableRow key={m.month}>
              <RowHead>{monthLabel(m.month, i.lang)}</RowHead>
              <Num>{formatCount(m.count, i.lang)}</Num>
            </TableRow>
          ))}
        </FigureTable>
      </div>
    </>
  );
}

export function ConsultationsSection({ query, apiQuery }: { query: UseQueryResult<ConsultationsReport>; apiQuery: ReportQuery }) {
  return (
    <ReportSection name="consultations" query={query} apiQuery={apiQuery}>
      {(report) => <Consultations report={report} />}
    </ReportSection>
  );
}

// --- 4. employment outcomes ------------------------------------------------------------------

function EmploymentOutcomes({ report }: { report: EmploymentOutcomesReport }) {
  const i = useI18n();
  const { t } = i;
  const rows = outcomeRows(report);
  return (
    <FigureTable
      caption={t('report.outcomes.caption')}
      head={[t('report.agencyType'), t('report.purpose'), t('report.outcomes.referred'), t('report.outcomes.achieved'), t('report.share')]}
      numericFrom={2}
      testId="outcome-table"
    >
      {PURPOSES.flatMap((p) => {
        const mine = rows.filter((r) => r.purpose === p);
        const sum = outcomeTotal(rows, p);
        return [
          ...mine.map((r) => (
            <TableRow key={`${p}-${r.agency_type}`}>
              <RowHead>{agencyTypeLabel(i, r.agency_type)}</RowHead>
              <Text>{purposeLabel(i, r.purpose)}</Text>
              <Num>{formatCount(r.referred, i.lang)}</Num>
              <Num>{formatCount(r.achieved, i.lang)}</Num>
              <Num>{formatPercent(r.rate ?? null, i.lang)}</Num>
            </TableRow>
          )),
          <TableRow key={`${p}-total`} total>
            <RowHead>{t('report.outcomes.subtotal', { purpose: purposeLabel(i, p) })}</RowHead>
            <Text>{purposeLabel(i, p)}</Text>
            <Num>{formatCount(sum.referred, i.lang)}</Num>
            <Num>{formatCount(sum.achieved, i.lang)}</Num>
            <Num>{formatPercent(sum.rate, i.lang)}</Num>
          </TableRow>,
        ];
      })}
    </FigureTable>
  );
}

export function EmploymentOutcomesSection({
  query,
  apiQuery,
}: {
  query: UseQueryResult<EmploymentOutcomesReport>;
  apiQuery: ReportQuery;
}) {
  const { t } = useI18n();
  return (
    <ReportSection name="employment-outcomes" query={query} apiQuery={apiQuery} lead={<Lead>{t('report.outcomes.lead')}</Lead>}>
      {(report) => <EmploymentOutcomes report={report} />}
    </ReportSection>
  );
}

// --- 5. support awareness --------------------------------------------------------------------

function SupportAwareness({ report }: { report: SupportAwarenessReport }) {
  const i = useI18n();
  const { t } = i;
  return (
    <>
      <Lead>{t('report.awareness.lead', { total: formatCount(report.total, i.lang) })}</Lead>
      <FigureTable
        caption={t('report.awareness.caption')}
        head={[t('report.awareness.answer'), t('report.people'), t('report.share'), t('report.awareness.paper')]}
        testId="awareness-table"
      >
        {awarenessRows(report).map((r) => (
          <TableRow key={r.key}>
            <RowHead>{supportAwarenessLabel(i, r.key)}</RowHead>
            <Num>{formatCount(r.count, i.lang)}</Num>
            <Num>{formatPercent(r.rate, i.lang)}</Num>
            <Num>{formatPercent(r.paper, i.lang)}</Num>
          </TableRow>
        ))}
      </FigureTable>
      <p className="text-dns-16N-130 text-solid-gray-700">{t('report.awareness.paperNote')}</p>
    </>
  );
}

export function SupportAwarenessSection({
  query,
  apiQuery,
}: {
  query: UseQueryResult<SupportAwarenessReport>;
  apiQuery: ReportQuery;
}) {
  return (
    <ReportSection name="support-awareness" query={query} apiQuery={apiQuery}>
      {(report) => <SupportAwareness report={report} />}
    </ReportSection>
  );
}

// ピア・サポーターの活動実績: per peer supporter, the consultations they recorded and the
// events they ran per month with their hours, and their 養成講習会 — the evidence a center
// keeps for their treatment (処遇改善). A supervisor or the center administrator reads every
// supporter's line; a peer supporter reads their own (the server decides which). The year
// lives in the URL so that the page can be bookmarked.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { downloadPeerSupportReport, peerKeys, peerSupportReport, type PeerSupporterFigures } from '../../api/peerSupport';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { SelectField } from '../../components/Field';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { Facts } from '../patients/Timeline';
import { MonthChart } from './charts';
import { DownloadButtons } from './Downloads';
import { formatHours, peerMonthLabel, supporterOrder } from './peerReportModel';
import { fiscalYearChoices, fiscalYearOptionLabel } from './reportModel';

/** The year asked for in the URL (`?fy=2025`), or the running one: the evidence of the year in progress. */
function yearFrom(params: URLSearchParams): number {
  const fy = params.get('fy') ?? '';
  return /^\d{4}$/.test(fy) ? Number(fy) : currentFiscalYear();
}

export function PeerSupportReportPage() {
  const i = useI18n();
  const { t } = i;
  const own = capabilities(useAuth().role).peerSupport;
  const [params, setParams] = useSearchParams();
  const year = yearFrom(params);
  const years = fiscalYearChoices();
  if (!years.includes(year)) years.push(year);
  const current = years[0];
  const q = useQuery({
    queryKey: peerKeys.report(year),
    queryFn: () => peerSupportReport(year),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  return (
    <>
      <PageTitle>{t('peerReport.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{own ? t('peerReport.leadOwn') : t('peerReport.lead')}</p>
      {own && (
        <p className="text-std-16N-170">
          <Link to="/activities/trainings">{t('peerReport.recordTraining')}</Link>
        </p>
      )}
      <div className="max-w-md">
        <SelectField
          name="fiscal_year"
          label={t('report.fiscalYear')}
          options={years.map((y) => ({
            value: String(y),
            label: y === current ? t('report.fiscalYearRunning', { label: fiscalYearOptionLabel(y, i.lang) }) : fiscalYearOptionLabel(y, i.lang),
          }))}
          value={String(year)}
          onChange={(e) => setParams({ fy: e.target.value }, { replace: true })}
        />
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <div className="flex flex-col gap-8" data-testid="peer-report" aria-busy={q.isPlaceholderData || undefined}>
          <DownloadButtons
            testId="downloads-peer-support"
            groupLabel={t('peerReport.downloads')}
            choices={[
              { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadPeerSupportReport(year, 'csv') },
              { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadPeerSupportReport(year, 'xlsx') },
            ]}
          />
          {q.data.supporters.length === 0 ? (
            <p className="text-std-16N-170">{t('peerReport.none')}</p>
          ) : (
            supporterOrder(q.data.supporters).map((s) => <SupporterLine key={s.user_id} s={s} />)
          )}
        </div>
      )}
    </>
  );
}

function SupporterLine({ s }: { s: PeerSupporterFigures }) {
  const i = useI18n();
  const { t } = i;
  const headingId = useId();
  const chartDescription = useId();
  const months = s.months.map((m) => peerMonthLabel(m.month ?? '', i.lang));
  const minutes = (n: number) => t('consultation.minutes', { minutes: n });
  const hours = (h: number) => t('peerReport.hoursValue', { hours: formatHours(h) });
  return (
    <section aria-labelledby={headingId} className="flex flex-col gap-4" data-testid="peer-line">
      <h2 id={headingId} className="text-std-22B-150">
        {s.active ? s.display_name : t('peerReport.inactive', { name: s.display_name })}
      </h2>
      <Facts
        items={[
          [t('peerReport.totalConsultations'), t('peerReport.count', { count: s.total.consultations })],
          [t('peerReport.totalEvents'), t('peerReport.count', { count: s.total.events })],
          [t('peerReport.totalHours'), hours(s.total.hours)],
          [
            t('peerReport.course'),
            s.course_completed_on ? t('peerReport.courseCompleted', { date: i.date(s.course_completed_on, { era: false }) }) : t('peerReport.courseNone'),
          ],
          s.course_hours > 0 && [t('peerReport.courseHours'), hours(s.course_hours)],
        ]}
      />
      <p id={chartDescription} className="text-std-16N-170">
        {t('peerReport.chartDescription', { name: s.display_name, hours: formatHours(s.total.hours) })}
      </p>
      <MonthChart
        labels={months}
        counts={s.months.map((m) => m.hours)}
        seriesLabel={t('peerReport.hours')}
        title={t('peerReport.chartTitle', { name: s.display_name })}
        describedBy={chartDescription}
      />
      <Table
        caption={t('peerReport.tableCaption', { name: s.display_name })}
        head={[
          t('peerReport.month'),
          t('peerReport.consultations'),
          t('peerReport.consultationMinutes'),
          t('peerReport.events'),
          t('peerReport.eventMinutes'),
          t('peerReport.hours'),
        ]}
      >
        {s.months.map((m, k) => (
          <Row key={m.month ?? k}>
            <Cell header>{months[k]}</Cell>
            <Cell>{m.consultations}</Cell>
            <Cell>{minutes(m.consultation_minutes)}</Cell>
            <Cell>{m.events}</Cell>
            <Cell>{minutes(m.event_minutes)}</Cell>
            <Cell>{hours(m.hours)}</Cell>
          </Row>
        ))}
        <Row>
          <Cell header>
            <strong>{t('peerReport.sum')}</strong>
          </Cell>
          <Cell>{s.total.consultations}</Cell>
          <Cell>{minutes(s.total.consultation_minutes)}</Cell>
          <Cell>{s.total.events}</Cell>
          <Cell>{minutes(s.total.event_minutes)}</Cell>
          <Cell>{hours(s.total.hours)}</Cell>
        </Row>
      </Table>
    </section>
  );
}

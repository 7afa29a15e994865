// フォローアップの集計: follow-up work per consultant and per agency type for a fiscal year.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { getSupervisionSummary, type SummaryRow } from '../../api/supervision';
import { PageTitle } from '../../app/PageTitle';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField } from '../../components/Field';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { asProblem } from '../../api/problem';
import { currentFiscalYear } from '../../lib/datetime';
import { useStaffName } from '../cases/useCaseData';
import { agencyTypeLabel } from '../labels';
import { fiscalYearChoices, fiscalYearOptionLabel, formatCount, formatPercent } from '../reports/reportModel';
import { SupervisionNav } from './SupervisionNav';
import { formatDays, sortByAgencyType, sortByName } from './supervisionModel';

function figures(i: I18n, r: SummaryRow): string[] {
  const n = (v: number) => formatCount(v, i.lang);
  const l = r.referrals_by_level;
  return [
    n(r.follow_ups_due),
    n(r.done_on_time),
    formatPercent(r.on_time_rate, i.lang),
    n(r.overdue_now),
    formatDays(r.median_days_to_first_follow_up) ?? i.t('common.none'),
    i.t('summary.levelsValue', {
      l1: n(l.information_only),
      l2: n(l.phone_mediation),
      l3: n(l.accompanied),
      l4: n(l.accompanied_with_follow_up),
    }),
    n(r.returned_reviews),
  ];
}

function SummaryTable({ caption, first, rows }: { caption: string; first: string; rows: { key: string; name: string; row: SummaryRow }[] }) {
  const i = useI18n();
  const { t } = i;
  return (
    <Table
      caption={caption}
      head={[
        first,
        t('summary.due'),
        t('summary.onTime'),
        t('summary.rate'),
        t('summary.overdueNow'),
        t('summary.median'),
        t('summary.levels'),
        t('summary.returned'),
      ]}
    >
      {rows.map(({ key, name, row }) => (
        <Row key={key} highlight={row.overdue_now > 0}>
          <Cell header>{name}</Cell>
          {figures(i, row).map((v, n) => (
            <Cell key={n}>
              <span className="tabular-nums">{v}</span>
            </Cell>
          ))}
        </Row>
      ))}
    </Table>
  );
}

export function SummaryPage() {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const [params, setParams] = useSearchParams();
  const years = fiscalYearChoices();
  const fyParam = Number(params.get('fy'));
  const fy = years.includes(fyParam) ? fyParam : currentFiscalYear();
  const query = { fiscal_year: String(fy) };
  const summary = useQuery({
    queryKey: keys.supervisionSummary(query),
    queryFn: () => getSupervisionSummary(query),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const problem = summary.error ? asProblem(summary.error) : null;
  const errorsFor = useFieldErrors(problem?.status === 422 ? problem : null);
  const data = summary.data;

  return (
    <>
      <PageTitle>{t('supervision.summary')}</PageTitle>
      <SupervisionNav />
      <p className="max-w-4xl text-std-16N-170">{t('summary.lead')}</p>
      <ErrorSummary id="summary-errors" problem={problem?.status === 422 ? problem : null} fields={{ fiscal_year: t('report.fiscalYear') }} />
      <div className="min-w-80 max-w-md">
        <SelectField
          name="fiscal_year"
          label={t('report.fiscalYear')}
          options={years.map((y) => ({
            value: String(y),
            label: y === years[0] ? t('report.fiscalYearRunning', { label: fiscalYearOptionLabel(y, i.lang) }) : fiscalYearOptionLabel(y, i.lang),
          }))}
          value={String(fy)}
          onChange={(e) => setParams(new URLSearchParams({ fy: e.target.value }), { replace: true })}
          errors={errorsFor('fiscal_year')}
        />
      </div>
      {data && (
        <p className="text-std-17B-170" data-testid="summary-period">
          {t('report.period', { from: i.date(data.period.from, { era: false }), to: i.date(data.period.to, { era: false }) })}
        </p>
      )}
      <p role="status" className="min-h-[1lh] text-dns-16N-130 text-solid-gray-700">
        {summary.isFetching ? t('report.updating') : ''}
      </p>
      {summary.isPending ? (
        <Loading />
      ) : !data ? (
        <LoadError error={summary.error} retry={() => void summary.refetch()} />
      ) : (
        <>
          <section aria-labelledby="summary-consultants" className="flex flex-col gap-3">
            <h2 id="summary-consultants" className="text-std-22B-150">
              {t('summary.byConsultant')}
            </h2>
            {data.by_consultant.length === 0 ? (
              <p className="text-std-16N-170">{t('summary.empty')}</p>
            ) : (
              <SummaryTable
                caption={t('summary.byConsultant')}
                first={t('summary.consultant')}
                rows={sortByName(
                  data.by_consultant.map((row, n) => ({ key: row.consultant_id ?? String(n), name: staffName(row.consultant_id), row })),
                  (r) => r.name,
                )}
              />
            )}
          </section>
          <section aria-labelledby="summary-agency-types" className="flex flex-col gap-3">
            <h2 id="summary-agency-types" className="text-std-22B-150">
              {t('summary.byAgencyType')}
            </h2>
            {data.by_agency_type.length === 0 ? (
              <p className="text-std-16N-170">{t('summary.empty')}</p>
            ) : (
              <SummaryTable
                caption={t('summary.byAgencyType')}
                first={t('report.agencyType')}
                rows={sortByAgencyType(data.by_agency_type).map((row, n) => ({
                  key: row.agency_type ?? String(n),
                  name: agencyTypeLabel(i, row.agency_type ?? ''),
                  row,
                }))}
              />
            )}
          </section>
        </>
      )}
    </>
  );
}

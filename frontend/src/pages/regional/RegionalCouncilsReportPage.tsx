// 地域協議会の設置・開催状況: the ministry's part-2 tables for a fiscal year (system
// administrator): administrations with a council by kind, the councils and whether they
// met, their members by category, and the issues by category and stage; CSV and Excel.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { ISSUE_STAGES } from '../../api/enums';
import { downloadRegionalCouncilsReport, getRegionalCouncilsReport } from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { DownloadButtons } from '../reports/Downloads';
import { defaultReportFiscalYear, fiscalYearChoices, fiscalYearOptionLabel } from '../reports/reportModel';
import { FigureTable, Num, RowHead, TableRow } from '../reports/sections';
import { administrationKindLabel, categoryLabel, councilKindLabel, stageLabel } from './regionalLabels';
import { fiscalYearParam } from './regionalModel';

export function RegionalCouncilsReportPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const fy = fiscalYearParam(params.get('fiscal_year'), defaultReportFiscalYear());
  const years = fiscalYearChoices();
  if (!years.includes(fy)) years.push(fy);
  const q = useQuery({
    queryKey: keys.report('regional-councils', { fiscal_year: fy }),
    queryFn: () => getRegionalCouncilsReport(fy),
    placeholderData: keepPreviousData,
  });
  const yearLabel = fiscalYearOptionLabel(fy, i.lang);

  return (
    <>
      <PageTitle>{t('councilsReport.title')}</PageTitle>
      <p className="text-std-16N-170">
        <Link to="/reports">{t('councilsReport.backToReports')}</Link>
      </p>
      <p className="max-w-4xl text-std-16N-170">{t('councilsReport.lead')}</p>
      <div className="min-w-80 max-w-md">
        <SelectField
          name="fiscal_year"
          label={t('report.fiscalYear')}
          options={years.map((y) => ({ value: String(y), label: fiscalYearOptionLabel(y, i.lang) }))}
          value={String(fy)}
          onChange={(e) => setParams({ fiscal_year: e.target.value }, { replace: true })}
        />
      </div>
      <DownloadButtons
        groupLabel={t('councilsReport.title')}
        context={yearLabel}
        testId="councils-downloads"
        choices={[
          { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadRegionalCouncilsReport(fy, 'csv') },
          { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadRegionalCouncilsReport(fy, 'xlsx') },
        ]}
      />
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <div className="flex flex-col gap-8" data-testid="councils-report">
          <FigureTable
            caption={t('councilsReport.administrations')}
            head={[t('administration.kind'), t('councilsReport.count'), t('councilsReport.withCouncil'), t('councilsReport.withIntractable'), t('councilsReport.withPediatric')]}
          >
            {q.data.administrations.map((r) => (
              <TableRow key={r.kind}>
                <RowHead>{administrationKindLabel(i, r.kind)}</RowHead>
                <Num>{r.administrations}</Num>
                <Num>{r.with_council}</Num>
                <Num>{r.with_intractable}</Num>
                <Num>{r.with_pediatric}</Num>
              </TableRow>
            ))}
          </FigureTable>
          <FigureTable caption={t('councilsReport.councils')} head={[t('summary.councilKind'), t('councilsReport.councilCount'), t('councilsReport.met'), t('councilsReport.subCouncils')]}>
            {q.data.councils.map((r) => (
              <TableRow key={r.kind}>
                <RowHead>{councilKindLabel(i, r.kind)}</RowHead>
                <Num>{r.councils}</Num>
                <Num>{r.met}</Num>
                <Num>{r.sub_councils}</Num>
              </TableRow>
            ))}
          </FigureTable>
          <p className="text-std-16N-170">{t('councilsReport.joint', { count: q.data.joint_councils })}</p>
          <FigureTable caption={t('councilsReport.members')} head={[t('councilsReport.memberCategory'), t('councilsReport.memberCount')]}>
            {q.data.members.map((r) => (
              <TableRow key={r.category}>
                <RowHead>{r.category}</RowHead>
                <Num>{r.members}</Num>
              </TableRow>
            ))}
          </FigureTable>
          <FigureTable caption={t('councilsReport.issues')} head={[t('issue.category'), ...ISSUE_STAGES.map((s) => stageLabel(i, s))]}>
            {q.data.issues.map((r) => (
              <TableRow key={r.category}>
                <RowHead>{categoryLabel(i, r.category)}</RowHead>
                {ISSUE_STAGES.map((s) => (
                  <Num key={s}>{r[s]}</Num>
                ))}
              </TableRow>
            ))}
          </FigureTable>
        </div>
      )}
    </>
  );
}

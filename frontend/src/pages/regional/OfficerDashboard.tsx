// 自治体ダッシュボード: an administration's officer's home. Their administration and its
// centers, the centers' combined figures for a fiscal year (the reports' own sections, with
// their charts), and the regional issues counted by stage, each count a way onto the board.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { getAdministration, allRegionalIssues, type Administration } from '../../api/regional';
import { getConsultationsReport, getReferralLevels } from '../../api/reports';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { REGIONAL_ISSUES_PATH } from '../../auth/permissions';
import { SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { ConsultationsSection, ReferralLevelsSection } from '../reports/sections';
import { defaultReportFiscalYear, fiscalYearChoices, fiscalYearOptionLabel } from '../reports/reportModel';
import { administrationKindLabel, stageLabel } from './regionalLabels';
import { fiscalYearParam, stageCounts } from './regionalModel';
import { useOwnAdministration } from './useOwnAdministration';

export function OfficerDashboard() {
  const { t } = useI18n();
  const adm = useOwnAdministration();
  return (
    <>
      <PageTitle>{t('dashboard.title')}</PageTitle>
      <FlashNotice />
      {adm.isPending ? (
        <Loading />
      ) : adm.error ? (
        <LoadError error={adm.error} retry={() => void adm.refetch()} />
      ) : adm.data === null ? (
        <p className="text-std-16N-170">{t('dashboard.noAdministration')}</p>
      ) : (
        <Dashboard summary={adm.data} />
      )}
    </>
  );
}

function Dashboard({ summary }: { summary: Administration }) {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  // The single read names the centers.
  const adm = useQuery({ queryKey: keys.administration(summary.id), queryFn: () => getAdministration(summary.id) });
  const issues = useQuery({ queryKey: [...keys.regionalIssues, {}], queryFn: () => allRegionalIssues({}) });
  const [params, setParams] = useSearchParams();
  const fy = fiscalYearParam(params.get('fiscal_year'), defaultReportFiscalYear());
  const years = fiscalYearChoices();
  if (!years.includes(fy)) years.push(fy);
  const query = { fiscal_year: String(fy) };
  const options = { placeholderData: keepPreviousData, staleTime: 60_000 } as const;
  const levels = useQuery({ queryKey: keys.report('referral-levels', query), queryFn: () => getReferralLevels(query), ...options });
  const consultations = useQuery({
    queryKey: keys.report('consultations', query),
    queryFn: () => getConsultationsReport(query),
    ...options,
  });
  const centers = adm.data?.data.centers ?? [];

  return (
    <>
      <section aria-labelledby="dashboard-administration" className="flex flex-col gap-3">
        <h2 id="dashboard-administration" className="text-std-22B-150" data-testid="administration-name">
          {summary.name}
        </h2>
        <p className="text-std-16N-170">
          {administrationKindLabel(i, summary.kind)}{'\u3000'}{t('dashboard.officer', { name: me.display_name })}
        </p>
        <h3 className="text-std-18B-160">{t('dashboard.centers')}</h3>
        {adm.isPending ? (
          <Loading />
        ) : adm.error ? (
          <LoadError error={adm.error} retry={() => void adm.refetch()} />
        ) : centers.length === 0 ? (
          <p className="text-std-16N-170">{t('dashboard.noCenters')}</p>
        ) : (
          <ul className="list-disc pl-6 text-std-16N-170" data-testid="dashboard-centers">
            {centers.map((c) => (
              <li key={c.id}>{c.name}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="dashboard-issues" className="flex flex-col gap-3">
        <h2 id="dashboard-issues" className="text-std-22B-150">
          {t('dashboard.issues')}
        </h2>
        {issues.isPending ? (
          <Loading />
        ) : issues.error ? (
          <LoadError error={issues.error} retry={() => void issues.refetch()} />
        ) : (
          <ul className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="stage-tiles">
            {stageCounts(issues.data).map(({ stage, count }) => (
              <li key={stage}>
                <Link
                  to={REGIONAL_ISSUES_PATH}
                  className="flex h-full flex-col gap-1 rounded-8 border border-solid-gray-420 p-4 no-underline hover:bg-blue-50"
                >
                  <span className="text-std-16B-170">{stageLabel(i, stage)}</span>
                  <span className="text-std-28B-150 tabular-nums">{t('issue.count', { count })}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <p className="text-std-16N-170">
          <Link to={REGIONAL_ISSUES_PATH}>{t('dashboard.toBoard')}</Link>
        </p>
      </section>

      <section aria-labelledby="dashboard-figures" className="flex flex-col gap-3">
        <h2 id="dashboard-figures" className="text-std-22B-150">
          {t('dashboard.figures')}
        </h2>
        <p className="max-w-4xl text-std-16N-170">{t('dashboard.figuresLead')}</p>
        <div className="min-w-80 max-w-md">
          <SelectField
            name="fiscal_year"
            label={t('report.fiscalYear')}
            options={years.map((y) => ({ value: String(y), label: fiscalYearOptionLabel(y, i.lang) }))}
            value={String(fy)}
            onChange={(e) => setParams({ fiscal_year: e.target.value }, { replace: true })}
          />
        </div>
      </section>
      <ConsultationsSection query={consultations} apiQuery={query} />
      <ReferralLevelsSection query={levels} apiQuery={query} />
    </>
  );
}

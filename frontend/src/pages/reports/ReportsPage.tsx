// 報告: the ministry's figures for a fiscal year (or any dates), for a center's supervisor
// and administrator, or across centers for the system administrator. The period lives in
// the URL, so a report can be bookmarked and the back button works.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import type { Problem } from '../../api/problem';
import { asProblem, validationProblem } from '../../api/problem';
import {
  REPORT_NAMES,
  downloadAnnualWorkbook,
  getConsultationsReport,
  getCooperationCounts,
  getEmploymentOutcomes,
  getReferralLevels,
  getSupportAwareness,
} from '../../api/reports';
import { PageTitle } from '../../app/PageTitle';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { PEER_SUPPORT_REPORT_PATH, REGIONAL_COUNCILS_REPORT_PATH } from '../../auth/permissions';
import { useOwnPrograms } from '../../app/useOwnCenter';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, RadioGroupField, SelectField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { PREFECTURES } from '../../lib/prefectures';
import { prefectureLabel } from '../labels';
import { DownloadButtons } from './Downloads';
import {
  defaultReportFiscalYear,
  filterDates,
  filterFromParams,
  filterToParams,
  fiscalYearChoices,
  fiscalYearOptionLabel,
  reportQuery,
  type ReportFilter,
} from './reportModel';
import { REPORT_TITLES } from './reportLabels';
import {
  ConsultationsSection,
  CooperationCountsSection,
  EmploymentOutcomesSection,
  ReferralLevelsSection,
  SupportAwarenessSection,
} from './sections';

type PeriodKind = 'fiscal_year' | 'range';

/** A problem the screen makes itself when a date of the range is missing. */
function missingDates(from: string, to: string): Problem | null {
  const errors = [
    from === '' && { field: 'from', code: 'required', message: 'is required' },
    to === '' && { field: 'to', code: 'required', message: 'is required' },
  ].filter((e): e is { field: string; code: string; message: string } => Boolean(e));
  return validationProblem(errors);
}

export function ReportsPage() {
  const i = useI18n();
  const { t } = i;
  const { role } = useAuth();
  const systemAdmin = role === 'system_admin';
  // An administration's officer reads its centers combined, as the system administrator
  // reads every center; only the system administrator chooses a prefecture.
  const officer = role === 'municipal_officer';
  const acrossCenters = systemAdmin || officer;
  const me = useMe();
  const programs = useOwnPrograms(me.center_id, !acrossCenters);
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const query = reportQuery(filter, systemAdmin);
  const dates = filterDates(filter);

  // The form: what kind of period, and the range being typed (applied on submit).
  const [kind, setKind] = useState<PeriodKind>(filter.period.kind);
  const [range, setRange] = useState(dates);
  const [localProblem, setLocalProblem] = useState<Problem | null>(null);
  // When the URL changes under the form (back, forward, a bookmark), the form follows it.
  const [urlKind, setUrlKind] = useState<PeriodKind>(filter.period.kind);
  if (urlKind !== filter.period.kind) {
    setUrlKind(filter.period.kind);
    setKind(filter.period.kind);
  }

  const apply = (next: ReportFilter) => setParams(filterToParams(next), { replace: true });

  const options = { placeholderData: keepPreviousData, staleTime: 60_000 } as const;
  const levels = useQuery({ queryKey: keys.report('referral-levels', query), queryFn: () => getReferralLevels(query), ...options });
  const coop = useQuery({ queryKey: keys.report('cooperation-counts', query), queryFn: () => getCooperationCounts(query), ...options });
  const consultations = useQuery({
    queryKey: keys.report('consultations', query),
    queryFn: () => getConsultationsReport(query),
    ...options,
  });
  const outcomes = useQuery({
    queryKey: keys.report('employment-outcomes', query),
    queryFn: () => getEmploymentOutcomes(query),
    ...options,
  });
  const awareness = useQuery({
    queryKey: keys.report('support-awareness', query),
    queryFn: () => getSupportAwareness(query),
    ...options,
  });
  const all = [levels, coop, consultations, outcomes, awareness];
  const fetching = all.some((q) => q.isFetching);
  // Every report checks the period the same way: one invalid answer speaks for all.
  const serverProblem = all.map((q) => asProblem(q.error)).find((p) => p?.status === 422) ?? null;
  const problem = localProblem ?? serverProblem;
  const errorsFor = useFieldErrors(problem);
  const labels = {
    fiscal_year: t('report.fiscalYear'),
    from: t('report.from'),
    to: t('report.to'),
    prefecture_code: t('report.prefecture'),
  };

  const fiscalYear = filter.period.kind === 'fiscal_year' ? filter.period.fiscalYear : defaultReportFiscalYear();
  const years = fiscalYearChoices();
  if (!years.includes(fiscalYear)) years.push(fiscalYear);
  const current = years[0];

  const onKind = (value: string) => {
    setLocalProblem(null);
    if (value === 'fiscal_year') {
      setKind('fiscal_year');
      apply({ ...filter, period: { kind: 'fiscal_year', fiscalYear } });
    } else {
      setKind('range');
      setRange(dates);
    }
  };

  const onApplyRange = (e: FormEvent) => {
    e.preventDefault();
    const missing = missingDates(range.from, range.to);
    setLocalProblem(missing);
    if (!missing) apply({ ...filter, period: { kind: 'range', from: range.from, to: range.to } });
  };

  // A full-width space between the parts in Japanese.
  const gap = i.lang === 'ja' ? '\u3000' : ' ';
  const periodText = t('report.period', {
    from: i.date(dates.from, { era: false }),
    to: i.date(dates.to, { era: false }),
  });

  return (
    <>
      <PageTitle>{t('report.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">
        {officer ? t('regional.reportLead') : acrossCenters ? t('report.leadAcross') : t('report.lead')}
      </p>
      {systemAdmin && (
        <p className="text-std-16N-170">
          <Link to={REGIONAL_COUNCILS_REPORT_PATH}>{t('councilsReport.link')}</Link>
        </p>
      )}
      {!officer && (systemAdmin || programs.includes('shoman')) && (
        <p className="text-std-16N-170">
          <Link to="/reports/shoman">{t('shomanReport.link')}</Link>
        </p>
      )}
      {!officer && (
        <p className="text-std-16N-170">
          <Link to="/reports/outreach">{t('outreachReport.link')}</Link>
        </p>
      )}
      {!acrossCenters && (
        // It names staff: one center's record, not a figure across centers.
        <p className="text-std-16N-170">
          <Link to={PEER_SUPPORT_REPORT_PATH}>{t('peerReport.link')}</Link>
        </p>
      )}
      {!officer && (
        <p className="text-std-16N-170">
          <Link to="/reports/supporter-sessions">{t('supporterReport.link')}</Link>
        </p>
      )}

      <section aria-labelledby="report-filters" className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4">
        <h2 id="report-filters" className="text-std-20B-150">
          {t('report.filters')}
        </h2>
        <ErrorSummary id="report-errors" problem={problem} fields={labels} />
        <form onSubmit={onApplyRange} noValidate className="flex flex-col gap-4">
          <RadioGroupField
            name="period_kind"
            label={t('report.periodKind')}
            columns={2}
            choices={[
              { value: 'fiscal_year', label: t('report.byFiscalYear') },
              { value: 'range', label: t('report.byRange') },
            ]}
            value={kind}
            onChange={onKind}
          />
          <div className="flex flex-wrap items-end gap-6">
            {kind === 'fiscal_year' ? (
              <div className="min-w-80">
                <SelectField
                  name="fiscal_year"
                  label={t('report.fiscalYear')}
                  options={years.map((y) => ({
                    value: String(y),
                    label:
                      y === current
                        ? t('report.fiscalYearRunning', { label: fiscalYearOptionLabel(y, i.lang) })
                        : fiscalYearOptionLabel(y, i.lang),
                  }))}
                  value={String(fiscalYear)}
                  onChange={(e) => apply({ ...filter, period: { kind: 'fiscal_year', fiscalYear: Number(e.target.value) } })}
                  errors={errorsFor('fiscal_year')}
                />
              </div>
            ) : (
              <>
                <div className="min-w-56">
                  <DateField
                    name="from"
                    label={labels.from}
                    required
                    value={range.from}
                    onChange={(v) => setRange({ ...range, from: v })}
                    errors={errorsFor('from')}
                  />
                </div>
                <div className="min-w-56">
                  <DateField
                    name="to"
                    label={labels.to}
                    hint={t('report.rangeHint')}
                    required
                    value={range.to}
                    onChange={(v) => setRange({ ...range, to: v })}
                    errors={errorsFor('to')}
                  />
                </div>
                <Button type="submit">{t('report.apply')}</Button>
              </>
            )}
            {systemAdmin && (
              <div className="min-w-64">
                <SelectField
                  name="prefecture_code"
                  label={labels.prefecture_code}
                  placeholder={t('report.allPrefectures')}
                  options={PREFECTURES.map((p) => ({ value: p.code, label: prefectureLabel(i, p.code) }))}
                  value={filter.prefectureCode ?? ''}
                  onChange={(e) => apply({ ...filter, prefectureCode: e.target.value === '' ? null : e.target.value })}
                  errors={errorsFor('prefecture_code')}
                />
              </div>
            )}
          </div>
        </form>
        <p className="text-std-17B-170" data-testid="report-period">
          {filter.period.kind === 'fiscal_year' ? `${fiscalYearOptionLabel(filter.period.fiscalYear, i.lang)}${gap}` : ''}
          {periodText}
          {systemAdmin && filter.prefectureCode ? `${gap}${prefectureLabel(i, filter.prefectureCode)}` : ''}
        </p>
        <p role="status" className="min-h-[1lh] text-dns-16N-130 text-solid-gray-700">
          {fetching ? t('report.updating') : ''}
        </p>
      </section>

      <section aria-labelledby="report-annual" className="flex flex-col gap-3">
        <h2 id="report-annual" className="text-std-20B-150">
          {t('report.annualTitle')}
        </h2>
        <p className="text-std-16N-170">{t('report.annualLead')}</p>
        {filter.period.kind === 'fiscal_year' ? (
          <DownloadButtons
            groupLabel={t('report.annualTitle')}
            testId="downloads-annual"
            choices={[
              {
                id: 'annual',
                label: t('report.annualDownload', { year: fiscalYearOptionLabel(filter.period.fiscalYear, i.lang) }),
                format: 'Excel',
                fetch: () =>
                  downloadAnnualWorkbook(
                    fiscalYear,
                    systemAdmin && filter.prefectureCode ? filter.prefectureCode : undefined,
                  ),
              },
            ]}
          />
        ) : (
          <p className="text-std-16N-170 text-solid-gray-700">{t('report.annualNeedsYear')}</p>
        )}
      </section>

      <nav aria-labelledby="report-contents">
        <h2 id="report-contents" className="text-std-20B-150">
          {t('report.contents')}
        </h2>
        <ul className="mt-2 list-disc pl-6 text-std-16N-170">
          {REPORT_NAMES.map((name) => (
            <li key={name}>
              <a href={`#report-${name}`}>{t(REPORT_TITLES[name])}</a>
            </li>
          ))}
        </ul>
      </nav>

      <ReferralLevelsSection query={levels} apiQuery={query} />
      <CooperationCountsSection query={coop} apiQuery={query} acrossCenters={acrossCenters} />
      <ConsultationsSection query={consultations} apiQuery={query} />
      <EmploymentOutcomesSection query={outcomes} apiQuery={query} />
      <SupportAwarenessSection query={awareness} apiQuery={query} />
    </>
  );
}

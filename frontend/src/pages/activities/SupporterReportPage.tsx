// 出張相談の実績: per month and per Hello Work office, the sessions held, the joint
// consultations, the people seen, 新規求職者 and 就職者, with the files to download like the
// other reports. For whoever reads reports.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { downloadSupporterSessionsReport, supporterSessionsReport, type SupporterSessionsReport } from '../../api/supporterSessions';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { DownloadButtons } from '../reports/Downloads';
import { recentFiscalYears } from './common';

type Figures = SupporterSessionsReport['total'];

function cells(f: Figures) {
  return [f.sessions_held, f.consultations, f.people_seen, f.new_job_seekers, f.employed].map((n, k) => <Cell key={k}>{n}</Cell>);
}

export function SupporterReportPage() {
  const { t } = useI18n();
  const years = recentFiscalYears();
  const [year, setYear] = useState(currentFiscalYear());
  const q = useQuery({ queryKey: ['reports', 'supporter-sessions', year], queryFn: () => supporterSessionsReport(year) });
  const head = [t('supporterReport.sessionsHeld'), t('supporterReport.consultations'), t('supporterReport.peopleSeen'), t('supporterReport.newJobSeekers'), t('supporterReport.employed')];
  return (
    <>
      <PageTitle>{t('supporterReport.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('supporterReport.lead')}</p>
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
        <div className="flex flex-col gap-6" data-testid="supporter-report">
          <DownloadButtons
            testId="downloads-supporter-sessions"
            groupLabel={t('supporterReport.downloads')}
            choices={[
              { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadSupporterSessionsReport(year, 'csv') },
              { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadSupporterSessionsReport(year, 'xlsx') },
            ]}
          />
          <div className="overflow-x-auto">
            <Table caption={t('supporterReport.byMonth')} head={[t('supporterReport.month'), ...head]}>
              {q.data.months.map((m) => (
                <Row key={m.month}>
                  <Cell header>{t('outreachReport.month', { month: String(Number(m.month.slice(5))) })}</Cell>
                  {cells(m)}
                </Row>
              ))}
              <Row>
                <Cell header>{t('outreachReport.sum')}</Cell>
                {cells(q.data.total)}
              </Row>
            </Table>
          </div>
          {q.data.offices.length > 0 && (
            <div className="overflow-x-auto">
              <Table caption={t('supporterReport.byOffice')} head={[t('supporter.office'), ...head]}>
                {q.data.offices.map((o) => (
                  <Row key={o.agency_id}>
                    <Cell header>{o.agency_name}</Cell>
                    {cells(o)}
                  </Row>
                ))}
              </Table>
            </div>
          )}
        </div>
      )}
    </>
  );
}

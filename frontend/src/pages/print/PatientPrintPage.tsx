// 患者サマリー for paper: the profile, the consent in force, the open referrals with their
// level and next due date, and the latest history — what the patient's page shows, nothing more.
import { useParams } from 'react-router';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { patientKana, patientName } from '../labels';
import { useConsents } from '../patients/Consents';
import { PatientSummary } from '../patients/History';
import { newestFirst } from '../patients/historyModel';
import { PatientProfile, usePatientTimeline } from '../patients/PatientPage';
import { Timeline } from '../patients/Timeline';
import { PrintBar, PrintedOn } from './PrintBar';

/** How many of the latest history entries go on the paper. */
export const PRINT_HISTORY = 10;

export function PatientPrintPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const timeline = usePatientTimeline(id);
  const consents = useConsents(id);
  const p = timeline.data?.patient;
  return (
    <div className="flex flex-col gap-6" data-testid="print-view">
      <PageTitle>{p ? t('print.patientTitle', { name: patientName(p) }) : t('print.patientTitleShort')}</PageTitle>
      {timeline.isPending ? (
        <Loading />
      ) : timeline.error || !p ? (
        <LoadError error={timeline.error} retry={() => void timeline.refetch()} />
      ) : (
        <>
          <PrintBar back={`/patients/${p.id}`} backLabel={t('print.backToPatient')} lead={t('print.patientLead')} />
          <p className="text-std-17N-170">
            {patientKana(p)}
            <span className="ml-4">
              {t('patient.caseNumber')} <code>{p.case_number}</code>
            </span>
          </p>
          <PrintedOn date={i.date(todayInTokyo())} by={me.display_name} />
          <PatientProfile p={p} />
          <PatientSummary items={timeline.data.items} consents={consents.data ?? []} />
          <section aria-labelledby="print-history" className="flex flex-col gap-3">
            <h2 id="print-history" className="text-std-22B-150">
              {t('print.recentHistory', { count: Math.min(PRINT_HISTORY, timeline.data.items.length) })}
            </h2>
            {timeline.data.items.length === 0 ? (
              <p className="text-std-16N-170">{t('common.none')}</p>
            ) : (
              <Timeline items={newestFirst(timeline.data.items).slice(0, PRINT_HISTORY)} consents={consents.data ?? []} />
            )}
          </section>
        </>
      )}
    </div>
  );
}

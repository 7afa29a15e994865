import { useQuery } from '@tanstack/react-query';
import { Navigate, useLocation, useParams } from 'react-router';
import { asProblem } from '../../api/problem';
import { keys, type Patient } from '../../api/client';
import { getTimeline } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { useMunicipalities } from '../cases/useCaseData';
import {
  birthWithAge,
  employmentStatusLabel,
  patientKana,
  patientName,
  prefectureLabel,
  programLabel,
  sexLabel,
  supportAwarenessLabel,
} from '../labels';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { ViewHistory } from '../supervision/ViewHistory';
import { LiaisonSection } from '../shoman/Liaison';
import { ConsentsSection, useConsents } from './Consents';
import { History, PatientSummary } from './History';
import { ExportSection } from './Exports';
import { MergeSection } from './MergePatients';
import { PeerSupportersSection } from './PeerSupporters';
import { Facts } from './Timeline';

/**
 * The patient's path. Case data is read afresh on each visit (colleagues record too); the
 * last answer shows meanwhile.
 */
export function usePatientTimeline(id: string) {
  return useQuery({ queryKey: keys.timeline(id), queryFn: () => getTimeline(id), staleTime: 0 });
}

/** The patient's profile (also on the printed summary). */
export function PatientProfile({ p }: { p: Patient }) {
  const i = useI18n();
  const { t } = i;
  const municipalities = useMunicipalities(p.prefecture_code ?? '');
  const municipality = municipalities.data?.find((m) => m.code === p.municipality_code)?.name;
  const place = [p.prefecture_code ? prefectureLabel(i, p.prefecture_code) : null, municipality ?? null]
    .filter(Boolean)
    .join(' ');
  const disease =
    p.disease_number != null ? `${p.disease_number}\u3000${p.disease_name ?? ''}`.trim() : null;
  return (
    <section aria-labelledby="profile-title" className="flex flex-col gap-3">
      <h2 id="profile-title" className="text-std-22B-150">
        {t('patient.profile')}
      </h2>
      <Facts
        items={[
          [t('patient.birthDate'), birthWithAge(i, p.birth_date, todayInTokyo(), { era: true })],
          [t('patient.sex'), sexLabel(i, p.sex)],
          [t('patient.program'), programLabel(i, p.program)],
          disease !== null && [t('patient.disease'), disease],
          p.diagnosis != null && [t('patient.diagnosis'), p.diagnosis],
          [t('patient.employmentStatus'), employmentStatusLabel(i, p.employment_status)],
          [t('patient.supportAwareness'), supportAwarenessLabel(i, p.support_awareness)],
          [t('patient.referralSource'), p.referral_source ? t(`referralSource.${p.referral_source}`) : t('referralSource.notAsked')],
          [t('patient.disabilityCertificate.short'), p.disability_certificate ? t('common.yes') : t('common.no')],
          place !== '' && [t('patient.address'), place],
          p.phone != null && [t('patient.phone'), <a key="tel" href={`tel:${p.phone}`}>{p.phone}</a>],
          p.email != null && [t('patient.email'), p.email],
          p.notes != null && [t('patient.notes'), p.notes],
        ]}
      />
    </section>
  );
}

export function PatientPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const timeline = usePatientTimeline(id);
  const { role } = useAuth();
  const can = capabilities(role);
  const supervisor = can.supervise;
  // A ピア・サポーター sees the profile and the consultations: the rest of a case (consents,
  // referrals, liaison, support plans, changing the record) stays with the case workers,
  // so those parts are not asked for at all.
  const peer = can.peerSupport;
  const consents = useConsents(id, !peer);
  // The consultation just recorded, if the user came from recording one: a referral starts from it.
  const justRecorded = (useLocation().state as { consultation?: string } | null)?.consultation ?? null;

  // A record merged as a duplicate answers with the one kept: go there, and say why.
  const mergedInto = asProblem(timeline.error)?.mergedInto;
  if (mergedInto) return <Navigate to={`/patients/${mergedInto}`} replace state={{ flash: 'mergedAway' }} />;
  // The h1 stays the same element from loading to loaded, so focus after navigation stays on it.
  const p = timeline.data?.patient;
  return (
    <>
      <PageTitle>{p ? patientName(p) : t('patient.listTitle')}</PageTitle>
      {timeline.isPending ? (
        <Loading />
      ) : timeline.error || !p ? (
        <LoadError error={timeline.error} retry={() => void timeline.refetch()} />
      ) : (
        <>
          <p className="text-std-17N-170">
            <span className="sr-only">{t('patient.kana')}：</span>
            {patientKana(p)}
            <span className="ml-4 text-solid-gray-700">
              {t('patient.caseNumber')} <code data-testid="case-number">{p.case_number}</code>
            </span>
          </p>
          <FlashNotice />
          <div className="flex flex-wrap gap-3">
            <ButtonLink to={`/consultations/new?patient=${p.id}`}>{t('patient.recordConsultation')}</ButtonLink>
            {!peer && (
              <>
                <ButtonLink to={`/patients/${p.id}/refer${justRecorded ? `?consultation=${justRecorded}` : ''}`}>
                  {t('patient.refer')}
                </ButtonLink>
                {p.program === 'shoman' && (
                  <ButtonLink to={`/support-plans/new?patient=${p.id}`}>{t('plan.createFromPatient')}</ButtonLink>
                )}
                <ButtonLink variant="outline" to={`/patients/${p.id}/edit`}>
                  {t('patient.edit')}
                </ButtonLink>
                <ButtonLink variant="outline" to={`/patients/${p.id}/print`}>
                  {t('print.patientLink')}
                </ButtonLink>
              </>
            )}
          </div>
          {peer ? (
            <Notice tone="info" title={t('peer.patientNotice')} />
          ) : (
            <PatientSummary items={timeline.data.items} consents={consents.data ?? []} />
          )}
          <PatientProfile p={p} />
          {!peer && <PeerSupportersSection patientId={p.id} canAssign={supervisor} />}
          {!peer && <ConsentsSection patientId={p.id} />}
          {!peer && p.program === 'shoman' && <LiaisonSection patientId={p.id} />}
          <History items={timeline.data.items} consents={consents.data ?? []} />
          {supervisor && <ViewHistory patientId={p.id} />}
          {supervisor && !peer && <ExportSection patient={p} />}
          {supervisor && !peer && <MergeSection key={p.id} patient={p} />}
        </>
      )}
    </>
  );
}

// 就労相談票 for paper: what is handed to the agency with a referral. About the patient it
// carries only the items the referral's provisions name (what the patient agreed to hand
// over); nothing else about them, not even the case number.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useParams } from 'react-router';
import { keys, type Consent, type Consultation, type Patient } from '../../api/client';
import type { SharedItem } from '../../api/enums';
import { getConsultation, getPatient, getReferral, listProvisions } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useOwnCenter } from '../../app/useOwnCenter';
import { useMe } from '../../auth/AuthProvider';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { useAgencies, useMunicipalities, useStaffName } from '../cases/useCaseData';
import {
  agencyTypeLabel,
  birthWithAge,
  channelLabel,
  consentScopeLabel,
  employmentStatusLabel,
  joinLabels,
  levelLabel,
  patientKana,
  patientName,
  prefectureLabel,
  purposeLabel,
  sharedItemLabel,
  topicLabel,
  withNote,
} from '../labels';
import { useConsents } from '../patients/Consents';
import { Facts } from '../patients/Timeline';
import { PrintBar, PrintedOn } from './PrintBar';
import { consentIdsOf, sharedItemsOf } from './referralSheet';

/** One shared item's line (or lines) on the sheet. */
function itemValue(
  i: I18n,
  item: SharedItem,
  p: Patient,
  municipality: string | undefined,
  trigger: Consultation | null,
): ReactNode {
  const { t } = i;
  switch (item) {
    case 'name':
      return `${patientName(p)}（${patientKana(p)}）`;
    case 'birth_date':
      return birthWithAge(i, p.birth_date, todayInTokyo(), { era: true });
    case 'contact':
      return [p.phone && `${t('patient.phone')}：${p.phone}`, p.email && `${t('patient.email')}：${p.email}`]
        .filter(Boolean)
        .join('\n') || t('common.none');
    case 'address':
      return [p.prefecture_code ? prefectureLabel(i, p.prefecture_code) : null, municipality ?? null].filter(Boolean).join(' ') || t('common.none');
    case 'diagnosis': {
      const disease = p.disease_number != null ? `${p.disease_number}\u3000${p.disease_name ?? ''}`.trim() : null;
      return [disease, p.diagnosis].filter(Boolean).join('\n') || t('common.none');
    }
    case 'disability_certificate':
      return p.disability_certificate ? t('common.yes') : t('common.no');
    case 'employment_history':
      return employmentStatusLabel(i, p.employment_status);
    case 'consultation_record':
      return trigger
        ? [
            `${i.dateTime(trigger.occurred_at)}\u3000${channelLabel(i, trigger.channel)}`,
            `${t('consultation.topics')}：${joinLabels(i, trigger.topics, topicLabel)}`,
            trigger.summary ?? '',
          ]
            .filter(Boolean)
            .join('\n')
        : t('print.noTrigger');
  }
}

function consentLine(i: I18n, c: Consent): string {
  return withNote(i, i.date(c.given_on), consentScopeLabel(i, c.scope));
}

export function ReferralPrintPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const center = useOwnCenter(me.center_id, true);
  const staffName = useStaffName();
  const agencies = useAgencies();
  const referral = useQuery({ queryKey: keys.referral(id), queryFn: () => getReferral(id), staleTime: 0 });
  const r = referral.data?.data;
  const patientId = r?.patient_id ?? '';
  const provisions = useQuery({
    queryKey: keys.provisions(patientId),
    queryFn: () => listProvisions(patientId),
    enabled: patientId !== '',
    staleTime: 0,
  });
  const items = sharedItemsOf(provisions.data ?? [], id);
  // The patient is read only when something about them goes on the sheet.
  const patient = useQuery({
    queryKey: keys.patient(patientId),
    queryFn: () => getPatient(patientId),
    enabled: patientId !== '' && items.length > 0,
  });
  const consents = useConsents(patientId, patientId !== '' && items.length > 0);
  const triggerId = items.includes('consultation_record') ? (r?.consultation_id ?? '') : '';
  const trigger = useQuery({
    queryKey: keys.consultation(triggerId),
    queryFn: () => getConsultation(triggerId),
    enabled: triggerId !== '',
  });
  const p = patient.data?.data;
  const municipalities = useMunicipalities(items.includes('address') ? (p?.prefecture_code ?? '') : '');
  const municipality = municipalities.data?.find((m) => m.code === p?.municipality_code)?.name;
  const agency = r ? agencies.data?.find((a) => a.id === r.agency_id) : undefined;
  const underConsents = (consents.data ?? []).filter((c) => consentIdsOf(provisions.data ?? [], id).includes(c.id));

  const loading = referral.isPending || provisions.isPending || (items.length > 0 && patient.isPending);
  const error = referral.error ?? provisions.error ?? patient.error;

  return (
    <div className="flex flex-col gap-6" data-testid="print-view">
      <PageTitle>{t('print.referralTitle')}</PageTitle>
      {loading ? (
        <Loading />
      ) : error || !r ? (
        <LoadError error={error} retry={() => void referral.refetch()} />
      ) : (
        <>
          <PrintBar back={`/referrals/${r.id}`} backLabel={t('print.backToReferral')} lead={t('print.referralLead')} />
          <PrintedOn date={i.date(todayInTokyo())} by={me.display_name} />
          <section aria-labelledby="sheet-referral" className="flex flex-col gap-3">
            <h2 id="sheet-referral" className="text-std-22B-150">
              {t('print.sheetReferral')}
            </h2>
            <Facts
              items={[
                [t('print.to'), withNote(i, agency?.name ?? t('common.none'), agencyTypeLabel(i, r.agency_type))],
                [t('print.from'), center?.name ?? t('common.loading')],
                [t('referral.consultant'), staffName(r.consultant_id)],
                [t('referral.referredOn'), i.date(r.referred_on)],
                [t('referral.purpose'), purposeLabel(i, r.purpose)],
                [t('referral.level'), levelLabel(i, r.level)],
              ]}
            />
          </section>
          <section aria-labelledby="sheet-patient" className="flex flex-col gap-3" data-testid="sheet-patient">
            <h2 id="sheet-patient" className="text-std-22B-150">
              {t('print.sheetPatient')}
            </h2>
            {items.length === 0 || !p ? (
              <Notice tone="info" title={t('print.nothingShared')} />
            ) : (
              <>
                <p className="text-std-16N-170">{t('print.sharedOnly')}</p>
                <Facts
                  items={items.map((item) => [sharedItemLabel(i, item), itemValue(i, item, p, municipality, trigger.data?.data ?? null)] as const)}
                />
                {underConsents.length > 0 && (
                  <Facts items={[[t('print.consent'), underConsents.map((c) => consentLine(i, c)).join('\n')]]} />
                )}
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { AGENCY_TYPES, LEVELS, PURPOSES, SHARED_ITEMS, isLevel, type ConsentScope } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createReferral, getCenter, listConsultations } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxGroupField, DateField, RadioGroupField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { LevelBadge } from '../../components/LevelBadge';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { submitChecked, submitOnCtrlEnter } from '../../components/forms';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { consentScopesFor, levelPromisesFollowUp } from '../../lib/cases';
import { todayInTokyo } from '../../lib/datetime';
import { useAgencies } from '../cases/useCaseData';
import { channelLabel, joinLabels, patientName, topicLabel, withNote } from '../labels';
import { ConsentForm, ConsentStatus, useConsents } from '../patients/Consents';
import { usePatientTimeline } from '../patients/PatientPage';
import {
  checkReferral,
  defaultTrigger,
  formPassesData,
  likelyPurpose,
  newReferral,
  toCreateReferral,
  type ReferralForm,
} from './referralForm';

/**
 * The patient's consent, right where it matters, with a way to record one on the spot.
 * `scopes` are the consent scopes the API names for the chosen agency type (null before one
 * is chosen); a new consent defaults to the narrowest of them.
 */
function ConsentPanel({
  patientId,
  scopes,
  highlight,
}: {
  patientId: string;
  scopes: readonly ConsentScope[] | null;
  highlight: boolean;
}) {
  const { t } = useI18n();
  const consents = useConsents(patientId);
  const [recording, setRecording] = useState(false);
  const [recorded, setRecorded] = useState(false);
  // When the inline form closes, focus goes back to the button that opened it.
  const refocus = useRef(false);
  const focusOnReturn = (el: HTMLButtonElement | null) => {
    if (el && refocus.current) {
      refocus.current = false;
      el.focus();
    }
  };

  return (
    <section
      aria-labelledby="consent-panel-title"
      className={`flex flex-col gap-3 rounded-8 border p-4 ${highlight ? 'border-2 border-error-1' : 'border-solid-gray-420'}`}
      data-testid="consent-panel"
    >
      <h2 id="consent-panel-title" className="text-std-18B-160">
        {t('consent.title')}
      </h2>
      {recorded && <Notice tone="success" live="polite" title={t('consent.recorded')} />}
      {consents.isPending ? (
        <Loading />
      ) : consents.error ? (
        <LoadError error={consents.error} retry={() => void consents.refetch()} />
      ) : (
        <ConsentStatus consents={consents.data} scopes={scopes} />
      )}
      {recording ? (
        <ConsentForm
          embedded
          withNotes={false}
          patientId={patientId}
          defaultScope={scopes?.[0]}
          onDone={() => {
            setRecording(false);
            setRecorded(true);
            refocus.current = true;
          }}
          onCancel={() => {
            setRecording(false);
            refocus.current = true;
          }}
        />
      ) : (
        <div>
          <Button
            ref={focusOnReturn}
            variant="outline"
            size="sm"
            onClick={() => {
              setRecorded(false);
              setRecording(true);
            }}
          >
            {t('consent.record')}
          </Button>
        </div>
      )}
    </section>
  );
}

export function ReferralNewPage() {
  const { id: patientId = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const timeline = usePatientTimeline(patientId);
  const agencies = useAgencies();
  const center = useQuery({
    queryKey: keys.center(me.center_id ?? ''),
    queryFn: () => getCenter(me.center_id ?? ''),
    enabled: Boolean(me.center_id),
  });
  const consultations = useQuery({
    queryKey: [...keys.consultations, { patientId }],
    queryFn: () => listConsultations({ patientId }),
  });
  const [params] = useSearchParams();
  const [typed, setValues] = useState<ReferralForm>(() => newReferral(todayInTokyo()));
  // Until the user picks one, the consultation just recorded (or today's latest) is the trigger.
  const [triggerPicked, setTriggerPicked] = useState(false);
  const withTrigger: ReferralForm = triggerPicked
    ? typed
    : { ...typed, consultation_id: defaultTrigger(consultations.data?.items ?? [], params.get('consultation'), todayInTokyo()) };
  // Until the user picks one, the purpose follows the patient's employment status.
  const values: ReferralForm =
    withTrigger.purpose === '' ? { ...withTrigger, purpose: likelyPurpose(timeline.data?.patient.employment_status) } : withTrigger;
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const set = <K extends keyof ReferralForm>(k: K, v: ReferralForm[K]) => setValues((old) => ({ ...old, [k]: v }));

  const body = toCreateReferral(patientId, values);
  const idempotencyKey = useIdempotencyKey(body);
  const passesData = formPassesData(values.level);
  const offices = (agencies.data ?? []).filter((a) => a.active && a.agency_type === values.agency_type);

  const labels = {
    agency_type: t('referral.agencyType'),
    agency_id: t('referral.agency'),
    purpose: t('referral.purpose'),
    level: t('referral.level'),
    shared_items: t('referral.sharedItems'),
    referred_on: t('referral.referredOn'),
    handed_over: t('referral.handedOver'),
    notes: t('referral.notes'),
    consultation_id: t('referral.consultation'),
  };

  const mutation = useMutation({
    mutationFn: () => createReferral(body, idempotencyKey),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(`/referrals/${created.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const onSubmit = submitChecked(mutation, () => checkReferral(values), setProblem);

  const patient = timeline.data?.patient;

  return (
    <>
      <PageTitle>{t('referral.newTitle')}</PageTitle>
      {timeline.isPending ? (
        <Loading />
      ) : timeline.error || !patient ? (
        <LoadError error={timeline.error} retry={() => void timeline.refetch()} />
      ) : (
        <>
          <p className="text-std-17N-170">
            {i.lang === 'ja' ? `${t('referral.patient')}：` : `${t('referral.patient')}: `}
            <Link to={`/patients/${patient.id}`}>{withNote(i, patientName(patient), patient.case_number)}</Link>
          </p>
          <ErrorSummary problem={problem} fields={labels} />
          <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
            <div className="grid max-w-[40rem] gap-4 md:grid-cols-2">
              <SelectField
                name="agency_type"
                label={labels.agency_type}
                required
                placeholder={t('common.selectPlaceholder')}
                options={AGENCY_TYPES.map((a) => ({ value: a, label: t(`agencyType.${a}`) }))}
                value={values.agency_type}
                onChange={(e) => {
                  const type = e.target.value;
                  // Where the center has one office of the type, it is the one: chosen for the user.
                  const only = (agencies.data ?? []).filter((a) => a.active && a.agency_type === type);
                  setValues((old) => ({ ...old, agency_type: type, agency_id: only.length === 1 && only[0] ? only[0].id : '' }));
                }}
                errors={errorsFor('agency_type')}
              />
              <SelectField
                name="agency_id"
                label={labels.agency_id}
                required
                disabled={values.agency_type === ''}
                placeholder={values.agency_type === '' ? t('referral.agency.chooseType') : t('common.selectPlaceholder')}
                options={offices.map((a) => ({ value: a.id, label: a.name }))}
                value={values.agency_id}
                onChange={(e) => set('agency_id', e.target.value)}
                errors={errorsFor('agency_id')}
              />
            </div>
            {values.agency_type !== '' && agencies.data && offices.length === 0 && (
              <Notice tone="warning" title={t('referral.agency.noneOfType')} />
            )}
            <RadioGroupField
              name="purpose"
              label={labels.purpose}
              required
              columns={2}
              choices={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
              value={values.purpose}
              onChange={(v) => set('purpose', v)}
              errors={errorsFor('purpose')}
            />
            <RadioGroupField
              name="level"
              label={labels.level}
              hint={t('referral.level.hint')}
              required
              choices={LEVELS.map((l) => ({ value: l, label: <LevelBadge level={l} /> }))}
              value={values.level}
              onChange={(v) => set('level', v)}
              errors={errorsFor('level')}
            />
            {isLevel(values.level) && levelPromisesFollowUp(values.level) && center.data && (
              <Notice tone="info" title={t('referral.followUpAuto', { days: center.data.data.follow_up_days })} />
            )}
            {passesData && (
              <>
                <CheckboxGroupField
                  name="shared_items"
                  label={labels.shared_items}
                  hint={t('referral.sharedItems.hint')}
                  required
                  columns={2}
                  choices={SHARED_ITEMS.map((s) => ({ value: s, label: t(`sharedItem.${s}`) }))}
                  values={values.shared_items}
                  onChange={(v) => set('shared_items', v)}
                  errors={errorsFor('shared_items')}
                />
                <ConsentPanel
                  patientId={patientId}
                  scopes={agencies.data ? consentScopesFor(agencies.data, values.agency_type) : null}
                  highlight={problem?.code === 'consent_required'}
                />
              </>
            )}
            <DateField
              name="referred_on"
              label={labels.referred_on}
              required
              value={values.referred_on}
              onChange={(v) => set('referred_on', v)}
              errors={errorsFor('referred_on')}
            />
            <TextField
              name="handed_over"
              label={labels.handed_over}
              hint={t('referral.handedOver.hint')}
              autoComplete="off"
              value={values.handed_over}
              onChange={(e) => set('handed_over', e.target.value)}
              errors={errorsFor('handed_over')}
            />
            <SelectField
              name="consultation_id"
              label={labels.consultation_id}
              placeholder={t('referral.consultation.none')}
              options={(consultations.data?.items ?? []).map((c) => ({
                value: c.id,
                label: `${i.dateTime(c.occurred_at)}\u3000${channelLabel(i, c.channel)}\u3000${joinLabels(i, c.topics, topicLabel)}`,
              }))}
              value={values.consultation_id}
              onChange={(e) => {
                setTriggerPicked(true);
                set('consultation_id', e.target.value);
              }}
              errors={errorsFor('consultation_id')}
            />
            <TextAreaField
              name="notes"
              label={labels.notes}
              value={values.notes}
              onChange={(e) => set('notes', e.target.value)}
              errors={errorsFor('notes')}
            />
            <p className="text-dns-16N-130 text-solid-gray-700">{t('common.ctrlEnter')}</p>
            <FormActions submitLabel={t('referral.save')} busy={mutation.isPending} cancelTo={`/patients/${patientId}`} />
          </form>
        </>
      )}
    </>
  );
}

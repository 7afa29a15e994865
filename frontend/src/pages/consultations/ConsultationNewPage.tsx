import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { keys, type Patient } from '../../api/client';
import { CHANNELS, REQUESTERS, SHOMAN_MENUS, SHOMAN_REQUESTERS, TOPICS } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createConsultation, getPatient, listPatients } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useOwnPrograms } from '../../app/useOwnCenter';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import {
  CheckboxField,
  CheckboxGroupField,
  RadioGroupField,
  ReadOnlyField,
  SelectField,
  TextAreaField,
  TextField,
} from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { submitChecked, submitOnCtrlEnter } from '../../components/forms';
import { useDebounced } from '../../components/useDebounced';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { toTokyoLocalInput } from '../../lib/datetime';
import { useStaff } from '../cases/useCaseData';
import { patientName } from '../labels';
import {
  ANONYMOUS,
  checkConsultation,
  newConsultation,
  shomanFields,
  shomanRuleOnField,
  toCreateConsultation,
  type ConsultationForm,
} from './consultationForm';

const PICKER_SIZE = 8;

/** Whose consultation: a search over patients, the chosen one kept, and "anonymous". */
function WhoField({
  value,
  onChange,
  chosen,
  onChoose,
  errors,
  peer,
}: {
  value: string;
  onChange: (who: string) => void;
  chosen: Patient | null;
  onChoose: (p: Patient) => void;
  errors: string[];
  /** A ピア・サポーター finds only the patients assigned to them: the hint says so. */
  peer: boolean;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const found = useQuery({
    queryKey: [...keys.patients, { q, picker: true }],
    queryFn: () => listPatients(q),
    enabled: q !== '',
  });
  const results = (q === '' ? [] : (found.data?.items ?? [])).slice(0, PICKER_SIZE);
  const patients = chosen && !results.some((p) => p.id === chosen.id) ? [chosen, ...results] : results;

  return (
    <div className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <TextField
        name="consultation_patient_search"
        type="search"
        label={t('consultation.patientSearch')}
        hint={peer ? t('peer.searchHint') : t('patient.search.hint')}
        autoComplete="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {q !== '' && found.data && (
        <p role="status" className="text-dns-16N-130 text-solid-gray-700">
          {found.data.items.length === 0 ? t('patient.noMatch', { q }) : t('common.showing', { count: results.length })}
        </p>
      )}
      <RadioGroupField
        name="patient_id"
        label={t('consultation.who')}
        required
        choices={[
          ...patients.map((p) => ({
            value: p.id,
            label: t('consultation.forPatient', { name: patientName(p), caseNumber: p.case_number }),
            description: `${p.family_name_kana} ${p.given_name_kana}`,
          })),
          { value: ANONYMOUS, label: t('consultation.anonymous') },
        ]}
        value={value}
        onChange={(v) => {
          const p = patients.find((x) => x.id === v);
          if (p) onChoose(p);
          onChange(v);
        }}
        errors={errors}
      />
    </div>
  );
}

export function ConsultationNewPage() {
  const { t } = useI18n();
  const me = useMe();
  const { role } = useAuth();
  const supervisor = capabilities(role).supervise;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const patientParam = params.get('patient');
  const [startedAt] = useState(() => toTokyoLocalInput(new Date()));
  const [values, setValues] = useState<ConsultationForm>(() => newConsultation(startedAt, patientParam));
  const [chosen, setChosen] = useState<Patient | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const staff = useStaff();
  const set = <K extends keyof ConsultationForm>(k: K, v: ConsultationForm[K]) => setValues((old) => ({ ...old, [k]: v }));

  // Coming from a patient's page: that patient is the first choice.
  const preset = useQuery({
    queryKey: keys.patient(patientParam ?? ''),
    queryFn: () => getPatient(patientParam ?? ''),
    enabled: patientParam !== null,
  });
  const current = chosen ?? preset.data?.data ?? null;
  const programs = useOwnPrograms(me.center_id, true);
  const chosenProgram = current && current.id === values.who ? current.program : null;
  const shoman = shomanFields(values.who, chosenProgram, programs.includes('shoman'));

  const body = toCreateConsultation(values, startedAt, shoman);
  const idempotencyKey = useIdempotencyKey(body);

  const labels = {
    patient_id: t('consultation.who'),
    occurred_at: t('consultation.occurredAt'),
    channel: t('consultation.channel'),
    requester: t('consultation.requester'),
    topics: t('consultation.topics'),
    duration_minutes: t('consultation.duration'),
    with_employment_supporter: t('consultation.withSupporter'),
    summary: t('consultation.summary'),
    consultant_id: t('consultation.consultant'),
    shoman_menu: t('consultation.shomanMenu'),
    shoman_requester: t('consultation.shomanRequester'),
  };

  const mutation = useMutation({
    mutationFn: () => createConsultation(body, idempotencyKey),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      // The patient's page offers to refer from this consultation.
      void navigate(created.patient_id ? `/patients/${created.patient_id}` : '/', {
        state: { ...flash('created').state, consultation: created.id },
      });
    },
    onError: (e) => {
      const p = asProblem(e);
      setProblem(p ? shomanRuleOnField(p) : null);
    },
  });

  const onSubmit = submitChecked(mutation, () => checkConsultation(values), setProblem);

  const caseWorkers = (staff.data ?? []).filter(
    (u) => u.active && (u.role === 'consultant' || u.role === 'supervisor' || u.role === 'self_reliance_worker') && u.id !== me.id,
  );

  return (
    <>
      <PageTitle>{t('consultation.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        <WhoField
          value={values.who}
          onChange={(v) => set('who', v)}
          chosen={current}
          onChoose={setChosen}
          errors={errorsFor('patient_id')}
          peer={capabilities(role).peerSupport}
        />
        <div className="grid max-w-[40rem] gap-4 md:grid-cols-2">
          <TextField
            name="occurred_at"
            type="datetime-local"
            label={labels.occurred_at}
            hint={t('consultation.occurredAt.hint')}
            value={values.occurred_at}
            onChange={(e) => set('occurred_at', e.target.value)}
            errors={errorsFor('occurred_at')}
          />
          <TextField
            name="duration_minutes"
            inputMode="numeric"
            label={labels.duration_minutes}
            value={values.duration_minutes}
            onChange={(e) => set('duration_minutes', e.target.value)}
            errors={errorsFor('duration_minutes')}
          />
        </div>
        <RadioGroupField
          name="channel"
          label={labels.channel}
          required
          columns={3}
          choices={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          value={values.channel}
          onChange={(v) => set('channel', v)}
          errors={errorsFor('channel')}
        />
        {shoman !== 'hidden' && (
          <fieldset className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4" data-testid="shoman-menu">
            <legend className="px-1 text-std-17B-170">{t('consultation.shomanLegend')}</legend>
            <RadioGroupField
              name="shoman_menu"
              label={labels.shoman_menu}
              hint={shoman === 'optional' ? t('consultation.shomanOptional') : undefined}
              required={shoman === 'required'}
              columns={2}
              choices={SHOMAN_MENUS.map((m) => ({ value: m, label: t(`shomanMenu.${m}`) }))}
              value={values.shoman_menu}
              onChange={(v) => set('shoman_menu', v)}
              errors={errorsFor('shoman_menu')}
            />
            <RadioGroupField
              name="shoman_requester"
              label={labels.shoman_requester}
              required={shoman === 'required'}
              columns={3}
              choices={SHOMAN_REQUESTERS.map((r) => ({ value: r, label: t(`shomanRequester.${r}`) }))}
              value={values.shoman_requester}
              onChange={(v) => set('shoman_requester', v)}
              errors={errorsFor('shoman_requester')}
            />
          </fieldset>
        )}
        <RadioGroupField
          name="requester"
          label={labels.requester}
          required
          columns={2}
          choices={REQUESTERS.map((r) => ({ value: r, label: t(`requester.${r}`) }))}
          value={values.requester}
          onChange={(v) => set('requester', v)}
          errors={errorsFor('requester')}
        />
        <CheckboxGroupField
          name="topics"
          label={labels.topics}
          hint={t('consultation.topics.hint')}
          required
          columns={2}
          choices={TOPICS.map((c) => ({ value: c, label: t(`topic.${c}`) }))}
          values={values.topics}
          onChange={(v) => set('topics', v)}
          errors={errorsFor('topics')}
        />
        <CheckboxField
          name="with_employment_supporter"
          label={labels.with_employment_supporter}
          checked={values.with_employment_supporter}
          onChange={(e) => set('with_employment_supporter', e.target.checked)}
          errors={errorsFor('with_employment_supporter')}
        />
        <TextAreaField
          name="summary"
          label={labels.summary}
          value={values.summary}
          onChange={(e) => set('summary', e.target.value)}
          errors={errorsFor('summary')}
        />
        {supervisor ? (
          <SelectField
            name="consultant_id"
            label={labels.consultant_id}
            options={[
              { value: '', label: t('common.you', { name: me.display_name }) },
              ...caseWorkers.map((u) => ({ value: u.id, label: u.display_name })),
            ]}
            value={values.consultant_id}
            onChange={(e) => set('consultant_id', e.target.value)}
            errors={errorsFor('consultant_id')}
          />
        ) : (
          <ReadOnlyField label={labels.consultant_id} value={t('common.you', { name: me.display_name })} />
        )}
        <p className="text-dns-16N-130 text-solid-gray-700">{t('common.ctrlEnter')}</p>
        <FormActions
          submitLabel={t('consultation.save')}
          busy={mutation.isPending}
          cancelTo={patientParam ? `/patients/${patientParam}` : '/'}
        />
      </form>
    </>
  );
}

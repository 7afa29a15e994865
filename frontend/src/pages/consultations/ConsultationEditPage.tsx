import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { keys, type Consultation, type Patient, type Versioned } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { Button } from '../../components/Button';
import { CHANNELS, REQUESTERS, TOPICS } from '../../api/enums';
import { getConsultation, updateConsultation } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { Notice } from '../../components/Notice';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, CheckboxGroupField, RadioGroupField, TextAreaField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { checkNumbers, submitOnCtrlEnter, useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { fromTokyoLocalInput } from '../../lib/datetime';
import { conflictRows } from '../cases/conflictRows';
import { consultationToForm, toConsultationPatch, type ConsultationEdit } from '../cases/editForms';
import { channelLabel, joinLabels, patientName, requesterLabel, topicLabel } from '../labels';
import { PatientPicker } from '../shoman/PatientPicker';

export function ConsultationEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.consultation(id), queryFn: () => getConsultation(id), staleTime: 0 });
  const me = useMe();
  const peer = capabilities(useAuth().role).peerSupport;
  return (
    <>
      <PageTitle>{t('consultation.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : peer && q.data.data.consultant_id !== me.id ? (
        // A ピア・サポーター reads a colleague's record of their patient but does not rewrite it (403).
        <Notice tone="info" title={t('peer.notYourConsultation')}>
          <Link to={q.data.data.patient_id ? `/patients/${q.data.data.patient_id}` : '/'}>{q.data.data.patient_id ? t('peer.backToPatient') : t('nav.home')}</Link>
        </Notice>
      ) : (
        <>
          {q.data.data.patient_id == null && <LinkToPatient id={id} initial={q.data} />}
          <EditForm key={id} id={id} initial={q.data} />
        </>
      )}
    </>
  );
}

function EditForm({ id, initial }: { id: string; initial: Versioned<Consultation> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const back = initial.data.patient_id ? `/patients/${initial.data.patient_id}` : '/';
  const labels: Record<keyof ConsultationEdit, string> = {
    occurred_at: t('consultation.occurredAt'),
    channel: t('consultation.channel'),
    requester: t('consultation.requester'),
    topics: t('consultation.topics'),
    duration_minutes: t('consultation.duration'),
    with_employment_supporter: t('consultation.withSupporter'),
    summary: t('consultation.summary'),
  };
  const form = useEditForm<Consultation, ConsultationEdit>({
    initial,
    toForm: consultationToForm,
    save: (changes, etag) => updateConsultation(id, toConsultationPatch(changes), etag),
    reload: () => getConsultation(id),
    check: (changes) => checkNumbers(changes, ['duration_minutes']),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(back, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const display = (f: ConsultationEdit): Record<keyof ConsultationEdit, string> => {
    const at = fromTokyoLocalInput(f.occurred_at);
    return {
      occurred_at: at ? i.dateTime(at) : f.occurred_at,
      channel: channelLabel(i, f.channel),
      requester: requesterLabel(i, f.requester),
      topics: joinLabels(i, f.topics, topicLabel),
      duration_minutes: f.duration_minutes,
      with_employment_supporter: f.with_employment_supporter ? t('common.yes') : t('common.no'),
      summary: f.summary,
    };
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('consultation.resource')}
          rows={conflictRows(labels, display(form.values), display(consultationToForm(form.conflict.data)))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <p className="text-std-16N-170 text-solid-gray-700">{t('consultation.editLead')}</p>
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        <div className="grid max-w-[40rem] gap-4 md:grid-cols-2">
          <TextField
            name="occurred_at"
            type="datetime-local"
            label={labels.occurred_at}
            required
            value={form.values.occurred_at}
            onChange={(e) => form.set('occurred_at', e.target.value)}
            errors={errorsFor('occurred_at')}
          />
          <TextField
            name="duration_minutes"
            inputMode="numeric"
            label={labels.duration_minutes}
            value={form.values.duration_minutes}
            onChange={(e) => form.set('duration_minutes', e.target.value)}
            errors={errorsFor('duration_minutes')}
          />
        </div>
        <RadioGroupField
          name="channel"
          label={labels.channel}
          required
          columns={3}
          choices={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          value={form.values.channel}
          onChange={(v) => form.set('channel', v)}
          errors={errorsFor('channel')}
        />
        <RadioGroupField
          name="requester"
          label={labels.requester}
          required
          columns={2}
          choices={REQUESTERS.map((r) => ({ value: r, label: t(`requester.${r}`) }))}
          value={form.values.requester}
          onChange={(v) => form.set('requester', v)}
          errors={errorsFor('requester')}
        />
        <CheckboxGroupField
          name="topics"
          label={labels.topics}
          hint={t('consultation.topics.hint')}
          required
          columns={2}
          choices={TOPICS.map((c) => ({ value: c, label: t(`topic.${c}`) }))}
          values={form.values.topics}
          onChange={(v) => form.set('topics', v)}
          errors={errorsFor('topics')}
        />
        <CheckboxField
          name="with_employment_supporter"
          label={labels.with_employment_supporter}
          checked={form.values.with_employment_supporter}
          onChange={(e) => form.set('with_employment_supporter', e.target.checked)}
          errors={errorsFor('with_employment_supporter')}
        />
        <TextAreaField
          name="summary"
          label={labels.summary}
          value={form.values.summary}
          onChange={(e) => form.set('summary', e.target.value)}
          errors={errorsFor('summary')}
        />
        <p className="text-dns-16N-130 text-solid-gray-700">{t('common.ctrlEnter')}</p>
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={back} />
      </form>
    </>
  );
}

/**
 * 患者に結びつける: an anonymous consultation linked to the patient it turned out to be
 * about, saved on its own with If-Match (the rest of the form is not touched). The
 * consultation then shows in that patient's history.
 */
function LinkToPatient({ id, initial }: { id: string; initial: Versioned<Consultation> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Patient | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const link = useMutation({
    mutationFn: (p: Patient) => updateConsultation(id, { patient_id: p.id }, initial.etag),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(`/patients/${saved.data.patient_id ?? ''}`, flash('linked'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section aria-labelledby="link-title" className="flex max-w-4xl flex-col gap-3 rounded-8 border border-solid-gray-420 p-4" data-testid="link-patient">
      <h2 id="link-title" className="text-std-20B-150">
        {t('link.title')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('link.lead')}</p>
      <ErrorSummary id="link-errors" problem={problem} fields={{ patient_id: t('link.find') }} />
      {chosen === null ? (
        <PatientPicker
          name="link_search"
          label={t('link.find')}
          hint={t('link.findHint')}
          chooseLabel={t('link.choose')}
          exclude={[]}
          withCaseNumber
          onChoose={(p) => {
            setProblem(null);
            setChosen(p);
          }}
        />
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <p className="text-std-16N-170" data-testid="link-chosen">
            {t('link.chosen', { who: `${patientName(chosen)}（${chosen.case_number}）` })}
          </p>
          <Button
            disabled={link.isPending}
            onClick={() => {
              if (!link.isPending) link.mutate(chosen);
            }}
          >
            {link.isPending ? t('form.saving') : t('link.save')}
          </Button>
          <Button variant="outline" onClick={() => setChosen(null)}>
            {t('merge.change')}
          </Button>
        </div>
      )}
    </section>
  );
}

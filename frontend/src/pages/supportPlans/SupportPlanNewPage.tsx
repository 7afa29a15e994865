// A new support plan for a 小慢 patient, opened from the patient's page (?patient=ID).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { getPatient } from '../../api/resources';
import { createSupportPlan } from '../../api/supportPlans';
import { PageTitle } from '../../app/PageTitle';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { patientName } from '../labels';
import { EMPTY_GOAL, PlanFields, planLabels, type PlanDraft } from './PlanFields';
import { orNull, toGoals } from './supportPlanModel';

export function SupportPlanNewPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const patientId = params.get('patient') ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const patient = useQuery({ queryKey: keys.patient(patientId), queryFn: () => getPatient(patientId), enabled: patientId !== '' });
  const [draft, setDraft] = useState<PlanDraft>({ situation: '', wishes: '', goals: [EMPTY_GOAL] });
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = {
    patient_id: patientId,
    situation: orNull(draft.situation),
    wishes: orNull(draft.wishes),
    goals: toGoals(draft.goals),
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createSupportPlan(body, idempotencyKey),
    onSuccess: async (plan) => {
      await queryClient.invalidateQueries({ queryKey: keys.supportPlans });
      void navigate(`/support-plans/${plan.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('plan.newTitle')}</PageTitle>
      {patientId === '' ? (
        <Notice tone="info" title={t('plan.choosePatient')}>
          <Link to="/patients">{t('nav.patients')}</Link>
        </Notice>
      ) : patient.isPending ? (
        <Loading />
      ) : patient.error ? (
        <LoadError error={patient.error} retry={() => void patient.refetch()} />
      ) : (
        <>
          <p className="text-std-16N-170">
            {t('plan.patient')}：<Link to={`/patients/${patientId}`}>{patientName(patient.data.data)}</Link>
          </p>
          {patient.data.data.program !== 'shoman' && <Notice tone="warning" title={t('problem.patient_not_shoman')} />}
          <ErrorSummary problem={problem} fields={planLabels(t, draft.goals.length)} />
          <form onSubmit={onSubmit} noValidate className={formClass}>
            <PlanFields value={draft} onChange={setDraft} errorsFor={errorsFor} />
            <FormActions submitLabel={t('plan.create')} busy={mutation.isPending} cancelTo={`/patients/${patientId}`} />
          </form>
        </>
      )}
    </>
  );
}

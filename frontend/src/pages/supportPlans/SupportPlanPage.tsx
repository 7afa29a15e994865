// One support plan: its contents and state, the edit form (a returned or approved plan's
// edit starts the next revision), submission for review, the submitted versions, the
// reviews (and the supervisor's decision) and the actions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { keys, type Versioned } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { getPatient } from '../../api/resources';
import {
  getSupportPlan,
  listPlanActions,
  listPlanVersions,
  updateSupportPlan,
  type Goal,
  type SupportPlan,
} from '../../api/supportPlans';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { Button } from '../../components/Button';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { FlashNotice } from '../../components/Flash';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { patientName } from '../labels';
import { Facts } from '../patients/Timeline';
import { LiaisonSection } from '../shoman/Liaison';
import { ActionsSection } from './Actions';
import { PlanStateBadge } from './badges';
import { EMPTY_GOAL, PlanFields, planLabels, type PlanDraft } from './PlanFields';
import { GoalList } from './GoalList';
import { PlanReviewForm, PlanReviewHistory, usePlanReviews } from './Reviews';
import { isGoalKind, latestReturnComment, orNull, planAllows, readyToSubmit, toGoalDraft, toGoals } from './supportPlanModel';

/** The plan's liaison contacts, with its actions to name (the list is shared with the actions section). */
function PlanLiaison({ planId, patientId }: { planId: string; patientId: string }) {
  const actions = useQuery({ queryKey: keys.planActions(planId), queryFn: () => listPlanActions(planId), staleTime: 0 });
  return <LiaisonSection patientId={patientId} planId={planId} actions={actions.data ?? []} />;
}

function goalText(i: I18n, goals: readonly Goal[]): string {
  if (goals.length === 0) return i.t('common.none');
  return goals
    .map((g) => {
      const line = `${isGoalKind(g.kind) ? i.t(`goalKind.${g.kind}`) : g.kind}：${g.text}`;
      return g.achieved_on ? `${line} ✓ ${i.t('plan.goalAchieved', { date: i.date(g.achieved_on, { era: false }) })}` : line;
    })
    .join('\n');
}

function toDraft(p: SupportPlan): PlanDraft {
  return {
    situation: p.situation ?? '',
    wishes: p.wishes ?? '',
    goals: p.goals.length > 0 ? p.goals.map(toGoalDraft) : [EMPTY_GOAL],
  };
}

function EditPlan({ plan, onDone }: { plan: Versioned<SupportPlan>; onDone: (message: string) => void }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<PlanDraft>(toDraft(plan.data));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [conflict, setConflict] = useState<Versioned<SupportPlan> | null>(null);
  const errorsFor = useFieldErrors(problem);
  const mutation = useMutation({
    mutationFn: (etag: string) =>
      updateSupportPlan(
        plan.data.id,
        { situation: orNull(draft.situation), wishes: orNull(draft.wishes), goals: toGoals(draft.goals) },
        etag,
      ),
    onSuccess: async () => {
      setProblem(null);
      setConflict(null);
      await queryClient.invalidateQueries({ queryKey: keys.supportPlans });
      onDone(t('common.saved'));
    },
    onError: async (e) => {
      const p = asProblem(e);
      if (p?.status === 412) {
        setProblem(null);
        setConflict(await getSupportPlan(plan.data.id));
        return;
      }
      setProblem(p);
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate(conflict?.etag ?? plan.etag);
  };
  const rows = conflict
    ? [
        { label: t('plan.situation'), yours: draft.situation.trim(), current: conflict.data.situation ?? '' },
        { label: t('plan.wishes'), yours: draft.wishes.trim(), current: conflict.data.wishes ?? '' },
        { label: t('plan.goals'), yours: goalText(i, toGoals(draft.goals)), current: goalText(i, conflict.data.goals) },
      ]
    : [];
  return (
    <>
      {conflict && (
        <ConflictPanel
          resource={t('plan.resource')}
          rows={rows}
          onReapply={() => mutation.mutate(conflict.etag)}
          onDiscard={() => {
            setDraft(toDraft(conflict.data));
            setConflict(null);
            void queryClient.invalidateQueries({ queryKey: keys.supportPlan(plan.data.id) });
          }}
        />
      )}
      <ErrorSummary id="plan-errors" problem={problem} fields={planLabels(t, draft.goals.length)} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        {plan.data.state !== 'draft' && <p className="text-std-16N-170 text-solid-gray-700">{t('plan.nextRevisionLead')}</p>}
        <PlanFields value={draft} onChange={setDraft} errorsFor={errorsFor} />
        <div>
          <Button type="submit" variant="outline" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('plan.save')}
          </Button>
        </div>
      </form>
    </>
  );
}

function SubmitPlan({ plan, onDone }: { plan: Versioned<SupportPlan>; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const mutation = useMutation({
    mutationFn: () => updateSupportPlan(plan.data.id, { state: 'submitted' }, plan.etag),
    onSuccess: async () => {
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: keys.supportPlans });
      onDone(t('plan.submitted'));
    },
    onError: async (e) => {
      setProblem(asProblem(e));
      if (asProblem(e)?.status === 412) await queryClient.invalidateQueries({ queryKey: keys.supportPlan(plan.data.id) });
    },
  });
  return (
    <section aria-labelledby="submit-plan" className="flex flex-col gap-3">
      <h2 id="submit-plan" className="text-std-22B-150">
        {t('plan.submitTitle')}
      </h2>
      <ErrorSummary id="submit-errors" problem={problem} fields={planLabels(t)} />
      <p className="text-std-16N-170 text-solid-gray-700">
        {readyToSubmit(plan.data) ? t('plan.submitLead') : t('plan.submitNotReady')}
      </p>
      <div>
        <Button onClick={() => !mutation.isPending && mutation.mutate()} disabled={mutation.isPending}>
          {mutation.isPending ? t('form.saving') : t('plan.submit')}
        </Button>
      </div>
    </section>
  );
}

function Versions({ planId }: { planId: string }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const versions = useQuery({ queryKey: keys.planVersions(planId), queryFn: () => listPlanVersions(planId), staleTime: 0 });
  if (versions.isPending) return <Loading />;
  if (versions.error) return <LoadError error={versions.error} retry={() => void versions.refetch()} />;
  if (versions.data.length === 0) return <p className="text-std-16N-170">{t('plan.versionsEmpty')}</p>;
  return (
    <Table
      caption={t('plan.versions')}
      head={[t('plan.revision'), t('plan.submittedAt'), t('plan.submittedBy'), t('plan.situation'), t('plan.wishes'), t('plan.goals')]}
    >
      {versions.data.map((v) => (
        <Row key={v.revision}>
          <Cell header>{t('plan.revisionN', { n: v.revision })}</Cell>
          <Cell>
            <span className="whitespace-nowrap">{i.dateTime(v.submitted_at)}</span>
          </Cell>
          <Cell>{staffName(v.submitted_by)}</Cell>
          <Cell>{v.situation ?? t('common.none')}</Cell>
          <Cell>{v.wishes ?? t('common.none')}</Cell>
          <Cell>
            <span className="whitespace-pre-line">{goalText(i, v.goals)}</span>
          </Cell>
        </Row>
      ))}
    </Table>
  );
}

export function SupportPlanPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const { me, role } = useAuth();
  const staffName = useStaffName();
  const [message, setMessage] = useState<string | null>(null);
  const plan = useQuery({ queryKey: keys.supportPlan(id), queryFn: () => getSupportPlan(id), staleTime: 0 });
  const patientId = plan.data?.data.patient_id ?? '';
  const patient = useQuery({ queryKey: keys.patient(patientId), queryFn: () => getPatient(patientId), enabled: patientId !== '' });
  const reviews = usePlanReviews(id);
  const p = plan.data?.data;
  const allows = p ? planAllows(p, me?.id ?? '', capabilities(role).supervise) : null;
  const returnComment = p?.state === 'returned' ? latestReturnComment(reviews.data ?? []) : null;
  const name = patient.data ? patientName(patient.data.data) : '';

  return (
    <>
      <PageTitle>{name ? t('plan.title', { name }) : t('plan.resourceTitle')}</PageTitle>
      {plan.isPending ? (
        <Loading />
      ) : plan.error || !p || !plan.data || !allows ? (
        <LoadError error={plan.error} retry={() => void plan.refetch()} />
      ) : (
        <>
          <FlashNotice />
          {message && <Notice tone="success" live="polite" title={message} />}
          {p.state === 'returned' && (
            <Notice tone="warning" title={t('plan.returnedNotice')}>
              <p data-testid="returned-comment">{t('review.returnedLead', { comment: returnComment ?? t('common.none') })}</p>
            </Notice>
          )}
          {p.review_overdue && <Notice tone="warning" title={t('plan.reviewOverdueNotice')} />}
          <section aria-labelledby="plan-summary" className="flex flex-col gap-3">
            <h2 id="plan-summary" className="text-std-22B-150">
              {t('plan.summary')}
            </h2>
            <Facts
              items={[
                [t('plan.patient'), <Link key="p" to={`/patients/${p.patient_id}`}>{name || t('plan.patient')}</Link>],
                [t('plan.state'), <PlanStateBadge key="s" state={p.state} />],
                [t('plan.revision'), t('plan.revisionN', { n: p.revision })],
                [t('plan.author'), staffName(p.author_id)],
                p.approved_on != null && [t('plan.approvedOn'), i.date(p.approved_on, { era: false })],
                [
                  t('plan.reviewDue'),
                  p.review_due_on
                    ? `${i.date(p.review_due_on, { era: false })}${p.review_overdue ? `（${t('plan.reviewOverdue')}）` : ''}`
                    : t('common.none'),
                ],
                [t('plan.situation'), p.situation ?? t('common.none')],
                [t('plan.wishes'), p.wishes ?? t('common.none')],
                [t('plan.goals'), <GoalList key="g" goals={p.goals} />],
              ]}
            />
          </section>

          {allows.submit && <SubmitPlan plan={plan.data} onDone={setMessage} />}
          {p.state === 'submitted' && <Notice tone="info" title={t('plan.underReview')} />}

          {(allows.review || allows.ownPlan) && (
            <section aria-labelledby="plan-review" className="flex flex-col gap-3">
              <h2 id="plan-review" className="text-std-22B-150">
                {t('planReview.title')}
              </h2>
              {allows.ownPlan ? (
                <Notice tone="info" title={t('planReview.fourEyes')} />
              ) : (
                <PlanReviewForm planId={id} onDone={setMessage} />
              )}
            </section>
          )}

          <ActionsSection planId={id} onDone={setMessage} />
          <PlanLiaison planId={id} patientId={p.patient_id} />

          {allows.edit && (
            <section aria-labelledby="edit-plan" className="flex flex-col gap-3">
              <h2 id="edit-plan" className="text-std-22B-150">
                {t('plan.edit')}
              </h2>
              <EditPlan key={plan.data.etag} plan={plan.data} onDone={setMessage} />
            </section>
          )}

          <section aria-labelledby="plan-reviews" className="flex flex-col gap-3">
            <h2 id="plan-reviews" className="text-std-22B-150">
              {t('planReview.history')}
            </h2>
            <PlanReviewHistory planId={id} />
          </section>

          <section aria-labelledby="plan-versions" className="flex flex-col gap-3">
            <h2 id="plan-versions" className="text-std-22B-150">
              {t('plan.versions')}
            </h2>
            <Versions planId={id} />
          </section>
        </>
      )}
    </>
  );
}

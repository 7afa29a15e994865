// A plan's reviews: the history for everyone on the case, and for a supervisor who did not
// write the plan the decision (approve, or return with what to revise). Four eyes: the
// server refuses a plan the supervisor wrote or submitted with `four_eyes`, said here plainly.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { keys } from '../../api/client';
import { REVIEW_DECISIONS, fromSelect, isReviewDecision, type ReviewDecision } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createPlanReview, listPlanReviews } from '../../api/supportPlans';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, RadioGroupField, TextAreaField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { orNull } from './supportPlanModel';

export function usePlanReviews(planId: string) {
  return useQuery({ queryKey: keys.planReviews(planId), queryFn: () => listPlanReviews(planId), staleTime: 0 });
}

export function PlanReviewHistory({ planId }: { planId: string }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const reviews = usePlanReviews(planId);
  if (reviews.isPending) return <Loading />;
  if (reviews.error) return <LoadError error={reviews.error} retry={() => void reviews.refetch()} />;
  if (reviews.data.length === 0) return <p className="text-std-16N-170">{t('review.historyEmpty')}</p>;
  return (
    <Table
      caption={t('planReview.history')}
      head={[t('review.when'), t('plan.revision'), t('review.decision'), t('review.comment'), t('plan.reviewDue'), t('review.reviewer')]}
    >
      {reviews.data.map((r) => (
        <Row key={r.id}>
          <Cell header>
            <span className="whitespace-nowrap">{i.dateTime(r.created_at)}</span>
          </Cell>
          <Cell>{t('plan.revisionN', { n: r.revision })}</Cell>
          <Cell>{isReviewDecision(r.decision) ? t(`reviewDecision.${r.decision}`) : r.decision}</Cell>
          <Cell>{r.comment ?? t('common.none')}</Cell>
          <Cell>{r.review_due_on ? i.date(r.review_due_on, { era: false }) : t('common.none')}</Cell>
          <Cell>{staffName(r.reviewer_id)}</Cell>
        </Row>
      ))}
    </Table>
  );
}

export function PlanReviewForm({ planId, onDone }: { planId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState('');
  const [comment, setComment] = useState('');
  const [reviewDue, setReviewDue] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = { decision: t('review.decisionLabel'), comment: t('review.comment'), review_due_on: t('planReview.reviewDueOn') };
  const mutation = useMutation({
    mutationFn: () =>
      createPlanReview(planId, {
        decision: fromSelect<ReviewDecision>(decision),
        comment: orNull(comment),
        review_due_on: decision === 'approved' && reviewDue !== '' ? reviewDue : null,
      }),
    onSuccess: async () => {
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: keys.supportPlans });
      onDone(t('review.saved'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  const fourEyes = problem?.code === 'four_eyes';
  return (
    <>
      {fourEyes ? (
        <Notice tone="error" live="assertive" title={t('planReview.fourEyes')} />
      ) : (
        <ErrorSummary id="plan-review-errors" problem={problem} fields={labels} />
      )}
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <RadioGroupField
          name="decision"
          label={labels.decision}
          required
          columns={2}
          choices={REVIEW_DECISIONS.map((d) => ({ value: d, label: t(`reviewDecision.${d}`) }))}
          value={decision}
          onChange={setDecision}
          errors={errorsFor('decision')}
        />
        <TextAreaField
          name="comment"
          label={labels.comment}
          hint={t('planReview.commentHint')}
          required={decision === 'returned'}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          errors={errorsFor('comment')}
        />
        {decision === 'approved' && (
          <DateField
            name="review_due_on"
            label={labels.review_due_on}
            hint={t('planReview.reviewDueHint')}
            value={reviewDue}
            onChange={(v) => setReviewDue(v)}
            errors={errorsFor('review_due_on')}
          />
        )}
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('review.save')}
          </Button>
        </div>
      </form>
    </>
  );
}

// A referral's reviews: the history for everyone on the case, the decision for supervisors
// (four eyes: not on a referral they made or followed up; the API says `four_eyes`).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { keys } from '../../api/client';
import { REVIEW_DECISIONS, fromSelect, isReviewDecision, type ReviewDecision } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createReview, listReviews, type Review } from '../../api/supervision';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { RadioGroupField, TextAreaField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';

export function useReviews(referralId: string) {
  return useQuery({ queryKey: keys.reviews(referralId), queryFn: () => listReviews(referralId), staleTime: 0 });
}

/** The latest "returned" review, whose comment says what to correct. */
export function latestReturned(reviews: readonly Review[] | undefined): Review | null {
  return [...(reviews ?? [])].reverse().find((r) => r.decision === 'returned') ?? null;
}

/** A returned referral, for its consultant: what the supervisor asked to correct. */
export function ReturnedNotice({ referralId }: { referralId: string }) {
  const i = useI18n();
  const reviews = useReviews(referralId);
  const returned = latestReturned(reviews.data);
  if (!returned) return null;
  return (
    <Notice tone="warning" title={i.t('review.returnedNotice')}>
      <p data-testid="returned-comment">{i.t('review.returnedLead', { comment: returned.comment ?? i.t('common.none') })}</p>
    </Notice>
  );
}

function History({ referralId }: { referralId: string }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const reviews = useReviews(referralId);
  if (reviews.isPending) return <Loading />;
  if (reviews.error) return <LoadError error={reviews.error} retry={() => void reviews.refetch()} />;
  if (reviews.data.length === 0) return <p className="text-std-16N-170">{t('review.historyEmpty')}</p>;
  return (
    <Table caption={t('review.history')} head={[t('review.when'), t('review.decision'), t('review.comment'), t('review.reviewer')]}>
      {reviews.data.map((r) => (
        <Row key={r.id}>
          <Cell header>
            <span className="whitespace-nowrap">{i.dateTime(r.created_at)}</span>
          </Cell>
          <Cell>{isReviewDecision(r.decision) ? t(`reviewDecision.${r.decision}`) : r.decision}</Cell>
          <Cell>{r.comment ?? t('common.none')}</Cell>
          <Cell>{staffName(r.reviewer_id)}</Cell>
        </Row>
      ))}
    </Table>
  );
}

function ReviewForm({ referralId, onDone }: { referralId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState('');
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = { decision: t('review.decisionLabel'), comment: t('review.comment') };
  const mutation = useMutation({
    mutationFn: () =>
      createReview(referralId, {
        decision: fromSelect<ReviewDecision>(decision),
        comment: comment.trim() === '' ? null : comment.trim(),
      }),
    onSuccess: async () => {
      setProblem(null);
      setDecision('');
      setComment('');
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      onDone(t('review.saved'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <>
      <ErrorSummary id="review-errors" problem={problem} fields={labels} />
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
          hint={t('review.commentHint')}
          required={decision === 'returned'}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          errors={errorsFor('comment')}
        />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('review.save')}
          </Button>
        </div>
      </form>
    </>
  );
}

/** The review section of a referral's page: for supervisors only. */
export function ReviewSection({ referralId, onDone }: { referralId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="referral-review" className="flex flex-col gap-3">
      <h2 id="referral-review" className="text-std-22B-150">
        {t('review.title')}
      </h2>
      <h3 className="text-std-18B-160">{t('review.history')}</h3>
      <History referralId={referralId} />
      <ReviewForm referralId={referralId} onDone={onDone} />
    </section>
  );
}

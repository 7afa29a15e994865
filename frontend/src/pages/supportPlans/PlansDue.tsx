// The 自立支援員's home: the support plans whose review is overdue or due soon, and those with
// an action past its due day, with the counts at a glance. Each row opens the plan.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { asProblem } from '../../api/problem';
import { keys } from '../../api/client';
import { listSupportPlans, type PlanFilter, type SupportPlan } from '../../api/supportPlans';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import { todayInTokyo } from '../../lib/datetime';
import { PlanStateBadge } from './badges';
import { countText, dueWithin, HOME_PLAN_LIMIT, REVIEW_SOON_DAYS } from './planDue';

function usePlans(filter: PlanFilter) {
  return useQuery({
    queryKey: [...keys.supportPlans, 'home', filter],
    queryFn: () => listSupportPlans(filter, undefined, HOME_PLAN_LIMIT),
    staleTime: 0,
  });
}

function Tile({ to, label, count, urgent, testId }: { to: string; label: string; count: string; urgent: boolean; testId: string }) {
  return (
    <li className={`rounded-8 border p-4 ${urgent ? 'border-error-1 bg-red-50' : 'border-solid-gray-420'}`}>
      <Link to={to} className="flex flex-col gap-1" data-testid={testId}>
        <span className="text-std-16B-170">{label}</span>
        <span className={`text-std-28B-150 ${urgent ? 'text-error-2' : ''}`}>{count}</span>
      </Link>
    </li>
  );
}

function PlanTable({ caption, plans, empty }: { caption: MessageKey; plans: readonly SupportPlan[]; empty: MessageKey }) {
  const i = useI18n();
  const { t } = i;
  if (plans.length === 0) return <p className="text-std-16N-170">{t(empty)}</p>;
  return (
    <Table caption={t(caption)} captionHidden={false} head={[t('plan.patient'), t('plan.state'), t('plan.reviewDue')]}>
      {plans.map((p) => (
        <Row key={p.id} highlight={p.review_overdue}>
          <Cell header>
            <Link to={`/support-plans/${p.id}`}>
              {p.patient_name ?? t('plan.patient')}
            </Link>
          </Cell>
          <Cell>
            <PlanStateBadge state={p.state} />
          </Cell>
          <Cell>
            {p.review_due_on ? i.date(p.review_due_on, { era: false }) : t('common.none')}
            {p.review_overdue && <strong className="ml-2 text-error-2">{t('plan.reviewOverdue')}</strong>}
          </Cell>
        </Row>
      ))}
    </Table>
  );
}

export function PlansDue() {
  const { t } = useI18n();
  const overdue = usePlans({ review_due: 'overdue' });
  const scheduled = usePlans({ review_due: 'scheduled' });
  const actions = usePlans({ action_overdue: true });
  const queries = [overdue, scheduled, actions];
  const failed = queries.find((q) => q.error);
  const notOffered = asProblem(failed?.error)?.code === 'program_not_offered';

  let body;
  if (queries.some((q) => q.isPending)) body = <Loading />;
  else if (notOffered) body = <Notice tone="info" title={t('problem.program_not_offered')} />;
  else if (failed) body = <LoadError error={failed.error} retry={() => queries.forEach((q) => void q.refetch())} />;
  else {
    const overdueItems = overdue.data?.items ?? [];
    const soon = dueWithin(scheduled.data?.items ?? [], todayInTokyo(), REVIEW_SOON_DAYS);
    const actionItems = actions.data?.items ?? [];
    const overdueCount = countText(overdueItems.length, Boolean(overdue.data?.next_cursor));
    const actionCount = countText(actionItems.length, Boolean(actions.data?.next_cursor));
    body = (
      <>
        <ul className="grid gap-4 sm:grid-cols-3" aria-label={t('planDue.counts')}>
          <Tile
            to="/support-plans?view=review_overdue"
            label={t('planDue.reviewOverdue')}
            count={t('planDue.countN', { count: overdueCount })}
            urgent={overdueItems.length > 0}
            testId="count-review-overdue"
          />
          <Tile
            to="/support-plans?view=review_scheduled"
            label={t('planDue.reviewSoon', { days: REVIEW_SOON_DAYS })}
            count={t('planDue.countN', { count: String(soon.length) })}
            urgent={false}
            testId="count-review-soon"
          />
          <Tile
            to="/support-plans?view=action_overdue"
            label={t('planDue.actionOverdue')}
            count={t('planDue.countN', { count: actionCount })}
            urgent={actionItems.length > 0}
            testId="count-action-overdue"
          />
        </ul>
        <PlanTable caption={'planDue.reviewTable'} plans={[...overdueItems, ...soon]} empty={'planDue.reviewEmpty'} />
        <PlanTable caption={'planDue.actionTable'} plans={actionItems} empty={'planDue.actionEmpty'} />
      </>
    );
  }
  return (
    <section aria-labelledby="home-plans-due" className="flex flex-col gap-3" data-slot="plans-due">
      <h2 id="home-plans-due" className="text-std-22B-150">
        {t('planDue.title')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('planDue.lead', { days: REVIEW_SOON_DAYS })}</p>
      {body}
      <p>
        <Link to="/support-plans">{t('planDue.all')}</Link>
      </p>
    </section>
  );
}

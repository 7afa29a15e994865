// The audit queue's 小慢 support plans: those waiting for approval, past their review day
// (escalated after the center's escalation days) or with an action past its due day, most
// urgent first (the API's order). Shown only where the API sends them (the center runs 小慢).
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { withNote } from '../labels';
import { PlanStateBadge } from '../supportPlans/badges';
import { countPlanReasons, isPlanQueueReason, planIsUrgent, planReasonKey, planReasonTone } from './planQueueModel';

const reasonClass = {
  urgent: 'border-error-1 bg-red-50 text-error-2 font-bold',
  info: 'border-blue-900 text-blue-900',
} as const;

function PlanReasonBadge({ reason }: { reason: string }) {
  const { t } = useI18n();
  const key = planReasonKey(reason);
  if (key === null || !isPlanQueueReason(reason)) {
    return <span className="inline-block rounded-4 border px-2 text-dns-16N-130">{reason}</span>;
  }
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${reasonClass[planReasonTone(reason)]}`}
      data-reason={reason}
    >
      {t(key)}
    </span>
  );
}

export function PlanQueueSection({ queue }: { queue: Schemas['PlanQueueDto'] }) {
  const i = useI18n();
  const { t } = i;
  const label = (reason: string) => {
    const key = planReasonKey(reason);
    return key === null ? reason : t(key);
  };
  return (
    <section aria-labelledby="plan-queue" className="flex flex-col gap-3" data-testid="plan-queue">
      <h2 id="plan-queue" className="text-std-22B-150">
        {t('planQueue.title')}
      </h2>
      <div className="flex flex-col gap-2 rounded-8 border border-solid-gray-420 p-4">
        <p className="text-std-18B-160" data-testid="plan-queue-total">
          {t('planQueue.total', { count: queue.total })}
        </p>
        {queue.items.length < queue.total && (
          <p className="text-std-16N-170">{t('planQueue.truncated', { shown: queue.items.length, total: queue.total })}</p>
        )}
        {queue.total > 0 && (
          <ul className="flex flex-wrap gap-x-6 gap-y-2 text-std-16N-170" aria-label={t('queue.byReason')}>
            {countPlanReasons(queue.by_reason).map(({ reason, count }) => (
              <li key={reason} className={planReasonTone(reason) === 'urgent' ? 'font-bold text-error-2' : ''}>
                {t('queue.reasonCount', { reason: label(reason), count })}
              </li>
            ))}
          </ul>
        )}
      </div>
      {queue.items.length === 0 ? (
        <p className="text-std-16N-170">{t('planQueue.empty')}</p>
      ) : (
        <Table
          caption={t('planQueue.title')}
          head={[
            t('plan.patient'),
            t('queue.reasons'),
            t('plan.state'),
            t('plan.reviewDue'),
            t('planQueue.earliestActionDue'),
            t('queue.overdue'),
          ]}
        >
          {queue.items.map((item) => (
            <Row key={item.plan_id} highlight={planIsUrgent(item.reasons)}>
              <Cell header>
                <Link to={`/support-plans/${item.plan_id}`} data-testid="plan-queue-open">
                  {withNote(i, item.patient_name, item.case_number)}
                  <span className="sr-only">{t('planQueue.openContext', { n: item.revision })}</span>
                </Link>
              </Cell>
              <Cell>
                <ul className="flex flex-wrap gap-1" data-testid="plan-queue-reasons">
                  {item.reasons.map((r) => (
                    <li key={r}>
                      <PlanReasonBadge reason={r} />
                    </li>
                  ))}
                </ul>
              </Cell>
              <Cell>
                <PlanStateBadge state={item.state} />
              </Cell>
              <Cell>
                <span className="whitespace-nowrap">{item.review_due_on ? i.date(item.review_due_on, { era: false }) : t('common.none')}</span>
              </Cell>
              <Cell>
                <span className="whitespace-nowrap">
                  {item.earliest_open_action_due ? i.date(item.earliest_open_action_due, { era: false }) : t('common.none')}
                </span>
              </Cell>
              <Cell>
                {item.days_overdue > 0 ? (
                  <strong className="text-error-2">{t('queue.overdueDays', { days: item.days_overdue })}</strong>
                ) : (
                  t('common.none')
                )}
              </Cell>
            </Row>
          ))}
        </Table>
      )}
    </section>
  );
}

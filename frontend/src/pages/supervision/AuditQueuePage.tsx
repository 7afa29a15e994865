// 監査キュー: the referrals that need the supervisor's eye, most urgent first (the API's order),
// and where the center runs 小慢 its support plans.
import { Link } from 'react-router';
import { keys } from '../../api/client';
import { isLevel } from '../../api/enums';
import { getAuditQueue } from '../../api/supervision';
import { PageTitle } from '../../app/PageTitle';
import { LevelBadge } from '../../components/LevelBadge';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { agencyTypeLabel, withNote } from '../labels';
import { ReasonBadges } from './badges';
import { PlanQueueSection } from './PlanQueueSection';
import { SupervisionNav } from './SupervisionNav';
import { countByReason, queueReasonLabel, reasonTone } from './supervisionModel';

export function AuditQueuePage() {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const queue = useCursorList(keys.auditQueue, getAuditQueue, { alwaysRefetch: true });
  const total = queue.lastPage?.total ?? 0;

  return (
    <>
      <PageTitle>{t('supervision.queue')}</PageTitle>
      <SupervisionNav />
      <p className="max-w-4xl text-std-16N-170">{t('queue.lead')}</p>
      {queue.isPending ? (
        <Loading />
      ) : queue.error ? (
        <LoadError error={queue.error} retry={queue.refetch} />
      ) : (
        <>
          <section aria-labelledby="queue-summary" className="flex flex-col gap-2 rounded-8 border border-solid-gray-420 p-4">
            <h2 id="queue-summary" className="text-std-20B-150" data-testid="queue-total">
              {t('queue.total', { count: total })}
            </h2>
            {queue.items.length < total && (
              <p className="text-std-16N-170">{t('queue.truncated', { shown: queue.items.length, total })}</p>
            )}
            {total > 0 && (
              <>
                <ul className="flex flex-wrap gap-x-6 gap-y-2 text-std-16N-170" aria-label={t('queue.byReason')}>
                  {countByReason(queue.lastPage?.by_reason ?? []).map(({ reason, count }) => (
                    <li key={reason} className={reasonTone(reason) === 'urgent' ? 'font-bold text-error-2' : ''}>
                      {t('queue.reasonCount', { reason: queueReasonLabel(i, reason), count })}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          {queue.items.length === 0 ? (
            <p className="text-std-16N-170">{t('queue.empty')}</p>
          ) : (
            <Table
              caption={t('supervision.queue')}
              head={[t('queue.patient'), t('queue.reasons'), t('queue.level'), t('queue.referral'), t('queue.overdue'), t('queue.consultant')]}
            >
              {queue.items.map((item) => {
                const urgent = item.reasons.some((r) => r === 'follow_up_escalated' || r === 'follow_up_overdue');
                return (
                  <Row key={item.referral_id} highlight={urgent}>
                    <Cell header>
                      <Link to={`/referrals/${item.referral_id}`} data-testid="queue-open">
                        {withNote(i, item.patient_name, item.case_number)}
                        <span className="sr-only">{t('queue.openContext', { agency: item.agency_name })}</span>
                      </Link>
                    </Cell>
                    <Cell>
                      <ReasonBadges reasons={item.reasons} />
                    </Cell>
                    <Cell>{isLevel(item.level) ? <LevelBadge level={item.level} compact /> : item.level}</Cell>
                    <Cell>
                      {withNote(i, item.agency_name, agencyTypeLabel(i, item.agency_type))}
                      <br />
                      <span className="text-dns-16N-130 text-solid-gray-700">{i.date(item.referred_on, { era: false })}</span>
                    </Cell>
                    <Cell>
                      {item.days_overdue > 0 ? (
                        <strong className="text-error-2">{t('queue.overdueDays', { days: item.days_overdue })}</strong>
                      ) : (
                        t('common.none')
                      )}
                      {item.open_follow_ups > 0 && item.earliest_open_due && (
                        <>
                          <br />
                          <span className="text-dns-16N-130 text-solid-gray-700">
                            {t('queue.openFollowUps', {
                              count: item.open_follow_ups,
                              date: i.date(item.earliest_open_due, { era: false }),
                            })}
                          </span>
                        </>
                      )}
                    </Cell>
                    <Cell>{staffName(item.consultant_id)}</Cell>
                  </Row>
                );
              })}
            </Table>
          )}
          {queue.items.length > 0 && (
            <ListFooter count={queue.items.length} hasMore={queue.hasMore} loadingMore={queue.loadingMore} loadMore={queue.loadMore} />
          )}
          {queue.lastPage?.support_plans && <PlanQueueSection queue={queue.lastPage.support_plans} />}
        </>
      )}
    </>
  );
}

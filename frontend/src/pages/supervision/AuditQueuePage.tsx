// 監査キュー: the referrals that need the supervisor's eye, most urgent first (the API's order),
// and where the center runs 小慢 its support plans.
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { AGENCY_TYPES, isLevel, LEVELS } from '../../api/enums';
import { getAuditQueue, type QueueFilters } from '../../api/supervision';
import { PageTitle } from '../../app/PageTitle';
import { DateField, SelectField } from '../../components/Field';
import { LevelBadge } from '../../components/LevelBadge';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaff, useStaffName } from '../cases/useCaseData';
import { agencyTypeLabel, levelLabel, withNote } from '../labels';
import { ReasonBadges } from './badges';
import { PlanQueueSection } from './PlanQueueSection';
import { SupervisionNav } from './SupervisionNav';
import { countByReason, queueReasonLabel, reasonTone } from './supervisionModel';

/** The filters live in the address, so a count links to its list and a list can be shared. */
const FILTER_NAMES = ['reason', 'level', 'consultant_id', 'agency_type', 'from', 'to'] as const;

function filtersOf(params: URLSearchParams): QueueFilters {
  return Object.fromEntries(FILTER_NAMES.map((n) => [n, params.get(n) ?? '']));
}

/** The address of the queue with `changes` applied to the current filters. */
function withFilters(params: URLSearchParams, changes: Partial<Record<(typeof FILTER_NAMES)[number], string>>): string {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  const q = next.toString();
  return q ? `?${q}` : '?';
}

export function AuditQueuePage() {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const staff = useStaff();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const queue = useCursorList([...keys.auditQueue, filters], (cursor) => getAuditQueue(filters, cursor), {
    alwaysRefetch: true,
    keepPrevious: true,
  });
  const total = queue.lastPage?.total ?? 0;
  const set = (name: (typeof FILTER_NAMES)[number]) => (value: string) =>
    setParams(new URLSearchParams(withFilters(params, { [name]: value }).slice(1)), { replace: true });
  const filtered = FILTER_NAMES.some((n) => params.get(n));
  const caseWorkers = (staff.data ?? []).filter(
    (u) => u.active && (u.role === 'consultant' || u.role === 'supervisor' || u.role === 'self_reliance_worker'),
  );

  return (
    <>
      <PageTitle>{t('supervision.queue')}</PageTitle>
      <SupervisionNav />
      <p className="max-w-4xl text-std-16N-170">{t('queue.lead')}</p>
      <form
        role="search"
        aria-label={t('queue.filters')}
        className="flex flex-wrap items-end gap-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          name="queue_level"
          label={t('queue.level')}
          placeholder={t('common.all')}
          options={LEVELS.map((l) => ({ value: l, label: levelLabel(i, l) }))}
          value={filters.level ?? ''}
          onChange={(e) => set('level')(e.target.value)}
        />
        <SelectField
          name="queue_consultant"
          label={t('queue.consultant')}
          placeholder={t('common.all')}
          options={caseWorkers.map((u) => ({ value: u.id, label: u.display_name }))}
          value={filters.consultant_id ?? ''}
          onChange={(e) => set('consultant_id')(e.target.value)}
        />
        <SelectField
          name="queue_agency_type"
          label={t('agency.type')}
          placeholder={t('common.all')}
          options={AGENCY_TYPES.map((a) => ({ value: a, label: agencyTypeLabel(i, a) }))}
          value={filters.agency_type ?? ''}
          onChange={(e) => set('agency_type')(e.target.value)}
        />
        <DateField name="queue_from" label={t('queue.from')} value={filters.from ?? ''} onChange={set('from')} />
        <DateField name="queue_to" label={t('queue.to')} value={filters.to ?? ''} onChange={set('to')} />
        {filtered && (
          <Link to="?" replace className="min-h-12 py-3 text-std-16N-170 underline">
            {t('queue.clearFilters')}
          </Link>
        )}
      </form>
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
                  {countByReason(queue.lastPage?.by_reason ?? []).map(({ reason, count }) => {
                    const chosen = filters.reason === reason;
                    return (
                      <li key={reason} className={reasonTone(reason) === 'urgent' ? 'font-bold text-error-2' : ''}>
                        {/* Each count opens the list of that reason; the chosen one clears it again. */}
                        <Link
                          to={withFilters(params, { reason: chosen ? '' : reason })}
                          replace
                          aria-current={chosen ? 'true' : undefined}
                          className={`underline ${chosen ? 'rounded-4 bg-blue-50 px-1' : ''}`}
                        >
                          {t('queue.reasonCount', { reason: queueReasonLabel(i, reason), count })}
                        </Link>
                      </li>
                    );
                  })}
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

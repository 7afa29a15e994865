import { Link, useSearchParams } from 'react-router';
import { FOLLOW_UP_CALENDAR_PATH } from '../../auth/permissions';
import { keys } from '../../api/client';
import { listFollowUps } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { useMe } from '../../auth/AuthProvider';
import { useOwnPrograms } from '../../app/useOwnCenter';
import { showsPlansDue } from '../supportPlans/planDue';
import { PlansDue } from '../supportPlans/PlansDue';
import { FollowUpTable } from './FollowUpTable';
import { HandOver } from './HandOver';

/**
 * The queue: open follow-ups (overdue first) by default, mine or everyone's; where the center
 * runs 小慢, the support plans whose review or actions are due come first, as the same work.
 */
export function FollowUpsPage() {
  const { t } = useI18n();
  const me = useMe();
  const programs = useOwnPrograms(me.center_id, true);
  const plansDue = showsPlansDue(me.roleKnown, programs);
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? '';
  const assignee = params.get('assignee') ?? 'me';
  const list = useCursorList([...keys.followUps, { state, assignee }], (cursor) => listFollowUps({ state, assignee }, cursor), {
    keepPrevious: true,
  });
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageTitle>{t('followUp.listTitle')}</PageTitle>
      <FlashNotice />
      {plansDue && <PlansDue />}
      <p className="text-std-16N-170">
        <Link to={FOLLOW_UP_CALENDAR_PATH}>{t('followUp.calendarLink')}</Link>
      </p>
      <div className="flex flex-wrap items-end gap-6">
        <div className="min-w-72">
          <SelectField
            name="filter_state"
            label={t('followUp.filterState')}
            options={[
              { value: '', label: t('followUp.filterOpen') },
              { value: 'overdue', label: t('followUpState.overdue') },
              { value: 'due', label: t('followUpState.due') },
              { value: 'done', label: t('followUpState.done') },
            ]}
            value={state}
            onChange={(e) => update('state', e.target.value)}
          />
        </div>
        <div className="min-w-60">
          <SelectField
            name="filter_assignee"
            label={t('followUp.filterAssignee')}
            options={[
              { value: 'me', label: t('followUp.assigneeMe') },
              { value: '', label: t('followUp.assigneeAll') },
            ]}
            value={assignee}
            onChange={(e) => update('assignee', e.target.value)}
          />
        </div>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {t('followUp.empty')}
        </p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <FollowUpTable
            items={list.items}
            caption={t('followUp.caption')}
            showAssignee={assignee !== 'me'}
            from={`/follow-ups?${params.toString()}`}
          />
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
      {me.roleKnown === 'supervisor' && <HandOver />}
    </>
  );
}

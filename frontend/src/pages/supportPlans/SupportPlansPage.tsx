// The 小慢 support plans of the center: every plan, those whose review day has passed, those
// with an action past its due day; by state too. Each row opens the plan.
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { listSupportPlans } from '../../api/supportPlans';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { asProblem } from '../../api/problem';
import { useI18n } from '../../i18n/I18nProvider';
import { PlanStateBadge } from './badges';
import { PLAN_STATES, PLAN_VIEWS, isPlanView, planFilter } from './supportPlanModel';

export function SupportPlansPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const rawView = params.get('view') ?? 'all';
  const view = isPlanView(rawView) ? rawView : 'all';
  const state = params.get('state') ?? '';
  const filter = planFilter(view, state);
  const list = useCursorList([...keys.supportPlans, filter], (cursor) => listSupportPlans(filter, cursor), {
    keepPrevious: true,
    alwaysRefetch: true,
  });
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const notOffered = asProblem(list.error)?.code === 'program_not_offered';

  return (
    <>
      <PageTitle>{t('plan.listTitle')}</PageTitle>
      <FlashNotice />
      <div className="flex flex-wrap items-end gap-6">
        <div className="min-w-72">
          <SelectField
            name="filter_view"
            label={t('plan.filterView')}
            options={PLAN_VIEWS.map((v) => ({ value: v, label: t(`planView.${v}`) }))}
            value={view}
            onChange={(e) => update('view', e.target.value)}
          />
        </div>
        <div className="min-w-60">
          <SelectField
            name="filter_state"
            label={t('plan.filterState')}
            options={[{ value: '', label: t('common.all') }, ...PLAN_STATES.map((s) => ({ value: s, label: t(`planState.${s}`) }))]}
            value={state}
            onChange={(e) => update('state', e.target.value)}
          />
        </div>
      </div>
      <p className="text-std-16N-170 text-solid-gray-700">{t('plan.createLead')}</p>
      {list.isPending ? (
        <Loading />
      ) : notOffered ? (
        <Notice tone="info" title={t('problem.program_not_offered')} />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {t('plan.empty')}
        </p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table
            caption={t('plan.listTitle')}
            head={[t('plan.patient'), t('plan.state'), t('plan.revision'), t('plan.reviewDue'), t('common.updatedAt')]}
          >
            {list.items.map((p) => (
              <Row key={p.id} highlight={p.review_overdue}>
                <Cell header>
                  <Link to={`/support-plans/${p.id}`} data-testid="plan-link">
                    {p.patient_name ?? t('plan.patient')}
                    {p.case_number ? <code className="ml-2">{p.case_number}</code> : null}
                  </Link>
                </Cell>
                <Cell>
                  <PlanStateBadge state={p.state} />
                </Cell>
                <Cell>{t('plan.revisionN', { n: p.revision })}</Cell>
                <Cell>
                  {p.review_due_on ? i.date(p.review_due_on, { era: false }) : t('common.none')}
                  {p.review_overdue && <strong className="ml-2 text-error-2">{t('plan.reviewOverdue')}</strong>}
                </Cell>
                <Cell>{i.dateTime(p.updated_at)}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
    </>
  );
}

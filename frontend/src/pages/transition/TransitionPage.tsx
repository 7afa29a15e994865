// 移行期: the center's 小慢 children who turn 18 within the chosen window and those past 18
// still in the program, oldest first (the API's order), with their latest plan and its
// transition goals. Moving a child to the adult 難病 program is done on the patient's page.
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem } from '../../api/problem';
import { listTransition, type TransitionEntry } from '../../api/transition';
import { PageTitle } from '../../app/PageTitle';
import { SelectField } from '../../components/Field';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { formatWarekiDate } from '../../lib/wareki';
import { PlanStateBadge } from '../supportPlans/badges';
import { GoalAchieved } from '../supportPlans/GoalList';
import { StageBadge } from './StageBadge';
import { WITHIN_MONTHS, parseWithinMonths } from './transitionModel';

/** A legal milestone's day: the Gregorian date, and in Japanese the 和暦 beneath it. */
function Milestone({ date }: { date: string }) {
  const i = useI18n();
  return (
    <>
      <span className="whitespace-nowrap">{i.date(date, { era: false })}</span>
      {i.lang === 'ja' && <span className="block whitespace-nowrap text-dns-16N-130 text-solid-gray-700">{formatWarekiDate(date)}</span>}
    </>
  );
}

function PlanCell({ entry }: { entry: TransitionEntry }) {
  const { t } = useI18n();
  const context = <span className="sr-only">{t('transition.planContext', { name: entry.patient_name })}</span>;
  if (!entry.plan) {
    return (
      <>
        <span className="block" data-testid="no-plan">
          {t('transition.noPlan')}
        </span>
        <Link to={`/support-plans/new?patient=${entry.patient_id}`} className="whitespace-nowrap">
          {t('plan.createFromPatient')}
          {context}
        </Link>
      </>
    );
  }
  return (
    <>
      <PlanStateBadge state={entry.plan.state} />
      <Link to={`/support-plans/${entry.plan.id}`} className="block whitespace-nowrap" data-testid="transition-plan">
        {t('plan.revisionN', { n: entry.plan.revision })}
        {context}
      </Link>
    </>
  );
}

function Goals({ entry }: { entry: TransitionEntry }) {
  const { t } = useI18n();
  if (entry.transition_goals.length === 0) return <>{entry.plan ? t('transition.noGoals') : t('common.none')}</>;
  return (
    <ul className="flex flex-col gap-1" data-testid="transition-goals">
      {entry.transition_goals.map((g, n) => (
        <li key={n}>
          {g.text}
          {g.achieved_on && <GoalAchieved date={g.achieved_on} />}
        </li>
      ))}
    </ul>
  );
}

export function TransitionPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const months = parseWithinMonths(params.get('months'));
  const list = useCursorList(keys.transition(months), (cursor) => listTransition(months, cursor), {
    keepPrevious: true,
    alwaysRefetch: true,
  });
  const notOffered = asProblem(list.error)?.code === 'program_not_offered';

  return (
    <>
      <PageTitle>{t('transition.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('transition.lead')}</p>
      <div className="min-w-60 max-w-xs">
        <SelectField
          name="within_months"
          label={t('transition.withinMonths')}
          hint={t('transition.withinMonthsHint')}
          options={WITHIN_MONTHS.map((m) => ({ value: String(m), label: t('transition.monthsN', { months: m }) }))}
          value={String(months)}
          onChange={(e) => {
            const next = new URLSearchParams(params);
            next.set('months', e.target.value);
            setParams(next, { replace: true });
          }}
        />
      </div>
      {list.isPending ? (
        <Loading />
      ) : notOffered ? (
        <Notice tone="info" title={t('problem.program_not_offered')} />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {t('transition.empty')}
        </p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table
            caption={t('transition.title')}
            head={[
              t('patient.name'),
              t('transition.birth'),
              t('transition.turns18'),
              t('transition.turns20'),
              t('transition.stage'),
              t('transition.plan'),
              t('transition.goals'),
            ]}
          >
            {list.items.map((e) => (
              <Row key={e.patient_id} highlight={e.stage === 'over_age'}>
                <Cell header>
                  <Link to={`/patients/${e.patient_id}`} data-testid="transition-patient">
                    {e.patient_name}
                  </Link>
                  <span className="block text-dns-16N-130 text-solid-gray-700">
                    {t('patient.caseNumber')} <code>{e.case_number}</code>
                  </span>
                </Cell>
                <Cell>
                  <span className="whitespace-nowrap">{i.date(e.birth_date, { era: false })}</span>
                  <span className="block">{t('patient.age', { age: e.age })}</span>
                </Cell>
                <Cell>
                  <Milestone date={e.turns_18_on} />
                </Cell>
                <Cell>
                  <Milestone date={e.turns_20_on} />
                </Cell>
                <Cell>
                  <StageBadge stage={e.stage} />
                </Cell>
                <Cell>
                  <PlanCell entry={e} />
                </Cell>
                <Cell>
                  <Goals entry={e} />
                </Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
    </>
  );
}

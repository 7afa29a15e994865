// A plan's actions (各種支援策の利用): who delivers what by when, followed up as done, not
// done or changed with the outcome and the next date. Overdue ones come first and say so.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { keys } from '../../api/client';
import { fromSelect } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import {
  createPlanAction,
  getPlanAction,
  listPlanActions,
  updatePlanAction,
  type ActionState,
  type BodyKind,
  type PlanAction,
} from '../../api/supportPlans';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { addDays, todayInTokyo } from '../../lib/datetime';
import { BODY_KINDS, FOLLOW_UP_STATES, isActionState, isBodyKind, orNull, sortActions } from './supportPlanModel';

function AddAction({ planId, onDone }: { planId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [bodyKind, setBodyKind] = useState('');
  const [bodyName, setBodyName] = useState('');
  const [responsible, setResponsible] = useState('');
  const [description, setDescription] = useState('');
  const [dueOn, setDueOn] = useState(addDays(todayInTokyo(), 30));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    body_kind: t('planAction.bodyKind'),
    body_name: t('planAction.bodyName'),
    responsible: t('planAction.responsible'),
    description: t('planAction.description'),
    due_on: t('planAction.dueOn'),
  };
  const body = {
    body_kind: fromSelect<BodyKind>(bodyKind),
    body_name: bodyName.trim(),
    responsible: responsible.trim(),
    description: orNull(description),
    due_on: dueOn,
  };
  const idempotencyKey = useIdempotencyKey({ planId, body });
  const mutation = useMutation({
    mutationFn: () => createPlanAction(planId, body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      setBodyKind('');
      setBodyName('');
      setResponsible('');
      setDescription('');
      await queryClient.invalidateQueries({ queryKey: keys.supportPlans });
      onDone(t('planAction.added'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <section aria-labelledby="add-action" className="flex flex-col gap-3">
      <h3 id="add-action" className="text-std-18B-160">
        {t('planAction.addTitle')}
      </h3>
      <ErrorSummary id="action-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <SelectField
          name="body_kind"
          label={labels.body_kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={BODY_KINDS.map((k) => ({ value: k, label: t(`bodyKind.${k}`) }))}
          value={bodyKind}
          onChange={(e) => setBodyKind(e.target.value)}
          errors={errorsFor('body_kind')}
        />
        <TextField
          name="body_name"
          label={labels.body_name}
          hint={t('planAction.bodyNameHint')}
          required
          autoComplete="off"
          value={bodyName}
          onChange={(e) => setBodyName(e.target.value)}
          errors={errorsFor('body_name')}
        />
        <TextField
          name="responsible"
          label={labels.responsible}
          required
          autoComplete="off"
          value={responsible}
          onChange={(e) => setResponsible(e.target.value)}
          errors={errorsFor('responsible')}
        />
        <TextAreaField
          name="description"
          label={labels.description}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          errors={errorsFor('description')}
        />
        <DateField
          name="due_on"
          label={labels.due_on}
          required
          value={dueOn}
          onChange={(v) => setDueOn(v)}
          errors={errorsFor('due_on')}
        />
        <div>
          <Button type="submit" variant="outline" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('planAction.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** The follow-up of one action, with its current ETag read just before saving. */
function FollowUpAction({ action, onDone, onCancel }: { action: PlanAction; onDone: (message: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [state, setState] = useState(action.state === 'open' ? '' : action.state);
  const [outcome, setOutcome] = useState(action.outcome ?? '');
  const [nextOn, setNextOn] = useState(action.next_on ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = { state: t('planAction.state'), outcome: t('planAction.outcome'), next_on: t('planAction.nextOn') };
  const mutation = useMutation({
    mutationFn: async () => {
      // The list carries no ETags: the action is read once, and again only after a 412.
      const current = etag ?? (await getPlanAction(action.plan_id, action.id)).etag;
      return updatePlanAction(
        action.plan_id,
        action.id,
        { state: fromSelect<ActionState>(state), outcome: orNull(outcome), next_on: nextOn === '' ? null : nextOn },
        current,
      );
    },
    onSuccess: async () => {
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: keys.supportPlans });
      onDone(t('planAction.saved'));
    },
    onError: async (e) => {
      const p = asProblem(e);
      setProblem(p);
      if (p?.status === 412) {
        setEtag((await getPlanAction(action.plan_id, action.id)).etag);
        await queryClient.invalidateQueries({ queryKey: keys.planActions(action.plan_id) });
      }
    },
  });
  return (
    <section aria-labelledby="follow-up-action" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h3 id="follow-up-action" className="text-std-18B-160">
        {t('planAction.followUpTitle', { name: action.body_name })}
      </h3>
      <ErrorSummary id="follow-up-action-errors" problem={problem} fields={labels} />
      <form
        noValidate
        className="flex max-w-3xl flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mutation.isPending) mutation.mutate();
        }}
      >
        <SelectField
          name="action_state"
          label={labels.state}
          required
          placeholder={t('common.selectPlaceholder')}
          options={FOLLOW_UP_STATES.map((s) => ({ value: s, label: t(`actionState.${s}`) }))}
          value={state}
          onChange={(e) => setState(e.target.value)}
          errors={errorsFor('state')}
        />
        <TextAreaField
          name="outcome"
          label={labels.outcome}
          required
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
          errors={errorsFor('outcome')}
        />
        <DateField
          name="next_on"
          label={labels.next_on}
          value={nextOn}
          onChange={(v) => setNextOn(v)}
          errors={errorsFor('next_on')}
        />
        <div className="flex flex-wrap gap-4">
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('planAction.save')}
          </Button>
          <Button variant="text" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </section>
  );
}

export function ActionsSection({ planId, onDone }: { planId: string; onDone: (message: string) => void }) {
  const i = useI18n();
  const { t } = i;
  const [editing, setEditing] = useState<string | null>(null);
  const actions = useQuery({ queryKey: keys.planActions(planId), queryFn: () => listPlanActions(planId), staleTime: 0 });
  const editingAction = actions.data?.find((a) => a.id === editing);
  return (
    <section aria-labelledby="plan-actions" className="flex flex-col gap-3">
      <h2 id="plan-actions" className="text-std-22B-150">
        {t('planAction.title')}
      </h2>
      {actions.isPending ? (
        <Loading />
      ) : actions.error ? (
        <LoadError error={actions.error} retry={() => void actions.refetch()} />
      ) : actions.data.length === 0 ? (
        <p className="text-std-16N-170">{t('planAction.empty')}</p>
      ) : (
        <Table
          caption={t('planAction.title')}
          head={[
            t('planAction.body'),
            t('planAction.responsible'),
            t('planAction.dueOn'),
            t('planAction.state'),
            t('planAction.outcome'),
            t('planAction.nextOn'),
            t('planAction.record'),
          ]}
        >
          {sortActions(actions.data).map((a) => (
            <Row key={a.id} highlight={a.overdue}>
              <Cell header>
                {a.body_name}
                <span className="block text-dns-16N-130 text-solid-gray-700">
                  {isBodyKind(a.body_kind) ? t(`bodyKind.${a.body_kind}`) : a.body_kind}
                </span>
              </Cell>
              <Cell>{a.responsible}</Cell>
              <Cell>
                <span className="whitespace-nowrap">{i.date(a.due_on, { era: false })}</span>
                {a.overdue && (
                  <strong className="block text-error-2" data-testid="action-overdue">
                    {t('planAction.overdue')}
                  </strong>
                )}
              </Cell>
              <Cell>{isActionState(a.state) ? t(`actionState.${a.state}`) : a.state}</Cell>
              <Cell>{a.outcome ?? t('common.none')}</Cell>
              <Cell>{a.next_on ? i.date(a.next_on, { era: false }) : t('common.none')}</Cell>
              <Cell>
                <Button variant="text" size="sm" onClick={() => setEditing(a.id)}>
                  {t('planAction.record')}
                  <span className="sr-only">{t('planAction.recordContext', { name: a.body_name })}</span>
                </Button>
              </Cell>
            </Row>
          ))}
        </Table>
      )}
      {editingAction && (
        <FollowUpAction
          key={editingAction.id}
          action={editingAction}
          onCancel={() => setEditing(null)}
          onDone={(m) => {
            setEditing(null);
            onDone(m);
          }}
        />
      )}
      <AddAction planId={planId} onDone={onDone} />
    </section>
  );
}

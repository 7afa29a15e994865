// 研修: the trainings the center's staff attended or gave, with their hours, and a form to
// record one's own.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { createTraining, listTrainings } from '../../api/activities';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { capabilities, PEER_SUPPORT_REPORT_PATH } from '../../auth/permissions';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { checkNumbers, submitChecked } from '../../components/forms';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { useStaffName } from '../cases/useCaseData';
import { FiscalYearFilter } from './common';
import { emptyTraining, TRAINING_NUMBERS, trainingBody, TrainingFields, trainingLabels, type TrainingForm } from './trainingForm';

export const TRAINING_KEY = ['activities', 'trainings'] as const;

function AddTraining({ onDone }: { onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<TrainingForm>(emptyTraining);
  const set = <K extends keyof TrainingForm>(key: K, value: TrainingForm[K]) => setValues((v) => ({ ...v, [key]: value }));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  // No user: the server records the caller's own training.
  const body = trainingBody(values, null);
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createTraining(body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      // Whose and how stay: a supervisor often enters several of one colleague's in a row.
      setValues((v) => ({ ...emptyTraining(), user_id: v.user_id, participation: v.participation, held_on: v.held_on }));
      await queryClient.invalidateQueries({ queryKey: TRAINING_KEY });
      onDone(t('training.added'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = submitChecked(mutation, () => checkNumbers(values, TRAINING_NUMBERS), setProblem);
  return (
    <section aria-labelledby="add-training" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-training" className="text-std-22B-150">
        {t('training.addTitle')}
      </h2>
      <ErrorSummary id="training-errors" problem={problem} fields={trainingLabels(t)} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <TrainingFields values={values} set={set} errorsFor={errorsFor} />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('training.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}

export function TrainingsPage() {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const caps = capabilities(useAuth().role);
  const peer = caps.peerSupport;
  const me = useMe();
  // One's own training, or a supervisor's (or administrator's) call: what the server lets change.
  const canEdit = (userId: string) => userId === me.id || caps.supervise;
  const [year, setYear] = useState(String(currentFiscalYear()));
  const [message, setMessage] = useState('');
  const list = useCursorList([...TRAINING_KEY, year], (cursor) => listTrainings(year, cursor), { keepPrevious: true, alwaysRefetch: true });
  return (
    <>
      <PageTitle>{t('training.listTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('training.lead')}</p>
      <p>
        {/* A peer supporter has no センター活動 menu (events name patients): back to their evidence instead. */}
        {peer ? <Link to={PEER_SUPPORT_REPORT_PATH}>{t('peerReport.back')}</Link> : <Link to="/activities">{t('activities.back')}</Link>}
      </p>
      <FlashNotice />
      <p role="status" className="text-std-16N-170">
        {message}
      </p>
      <AddTraining onDone={setMessage} />
      <FiscalYearFilter value={year} onChange={setYear} />
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('training.empty')}</p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table caption={t('training.listTitle')} head={[t('training.heldOn'), t('training.staff'), t('training.title'), t('training.course'), t('training.hours'), t('activities.actions')]}>
            {list.items.map((x) => (
              <Row key={x.id}>
                <Cell header>{i.date(x.held_on)}</Cell>
                <Cell>{staffName(x.user_id)}</Cell>
                <Cell>
                  {x.title}（{t(`trainingParticipation.${x.participation}`)}）
                </Cell>
                <Cell>{t(`trainingCourse.${x.course}`)}</Cell>
                <Cell>{t('training.hoursValue', { hours: String(x.hours) })}</Cell>
                <Cell>
                  {canEdit(x.user_id) ? (
                    <Link to={`/activities/trainings/${x.id}/edit`} data-testid="training-edit">
                      {t('activities.edit')}
                      <span className="sr-only">{t('activities.editOf', { what: x.title })}</span>
                    </Link>
                  ) : (
                    t('common.none')
                  )}
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

// 研修: the trainings the center's staff attended or gave, with their hours, and a form to
// record one's own.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { createTraining, listTrainings } from '../../api/activities';
import { fromSelect, TRAINING_COURSES, TRAINING_PARTICIPATIONS, type TrainingCourse, type TrainingParticipation } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { capabilities, PEER_SUPPORT_REPORT_PATH } from '../../auth/permissions';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField, TextField } from '../../components/Field';
import { optionalText } from '../../components/forms';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear, todayInTokyo } from '../../lib/datetime';
import { useStaff, useStaffName } from '../cases/useCaseData';
import { roleLabel, withNote } from '../labels';
import { FiscalYearFilter } from './common';

const KEY = ['activities', 'trainings'] as const;

function AddTraining({ onDone }: { onDone: (message: string) => void }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  // A supervisor records a colleague's training too, e.g. a peer supporter's 養成講習会
  // (the evidence of their work names its completion); everyone else records their own.
  const me = useMe();
  const supervisor = capabilities(useAuth().role).supervise;
  const staff = useStaff();
  const [userId, setUserId] = useState('');
  const [participation, setParticipation] = useState('attended');
  const [course, setCourse] = useState('');
  const [title, setTitle] = useState('');
  const [organiser, setOrganiser] = useState('');
  const [heldOn, setHeldOn] = useState(todayInTokyo());
  const [endedOn, setEndedOn] = useState('');
  const [hours, setHours] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    user_id: t('training.staff'),
    participation: t('training.participation'),
    course: t('training.course'),
    title: t('training.title'),
    organiser: t('training.organiser'),
    held_on: t('training.heldOn'),
    ended_on: t('training.endedOn'),
    hours: t('training.hours'),
  };
  const body = {
    user_id: supervisor && userId !== '' ? userId : null,
    participation: fromSelect<TrainingParticipation>(participation),
    course: fromSelect<TrainingCourse>(course),
    title: title.trim(),
    organiser: optionalText(organiser),
    held_on: heldOn,
    ended_on: endedOn || null,
    hours: Number(hours.trim() === '' ? 'NaN' : hours),
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createTraining({ ...body, hours: Number.isFinite(body.hours) ? body.hours : 0 }, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      setCourse('');
      setTitle('');
      setOrganiser('');
      setEndedOn('');
      setHours('');
      await queryClient.invalidateQueries({ queryKey: KEY });
      onDone(t('training.added'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <section aria-labelledby="add-training" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-training" className="text-std-22B-150">
        {t('training.addTitle')}
      </h2>
      <ErrorSummary id="training-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        {supervisor && (
          <SelectField
            name="user_id"
            label={labels.user_id}
            options={[
              { value: '', label: t('common.you', { name: me.display_name }) },
              ...(staff.data ?? [])
                .filter((u) => u.active && u.id !== me.id && u.role !== 'system_admin')
                .map((u) => ({ value: u.id, label: withNote(i, u.display_name, roleLabel(i, u.role)) })),
            ]}
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            errors={errorsFor('user_id')}
          />
        )}
        <SelectField
          name="participation"
          label={labels.participation}
          required
          options={TRAINING_PARTICIPATIONS.map((p) => ({ value: p, label: t(`trainingParticipation.${p}`) }))}
          value={participation}
          onChange={(e) => setParticipation(e.target.value)}
          errors={errorsFor('participation')}
        />
        <SelectField
          name="course"
          label={labels.course}
          required
          placeholder={t('common.selectPlaceholder')}
          options={TRAINING_COURSES.map((c) => ({ value: c, label: t(`trainingCourse.${c}`) }))}
          value={course}
          onChange={(e) => setCourse(e.target.value)}
          errors={errorsFor('course')}
        />
        <TextField name="title" label={labels.title} required value={title} onChange={(e) => setTitle(e.target.value)} errors={errorsFor('title')} />
        <TextField name="organiser" label={labels.organiser} value={organiser} onChange={(e) => setOrganiser(e.target.value)} errors={errorsFor('organiser')} />
        <div className="flex flex-wrap gap-4">
          <TextField name="held_on" type="date" label={labels.held_on} required value={heldOn} onChange={(e) => setHeldOn(e.target.value)} errors={errorsFor('held_on')} />
          <TextField name="ended_on" type="date" label={labels.ended_on} hint={t('training.endedOnHint')} value={endedOn} onChange={(e) => setEndedOn(e.target.value)} errors={errorsFor('ended_on')} />
        </div>
        <TextField name="hours" inputMode="decimal" label={labels.hours} hint={t('training.hoursHint')} required value={hours} onChange={(e) => setHours(e.target.value)} errors={errorsFor('hours')} />
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
  const peer = capabilities(useAuth().role).peerSupport;
  const [year, setYear] = useState(String(currentFiscalYear()));
  const [message, setMessage] = useState('');
  const list = useCursorList([...KEY, year], (cursor) => listTrainings(year, cursor), { keepPrevious: true, alwaysRefetch: true });
  return (
    <>
      <PageTitle>{t('training.listTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('training.lead')}</p>
      <p>
        {/* A peer supporter has no センター活動 menu (events name patients): back to their evidence instead. */}
        {peer ? <Link to={PEER_SUPPORT_REPORT_PATH}>{t('peerReport.back')}</Link> : <Link to="/activities">{t('activities.back')}</Link>}
      </p>
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
          <Table caption={t('training.listTitle')} head={[t('training.heldOn'), t('training.staff'), t('training.title'), t('training.course'), t('training.hours')]}>
            {list.items.map((x) => (
              <Row key={x.id}>
                <Cell header>{i.date(x.held_on)}</Cell>
                <Cell>{staffName(x.user_id)}</Cell>
                <Cell>
                  {x.title}（{t(`trainingParticipation.${x.participation}`)}）
                </Cell>
                <Cell>{t(`trainingCourse.${x.course}`)}</Cell>
                <Cell>{t('training.hoursValue', { hours: String(x.hours) })}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
    </>
  );
}

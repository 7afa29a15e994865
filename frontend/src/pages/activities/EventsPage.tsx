// イベント・集団活動: ピア相談会, 難病カフェ, seminars… with who came, and a form to record one.
// Each row opens the event, where the patients who came can be named.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { createEvent, listEvents } from '../../api/activities';
import { EVENT_KINDS, fromSelect, type EventKind } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { optionalText } from '../../components/forms';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear, todayInTokyo } from '../../lib/datetime';
import { FiscalYearFilter } from './common';

export const EVENTS_KEY = ['cases', 'activities', 'events'] as const;

function count(v: string): number {
  const n = Number(v.trim());
  return v.trim() === '' || !Number.isFinite(n) ? 0 : n;
}

function AddEvent() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState('');
  const [kindOther, setKindOther] = useState('');
  const [title, setTitle] = useState('');
  const [heldOn, setHeldOn] = useState(todayInTokyo());
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [place, setPlace] = useState('');
  const [online, setOnline] = useState(false);
  const [patients, setPatients] = useState('');
  const [families, setFamilies] = useState('');
  const [professionals, setProfessionals] = useState('');
  const [materials, setMaterials] = useState('');
  const [series, setSeries] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    kind: t('event.kind'),
    kind_other: t('event.kindOther'),
    title: t('event.title'),
    held_on: t('event.heldOn'),
    start_time: t('event.startTime'),
    end_time: t('event.endTime'),
    place: t('event.place'),
    patients_count: t('event.patientsCount'),
    families_count: t('event.familiesCount'),
    professionals_count: t('event.professionalsCount'),
    materials: t('event.materials'),
    series: t('event.series'),
  };
  const body = {
    kind: fromSelect<EventKind>(kind),
    kind_other: kind === 'other' ? optionalText(kindOther) : null,
    title: title.trim(),
    held_on: heldOn,
    start_time: start || null,
    end_time: end || null,
    place: optionalText(place),
    online,
    staff_ids: [],
    patients_count: count(patients),
    families_count: count(families),
    professionals_count: count(professionals),
    materials: materials.split('\n').map((m) => m.trim()).filter(Boolean),
    series: optionalText(series),
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createEvent(body, idempotencyKey),
    onSuccess: async (e) => {
      await queryClient.invalidateQueries({ queryKey: EVENTS_KEY });
      void navigate(`/activities/events/${e.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <section aria-labelledby="add-event" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-event" className="text-std-22B-150">
        {t('event.addTitle')}
      </h2>
      <ErrorSummary id="event-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <SelectField
          name="kind"
          label={labels.kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={EVENT_KINDS.map((k) => ({ value: k, label: t(`eventKind.${k}`) }))}
          value={kind}
          onChange={(e) => setKind(e.target.value)}
          errors={errorsFor('kind')}
        />
        {kind === 'other' && (
          <TextField name="kind_other" label={labels.kind_other} required value={kindOther} onChange={(e) => setKindOther(e.target.value)} errors={errorsFor('kind_other')} />
        )}
        <TextField name="title" label={labels.title} required value={title} onChange={(e) => setTitle(e.target.value)} errors={errorsFor('title')} />
        <div className="flex flex-wrap gap-4">
          <TextField name="held_on" type="date" label={labels.held_on} required value={heldOn} onChange={(e) => setHeldOn(e.target.value)} errors={errorsFor('held_on')} />
          <TextField name="start_time" type="time" label={labels.start_time} value={start} onChange={(e) => setStart(e.target.value)} errors={errorsFor('start_time')} />
          <TextField name="end_time" type="time" label={labels.end_time} value={end} onChange={(e) => setEnd(e.target.value)} errors={errorsFor('end_time')} />
        </div>
        <TextField name="place" label={labels.place} value={place} onChange={(e) => setPlace(e.target.value)} errors={errorsFor('place')} />
        <CheckboxField name="online" label={t('event.online')} checked={online} onChange={(e) => setOnline(e.target.checked)} />
        <div className="flex flex-wrap gap-4">
          <TextField name="patients_count" inputMode="numeric" label={labels.patients_count} value={patients} onChange={(e) => setPatients(e.target.value)} errors={errorsFor('patients_count')} />
          <TextField name="families_count" inputMode="numeric" label={labels.families_count} value={families} onChange={(e) => setFamilies(e.target.value)} errors={errorsFor('families_count')} />
          <TextField
            name="professionals_count"
            inputMode="numeric"
            label={labels.professionals_count}
            value={professionals}
            onChange={(e) => setProfessionals(e.target.value)}
            errors={errorsFor('professionals_count')}
          />
        </div>
        <TextAreaField name="materials" label={labels.materials} hint={t('event.materialsHint')} value={materials} onChange={(e) => setMaterials(e.target.value)} errors={errorsFor('materials')} />
        <TextField name="series" label={labels.series} hint={t('event.seriesHint')} value={series} onChange={(e) => setSeries(e.target.value)} errors={errorsFor('series')} />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('event.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}

export function EventsPage() {
  const i = useI18n();
  const { t } = i;
  const [year, setYear] = useState(String(currentFiscalYear()));
  const list = useCursorList([...EVENTS_KEY, year], (cursor) => listEvents(year, cursor), { keepPrevious: true, alwaysRefetch: true });
  return (
    <>
      <PageTitle>{t('event.listTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('event.lead')}</p>
      <p>
        <Link to="/activities">{t('activities.back')}</Link>
      </p>
      <AddEvent />
      <FiscalYearFilter value={year} onChange={setYear} />
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('event.empty')}</p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table caption={t('event.listTitle')} head={[t('event.heldOn'), t('event.title'), t('event.kind'), t('event.headcount')]}>
            {list.items.map((e) => (
              <Row key={e.id}>
                <Cell header>{i.date(e.held_on)}</Cell>
                <Cell>
                  <Link to={`/activities/events/${e.id}`} data-testid="event-link">
                    {e.title}
                  </Link>
                </Cell>
                <Cell>{t(`eventKind.${e.kind}`)}</Cell>
                <Cell>
                  {t('event.headcountValue', {
                    patients: String(e.patients_count),
                    families: String(e.families_count),
                    professionals: String(e.professionals_count),
                  })}
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

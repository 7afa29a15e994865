// イベント・集団活動: ピア相談会, 難病カフェ, seminars… with who came, and a form to record one.
// Each row opens the event, where the patients who came can be named.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { createEvent, listEvents } from '../../api/activities';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { checkNumbers, submitChecked } from '../../components/forms';
import { flash, FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { FiscalYearFilter } from './common';
import { emptyEvent, EVENT_NUMBERS, eventBody, EventFields, eventLabels, type EventForm } from './eventForm';

export const EVENTS_KEY = ['cases', 'activities', 'events'] as const;

function AddEvent() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<EventForm>(emptyEvent);
  const set = <K extends keyof EventForm>(key: K, value: EventForm[K]) => setValues((v) => ({ ...v, [key]: value }));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = eventBody(values);
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createEvent(body, idempotencyKey),
    onSuccess: async (e) => {
      await queryClient.invalidateQueries({ queryKey: EVENTS_KEY });
      void navigate(`/activities/events/${e.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = submitChecked(mutation, () => checkNumbers(values, EVENT_NUMBERS), setProblem);
  return (
    <section aria-labelledby="add-event" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-event" className="text-std-22B-150">
        {t('event.addTitle')}
      </h2>
      <ErrorSummary id="event-errors" problem={problem} fields={eventLabels(t)} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <EventFields values={values} set={set} errorsFor={errorsFor} />
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
      <FlashNotice />
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
          <Table caption={t('event.listTitle')} head={[t('event.heldOn'), t('event.title'), t('event.kind'), t('event.headcount'), t('activities.actions')]}>
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
                <Cell>
                  <Link to={`/activities/events/${e.id}/edit`} data-testid="event-edit">
                    {t('activities.edit')}
                    <span className="sr-only">{t('activities.editOf', { what: e.title })}</span>
                  </Link>
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

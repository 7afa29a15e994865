// One event: what, when, where and who came, and the patients named at it — chosen by
// name, each with a consent in force on the event's day (the server refuses others).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { addAttendee, getEvent, removeAttendee } from '../../api/activities';
import { ATTENDEE_ROLES, fromSelect, type AttendeeRole } from '../../api/enums';
import { asProblem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { patientName } from '../labels';
import { PatientNameById, PatientPicker } from '../shoman/PatientPicker';
import { EVENTS_KEY } from './EventsPage';

export function EventPage() {
  const i = useI18n();
  const { t } = i;
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<string>('patient');
  const [message, setMessage] = useState('');
  const q = useQuery({ queryKey: [...EVENTS_KEY, 'one', id], queryFn: () => getEvent(id) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: EVENTS_KEY });
  const add = useMutation({
    mutationFn: (p: { id: string; name: string }) => addAttendee(id, { patient_id: p.id, role: fromSelect<AttendeeRole>(role) }, crypto.randomUUID()),
    onSuccess: async (_e, p) => {
      await refresh();
      setMessage(t('event.attendeeAdded', { name: p.name }));
    },
  });
  const remove = useMutation({
    mutationFn: (patientId: string) => removeAttendee(id, patientId),
    onSuccess: async () => {
      await refresh();
      setMessage(t('event.attendeeRemoved'));
    },
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <LoadError error={q.error} retry={q.refetch} />;
  const e = q.data.data;
  const problem = asProblem(add.error) ?? asProblem(remove.error);
  const facts: [string, string][] = [
    [t('event.kind'), `${t(`eventKind.${e.kind}`)}${e.kind_other ? `（${e.kind_other}）` : ''}`],
    [t('event.heldOn'), `${i.date(e.held_on)}${e.start_time ? ` ${e.start_time}` : ''}${e.end_time ? `–${e.end_time}` : ''}`],
    [t('event.place'), [e.place, e.online ? t('event.online') : null].filter(Boolean).join(' / ') || t('common.none')],
    [
      t('event.headcount'),
      t('event.headcountValue', {
        patients: String(e.patients_count),
        families: String(e.families_count),
        professionals: String(e.professionals_count),
      }),
    ],
    [t('event.materials'), e.materials.join('、') || t('common.none')],
    [t('event.series'), e.series ?? t('common.none')],
  ];
  return (
    <>
      <PageTitle>{e.title}</PageTitle>
      <FlashNotice />
      <p className="flex flex-wrap gap-4">
        <Link to="/activities/events">{t('event.back')}</Link>
        <Link to={`/activities/events/${id}/edit`}>{t('event.edit')}</Link>
      </p>
      <dl className="facts max-w-3xl gap-x-6 gap-y-2">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-std-16B-170">{k}</dt>
            <dd className="text-std-16N-170">{v}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="attendees" className="flex flex-col gap-3">
        <h2 id="attendees" className="text-std-22B-150">
          {t('event.attendees')}
        </h2>
        <p className="text-std-16N-170">{t('event.attendeesLead')}</p>
        <p role="status" className="text-std-16N-170">
          {message}
        </p>
        {problem && <Notice tone="error" live="assertive" title={problemMessage(problem, i.lang)} />}
        {e.attendees.length === 0 ? (
          <p className="text-std-16N-170">{t('event.noAttendees')}</p>
        ) : (
          <Table caption={t('event.attendees')} head={[t('event.attendee'), t('event.attendeeRole'), t('event.actions')]}>
            {e.attendees.map((a) => (
              <Row key={a.patient_id}>
                <Cell header>
                  <Link to={`/patients/${a.patient_id}`}>
                    <PatientNameById id={a.patient_id} />
                  </Link>
                </Cell>
                <Cell>{t(`attendeeRole.${a.role}`)}</Cell>
                <Cell>
                  <Button size="sm" variant="outline" disabled={remove.isPending} onClick={() => remove.mutate(a.patient_id)}>
                    {t('event.removeAttendee')}
                  </Button>
                </Cell>
              </Row>
            ))}
          </Table>
        )}
        <div className="flex max-w-3xl flex-col gap-3" data-testid="add-attendee">
          <SelectField
            name="attendee_role"
            label={t('event.attendeeRole')}
            options={ATTENDEE_ROLES.map((r) => ({ value: r, label: t(`attendeeRole.${r}`) }))}
            value={role}
            onChange={(ev) => setRole(ev.target.value)}
          />
          <PatientPicker
            name="attendee_search"
            label={t('event.findAttendee')}
            hint={t('event.findAttendeeHint')}
            chooseLabel={t('event.chooseAttendee')}
            exclude={e.attendees.map((a) => a.patient_id)}
            onChoose={(p) => add.mutate({ id: p.id, name: patientName(p) })}
          />
        </div>
      </section>
    </>
  );
}

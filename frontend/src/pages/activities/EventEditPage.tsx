// Correcting a recorded event (its day, place, headcount…) on the form it was recorded with;
// the named attendees stay on the event's own page.
import { useParams } from 'react-router';
import { getEvent, updateEvent, type ActivityEvent } from '../../api/activities';
import { useI18n } from '../../i18n/I18nProvider';
import { EditRecordPage } from './EditRecord';
import { EVENT_NUMBERS, eventDisplay, EventFields, eventLabels, eventPatch, eventToForm, type EventForm } from './eventForm';
import { EVENTS_KEY } from './EventsPage';

export function EventEditPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  return (
    <EditRecordPage<ActivityEvent, EventForm>
      key={id}
      title={i.t('event.editTitle')}
      resource={i.t('event.resource')}
      queryKey={[...EVENTS_KEY, 'edit', id]}
      invalidate={EVENTS_KEY}
      load={() => getEvent(id)}
      save={(changes, etag) => updateEvent(id, eventPatch(changes), etag)}
      toForm={eventToForm}
      labels={eventLabels(i.t)}
      display={(f) => eventDisplay(i, f)}
      back="/activities/events"
      fields={(p) => <EventFields {...p} />}
      numbers={EVENT_NUMBERS}
    />
  );
}

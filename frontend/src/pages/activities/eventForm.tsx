// The event form, one for recording an event and for correcting it: its values (as typed),
// how they become the API's create and change bodies, and the fields. The named attendees
// are kept on the event's own page, not here.
import type { ActivityEvent, CreateEvent, UpdateEvent } from '../../api/activities';
import { EVENT_KINDS, fromSelect, type EventKind } from '../../api/enums';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { optionalText, readNumber } from '../../components/forms';
import type { I18n } from '../../i18n/I18nProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import type { FieldsProps } from './EditRecord';

export type EventForm = {
  kind: string;
  kind_other: string;
  title: string;
  held_on: string;
  start_time: string;
  end_time: string;
  place: string;
  online: boolean;
  patients_count: string;
  families_count: string;
  professionals_count: string;
  /** One item a line. */
  materials: string;
  series: string;
};

/** The headcounts: typed as text, refused by the form when not a number (checkNumbers). */
export const EVENT_NUMBERS = ['patients_count', 'families_count', 'professionals_count'] as const;

/**
 * A headcount typed in a text box (0 when empty; the server refuses what is not a whole
 * number ≥ 0). What is not a number never gets here: the form refuses it first.
 */
function count(v: string): number {
  const n = readNumber(v);
  return n === null || Number.isNaN(n) ? 0 : n;
}

export function emptyEvent(): EventForm {
  return {
    kind: '',
    kind_other: '',
    title: '',
    held_on: todayInTokyo(),
    start_time: '',
    end_time: '',
    place: '',
    online: false,
    patients_count: '',
    families_count: '',
    professionals_count: '',
    materials: '',
    series: '',
  };
}

export function eventToForm(e: ActivityEvent): EventForm {
  return {
    kind: e.kind,
    kind_other: e.kind_other ?? '',
    title: e.title,
    held_on: e.held_on,
    start_time: e.start_time ?? '',
    end_time: e.end_time ?? '',
    place: e.place ?? '',
    online: e.online,
    patients_count: String(e.patients_count),
    families_count: String(e.families_count),
    professionals_count: String(e.professionals_count),
    materials: e.materials.join('\n'),
    series: e.series ?? '',
  };
}

/** The create body (staff are not chosen on this form). */
export function eventBody(f: EventForm): CreateEvent {
  return {
    kind: fromSelect<EventKind>(f.kind),
    kind_other: f.kind === 'other' ? optionalText(f.kind_other) : null,
    title: f.title.trim(),
    held_on: f.held_on,
    start_time: f.start_time || null,
    end_time: f.end_time || null,
    place: optionalText(f.place),
    online: f.online,
    staff_ids: [],
    patients_count: count(f.patients_count),
    families_count: count(f.families_count),
    professionals_count: count(f.professionals_count),
    materials: f.materials
      .split('\n')
      .map((m) => m.trim())
      .filter(Boolean),
    series: optionalText(f.series),
  };
}

/** The changed fields as a PATCH body; a kind changed away from 「その他」 clears its text. */
export function eventPatch(changes: Partial<EventForm>): UpdateEvent {
  const full = eventBody({ ...emptyEvent(), ...changes });
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(changes)) out[k] = full[k as keyof CreateEvent];
  if (changes.kind !== undefined && changes.kind !== 'other') out.kind_other = null;
  return out;
}

export function eventLabels(t: I18n['t']): Record<keyof EventForm, string> {
  return {
    kind: t('event.kind'),
    kind_other: t('event.kindOther'),
    title: t('event.title'),
    held_on: t('event.heldOn'),
    start_time: t('event.startTime'),
    end_time: t('event.endTime'),
    place: t('event.place'),
    online: t('event.online'),
    patients_count: t('event.patientsCount'),
    families_count: t('event.familiesCount'),
    professionals_count: t('event.professionalsCount'),
    materials: t('event.materials'),
    series: t('event.series'),
  };
}

export function eventDisplay(i: I18n, f: EventForm): Record<keyof EventForm, string> {
  return {
    ...f,
    kind: f.kind ? i.t(`eventKind.${f.kind as EventKind}`) : '',
    held_on: f.held_on ? i.date(f.held_on) : '',
    online: f.online ? i.t('common.yes') : i.t('common.no'),
    materials: f.materials.split('\n').filter(Boolean).join('、'),
  };
}

export function EventFields({ values, set, errorsFor }: FieldsProps<EventForm>) {
  const { t } = useI18n();
  const labels = eventLabels(t);
  return (
    <>
      <SelectField
        name="kind"
        label={labels.kind}
        required
        placeholder={t('common.selectPlaceholder')}
        options={EVENT_KINDS.map((k) => ({ value: k, label: t(`eventKind.${k}`) }))}
        value={values.kind}
        onChange={(e) => set('kind', e.target.value)}
        errors={errorsFor('kind')}
      />
      {values.kind === 'other' && (
        <TextField name="kind_other" label={labels.kind_other} required value={values.kind_other} onChange={(e) => set('kind_other', e.target.value)} errors={errorsFor('kind_other')} />
      )}
      <TextField name="title" label={labels.title} required value={values.title} onChange={(e) => set('title', e.target.value)} errors={errorsFor('title')} />
      <div className="flex flex-wrap gap-4">
        <TextField name="held_on" type="date" label={labels.held_on} required value={values.held_on} onChange={(e) => set('held_on', e.target.value)} errors={errorsFor('held_on')} />
        <TextField name="start_time" type="time" label={labels.start_time} value={values.start_time} onChange={(e) => set('start_time', e.target.value)} errors={errorsFor('start_time')} />
        <TextField name="end_time" type="time" label={labels.end_time} value={values.end_time} onChange={(e) => set('end_time', e.target.value)} errors={errorsFor('end_time')} />
      </div>
      <TextField name="place" label={labels.place} value={values.place} onChange={(e) => set('place', e.target.value)} errors={errorsFor('place')} />
      <CheckboxField name="online" label={labels.online} checked={values.online} onChange={(e) => set('online', e.target.checked)} />
      <div className="flex flex-wrap gap-4">
        <TextField
          name="patients_count"
          inputMode="numeric"
          label={labels.patients_count}
          value={values.patients_count}
          onChange={(e) => set('patients_count', e.target.value)}
          errors={errorsFor('patients_count')}
        />
        <TextField
          name="families_count"
          inputMode="numeric"
          label={labels.families_count}
          value={values.families_count}
          onChange={(e) => set('families_count', e.target.value)}
          errors={errorsFor('families_count')}
        />
        <TextField
          name="professionals_count"
          inputMode="numeric"
          label={labels.professionals_count}
          value={values.professionals_count}
          onChange={(e) => set('professionals_count', e.target.value)}
          errors={errorsFor('professionals_count')}
        />
      </div>
      <TextAreaField
        name="materials"
        label={labels.materials}
        hint={t('event.materialsHint')}
        value={values.materials}
        onChange={(e) => set('materials', e.target.value)}
        errors={errorsFor('materials')}
      />
      <TextField name="series" label={labels.series} hint={t('event.seriesHint')} value={values.series} onChange={(e) => set('series', e.target.value)} errors={errorsFor('series')} />
    </>
  );
}

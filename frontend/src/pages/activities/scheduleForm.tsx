// The 出張相談 schedule's fields (weekday, weeks of the month, times, slot length, place, the
// supporter's name), one form for making a schedule and for changing it. The Hello Work
// office is chosen only when making one: a schedule does not move to another office.
import { validationProblem, type Problem } from '../../api/problem';
import type { SupporterSchedule } from '../../api/supporterSessions';
import { CheckboxGroupField, SelectField, TextField } from '../../components/Field';
import { numberErrors, optionalText, readNumber } from '../../components/forms';
import type { I18n } from '../../i18n/I18nProvider';
import { useI18n } from '../../i18n/I18nProvider';
import type { FieldsProps } from './EditRecord';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const WEEKS = [1, 2, 3, 4, 5] as const;

export type ScheduleForm = {
  weekday: string;
  weeks: number[];
  start_time: string;
  end_time: string;
  slot_minutes: string;
  place: string;
  supporter_name: string;
};

export function emptySchedule(): ScheduleForm {
  return { weekday: '2', weeks: [2, 4], start_time: '13:00', end_time: '16:00', slot_minutes: '45', place: '', supporter_name: '' };
}

export function scheduleToForm(s: SupporterSchedule): ScheduleForm {
  return {
    weekday: String(s.weekday),
    weeks: [...s.weeks].sort(),
    start_time: s.start_time,
    end_time: s.end_time,
    slot_minutes: String(s.slot_minutes),
    place: s.place ?? '',
    supporter_name: s.supporter_name ?? '',
  };
}

/** The number fields, refused by the form when what is typed is not a number (checkNumbers). */
export const SCHEDULE_NUMBERS = ['slot_minutes'] as const;

/**
 * The body fields both the create and the change send (empty minutes go as 0, which is
 * refused with a field error; what is not a number the form refuses first).
 */
export function scheduleBody(f: ScheduleForm) {
  return {
    weekday: Number(f.weekday),
    weeks: f.weeks,
    start_time: f.start_time,
    end_time: f.end_time,
    slot_minutes: readNumber(f.slot_minutes) || 0,
    place: optionalText(f.place),
    supporter_name: optionalText(f.supporter_name),
  };
}

/**
 * What the making form refuses before sending: no Hello Work office chosen (an empty id is
 * not a UUID, which the API refuses as a malformed value, not as a choice left unmade) and
 * minutes that are not a number; both show at once.
 */
export function checkNewSchedule(agencyId: string, f: ScheduleForm): Problem | null {
  return validationProblem([
    ...(agencyId === '' ? [{ field: 'agency_id', code: 'required', message: 'is required' }] : []),
    ...numberErrors(f, SCHEDULE_NUMBERS),
  ]);
}

export function schedulePatch(changes: Partial<ScheduleForm>) {
  const full = scheduleBody({ ...emptySchedule(), ...changes });
  const out: Partial<ReturnType<typeof scheduleBody>> = {};
  for (const k of Object.keys(changes) as (keyof ScheduleForm)[]) Object.assign(out, { [k]: full[k] });
  return out;
}

export function scheduleLabels(t: I18n['t']): Record<keyof ScheduleForm, string> {
  return {
    weekday: t('supporter.weekday'),
    weeks: t('supporter.weeks'),
    start_time: t('supporter.startTime'),
    end_time: t('supporter.endTime'),
    slot_minutes: t('supporter.slotMinutes'),
    place: t('supporter.place'),
    supporter_name: t('supporter.supporterName'),
  };
}

export function scheduleDisplay(t: I18n['t'], f: ScheduleForm): Record<keyof ScheduleForm, string> {
  return {
    ...f,
    weekday: WEEKDAYS.includes(Number(f.weekday) as (typeof WEEKDAYS)[number]) ? t(`weekday.${Number(f.weekday) as (typeof WEEKDAYS)[number]}`) : f.weekday,
    weeks: f.weeks.map((n) => t('supporter.weekN', { n: String(n) })).join('・'),
  };
}

/** `prefix` keeps the field ids apart when the making form and a changing form share a page. */
export function ScheduleFields({ values, set, errorsFor, prefix = '' }: FieldsProps<ScheduleForm> & { prefix?: string }) {
  const { t } = useI18n();
  const labels = scheduleLabels(t);
  return (
    <>
      <SelectField
        name={`${prefix}weekday`}
        label={labels.weekday}
        required
        options={WEEKDAYS.map((w) => ({ value: String(w), label: t(`weekday.${w}`) }))}
        value={values.weekday}
        onChange={(e) => set('weekday', e.target.value)}
        errors={errorsFor('weekday')}
      />
      <CheckboxGroupField
        name={`${prefix}weeks`}
        label={labels.weeks}
        required
        columns={3}
        choices={WEEKS.map((w) => ({ value: String(w), label: t('supporter.weekN', { n: String(w) }) }))}
        values={values.weeks.map(String)}
        onChange={(ticked) => set('weeks', ticked.map(Number))}
        errors={errorsFor('weeks')}
      />
      <div className="flex flex-wrap gap-4">
        <TextField
          name={`${prefix}start_time`}
          type="time"
          label={labels.start_time}
          required
          value={values.start_time}
          onChange={(e) => set('start_time', e.target.value)}
          errors={errorsFor('start_time')}
        />
        <TextField
          name={`${prefix}end_time`}
          type="time"
          label={labels.end_time}
          required
          value={values.end_time}
          onChange={(e) => set('end_time', e.target.value)}
          errors={errorsFor('end_time')}
        />
        <TextField
          name={`${prefix}slot_minutes`}
          inputMode="numeric"
          label={labels.slot_minutes}
          required
          value={values.slot_minutes}
          onChange={(e) => set('slot_minutes', e.target.value)}
          errors={errorsFor('slot_minutes')}
        />
      </div>
      <TextField name={`${prefix}place`} label={labels.place} value={values.place} onChange={(e) => set('place', e.target.value)} errors={errorsFor('place')} />
      <TextField
        name={`${prefix}supporter_name`}
        label={labels.supporter_name}
        value={values.supporter_name}
        onChange={(e) => set('supporter_name', e.target.value)}
        errors={errorsFor('supporter_name')}
      />
    </>
  );
}

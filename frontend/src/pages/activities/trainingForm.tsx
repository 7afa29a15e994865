// The training form, one for recording a training and for correcting it: its values (as
// typed), how they become the API's create and change bodies, and the fields.
import type { CreateTraining, Training, UpdateTraining } from '../../api/activities';
import { fromSelect, TRAINING_COURSES, TRAINING_PARTICIPATIONS, type TrainingCourse, type TrainingParticipation } from '../../api/enums';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { SelectField, TextField } from '../../components/Field';
import { optionalText, readNumber } from '../../components/forms';
import type { I18n } from '../../i18n/I18nProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { useStaff } from '../cases/useCaseData';
import { roleLabel, withNote } from '../labels';
import type { FieldsProps } from './EditRecord';

export type TrainingForm = {
  /** `''` is the signed-in user. */
  user_id: string;
  participation: string;
  course: string;
  title: string;
  organiser: string;
  held_on: string;
  ended_on: string;
  hours: string;
};

/** The number fields, refused by the form when what is typed is not a number (checkNumbers). */
export const TRAINING_NUMBERS = ['hours'] as const;

/** Hours as typed; 0 when empty, which the server refuses with a field error (what is not a number the form refuses first). */
function hours(v: string): number {
  const n = readNumber(v);
  return n === null || Number.isNaN(n) ? 0 : n;
}

export function emptyTraining(): TrainingForm {
  return { user_id: '', participation: 'attended', course: '', title: '', organiser: '', held_on: todayInTokyo(), ended_on: '', hours: '' };
}

export function trainingToForm(x: Training, meId: string): TrainingForm {
  return {
    user_id: x.user_id === meId ? '' : x.user_id,
    participation: x.participation,
    course: x.course,
    title: x.title,
    organiser: x.organiser ?? '',
    held_on: x.held_on,
    ended_on: x.ended_on ?? '',
    hours: String(x.hours),
  };
}

export function trainingBody(f: TrainingForm, meId: string | null): CreateTraining {
  return {
    user_id: f.user_id !== '' ? f.user_id : meId,
    participation: fromSelect<TrainingParticipation>(f.participation),
    course: fromSelect<TrainingCourse>(f.course),
    title: f.title.trim(),
    organiser: optionalText(f.organiser),
    held_on: f.held_on,
    ended_on: f.ended_on || null,
    hours: hours(f.hours),
  };
}

/** The changed fields as a PATCH body (a staff member set back to「自分」is the signed-in user). */
export function trainingPatch(changes: Partial<TrainingForm>, meId: string): UpdateTraining {
  const full = trainingBody({ ...emptyTraining(), ...changes }, meId);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(changes)) out[k] = full[k as keyof CreateTraining];
  return out;
}

export function trainingLabels(t: I18n['t']): Record<keyof TrainingForm, string> {
  return {
    user_id: t('training.staff'),
    participation: t('training.participation'),
    course: t('training.course'),
    title: t('training.title'),
    organiser: t('training.organiser'),
    held_on: t('training.heldOn'),
    ended_on: t('training.endedOn'),
    hours: t('training.hours'),
  };
}

export function trainingDisplay(i: I18n, f: TrainingForm, staffName: (id: string) => string, meName: string): Record<keyof TrainingForm, string> {
  return {
    ...f,
    user_id: f.user_id === '' ? meName : staffName(f.user_id),
    participation: f.participation ? i.t(`trainingParticipation.${f.participation as TrainingParticipation}`) : '',
    course: f.course ? i.t(`trainingCourse.${f.course as TrainingCourse}`) : '',
    held_on: f.held_on ? i.date(f.held_on) : '',
    ended_on: f.ended_on ? i.date(f.ended_on) : '',
  };
}

export function TrainingFields({ values, set, errorsFor }: FieldsProps<TrainingForm>) {
  const i = useI18n();
  const { t } = i;
  const labels = trainingLabels(t);
  // A supervisor records a colleague's training too, e.g. a peer supporter's 養成講習会
  // (the evidence of their work names its completion); everyone else records their own.
  const me = useMe();
  const supervisor = capabilities(useAuth().role).supervise;
  const staff = useStaff();
  return (
    <>
      {supervisor && (
        <SelectField
          name="user_id"
          label={labels.user_id}
          options={[
            { value: '', label: t('common.you', { name: me.display_name }) },
            ...(staff.data ?? [])
              .filter((u) => (u.active || u.id === values.user_id) && u.id !== me.id && u.role !== 'system_admin')
              .map((u) => ({ value: u.id, label: withNote(i, u.display_name, roleLabel(i, u.role)) })),
          ]}
          value={values.user_id}
          onChange={(e) => set('user_id', e.target.value)}
          errors={errorsFor('user_id')}
        />
      )}
      <SelectField
        name="participation"
        label={labels.participation}
        required
        options={TRAINING_PARTICIPATIONS.map((p) => ({ value: p, label: t(`trainingParticipation.${p}`) }))}
        value={values.participation}
        onChange={(e) => set('participation', e.target.value)}
        errors={errorsFor('participation')}
      />
      <SelectField
        name="course"
        label={labels.course}
        required
        placeholder={t('common.selectPlaceholder')}
        options={TRAINING_COURSES.map((c) => ({ value: c, label: t(`trainingCourse.${c}`) }))}
        value={values.course}
        onChange={(e) => set('course', e.target.value)}
        errors={errorsFor('course')}
      />
      <TextField name="title" label={labels.title} required value={values.title} onChange={(e) => set('title', e.target.value)} errors={errorsFor('title')} />
      <TextField name="organiser" label={labels.organiser} value={values.organiser} onChange={(e) => set('organiser', e.target.value)} errors={errorsFor('organiser')} />
      <div className="flex flex-wrap gap-4">
        <TextField name="held_on" type="date" label={labels.held_on} required value={values.held_on} onChange={(e) => set('held_on', e.target.value)} errors={errorsFor('held_on')} />
        <TextField
          name="ended_on"
          type="date"
          label={labels.ended_on}
          hint={t('training.endedOnHint')}
          value={values.ended_on}
          onChange={(e) => set('ended_on', e.target.value)}
          errors={errorsFor('ended_on')}
        />
      </div>
      <TextField
        name="hours"
        inputMode="decimal"
        label={labels.hours}
        hint={t('training.hoursHint')}
        required
        value={values.hours}
        onChange={(e) => set('hours', e.target.value)}
        errors={errorsFor('hours')}
      />
    </>
  );
}

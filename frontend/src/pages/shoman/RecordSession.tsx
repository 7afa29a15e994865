// Recording a session of a project: the day, what was done, where (or online), the staff
// who ran it, how many children and family members came, and those named who consented.
// A participant without a consent in force that day is refused (422) and shown on the field.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { keys } from '../../api/client';
import { fromSelect } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createProjectSession, type ParticipantRole, type Project, type SessionActivity } from '../../api/projects';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, CheckboxGroupField, DateField, fieldId, SelectField, TextAreaField, TextField } from '../../components/Field';
import { checkNumbers, optionalText, submitChecked } from '../../components/forms';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { useStaff } from '../cases/useCaseData';
import { patientName } from '../labels';
import { PatientPicker } from './PatientPicker';
import { activityLabel, participantRoleLabel } from './shomanLabels';
import { activitiesFor, PARTICIPANT_ROLES, participantFieldProblem, toCount } from './shomanModel';

interface ParticipantRow {
  readonly patient_id: string;
  readonly name: string;
  readonly role: string;
}

const CASE_ROLES = ['supervisor', 'consultant', 'self_reliance_worker'];

export function RecordSession({ project, onDone }: { project: Project; onDone: (message: string) => void }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const staff = useStaff();
  const [heldOn, setHeldOn] = useState(todayInTokyo());
  const [activity, setActivity] = useState('');
  const [place, setPlace] = useState('');
  const [online, setOnline] = useState(false);
  const [staffIds, setStaffIds] = useState<string[]>([]);
  const [children, setChildren] = useState('0');
  const [family, setFamily] = useState('0');
  const [notes, setNotes] = useState('');
  const [participants, setParticipants] = useState<ParticipantRow[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    held_on: t('session.heldOn'),
    activity: t('session.activity'),
    place: t('session.place'),
    online: t('session.online'),
    staff_ids: t('session.staff'),
    children_count: t('session.childrenCount'),
    family_count: t('session.familyCount'),
    participants: t('session.participants'),
    notes: t('session.notes'),
  };
  const body = {
    held_on: heldOn,
    activity: fromSelect<SessionActivity>(activity),
    place: optionalText(place),
    online,
    staff_ids: staffIds,
    children_count: toCount(children),
    family_count: toCount(family),
    notes: optionalText(notes),
    participants: participants.map((p) => ({ patient_id: p.patient_id, role: fromSelect<ParticipantRole>(p.role) })),
  };
  const idempotencyKey = useIdempotencyKey({ project: project.id, body });
  const mutation = useMutation({
    mutationFn: () => createProjectSession(project.id, body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      setActivity('');
      setPlace('');
      setOnline(false);
      setNotes('');
      setChildren('0');
      setFamily('0');
      setParticipants([]);
      await queryClient.invalidateQueries({ queryKey: keys.projects });
      onDone(t('session.recorded'));
    },
    onError: (e) => {
      const p = asProblem(e);
      setProblem(
        p
          ? participantFieldProblem(p, participants, (code, name) =>
              t(code === 'participant_not_found' ? 'session.participantNotFound' : 'session.participantWithoutConsent', { name }),
            )
          : null,
      );
    },
  });
  const onSubmit = submitChecked(mutation, () => checkNumbers({ children_count: children, family_count: family }, ['children_count', 'family_count']), setProblem);
  const staffChoices = (staff.data ?? [])
    .filter((u) => u.active && CASE_ROLES.includes(u.role))
    .map((u) => ({ value: u.id, label: u.display_name }));
  const participantErrors = errorsFor('participants');
  return (
    <section aria-labelledby="record-session" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="record-session" className="text-std-22B-150">
        {t('session.recordTitle')}
      </h2>
      <ErrorSummary id="session-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <DateField
          name="held_on"
          label={labels.held_on}
          required
          value={heldOn}
          onChange={(v) => setHeldOn(v)}
          errors={errorsFor('held_on')}
        />
        <SelectField
          name="activity"
          label={labels.activity}
          required
          placeholder={t('common.selectPlaceholder')}
          options={activitiesFor(project.kind).map((a) => ({ value: a, label: activityLabel(i, a) }))}
          value={activity}
          onChange={(e) => setActivity(e.target.value)}
          errors={errorsFor('activity')}
        />
        <CheckboxField
          name="online"
          label={labels.online}
          checked={online}
          onChange={(e) => setOnline(e.target.checked)}
          errors={errorsFor('online')}
        />
        <TextField
          name="place"
          label={labels.place}
          hint={t('session.placeHint')}
          autoComplete="off"
          value={place}
          onChange={(e) => setPlace(e.target.value)}
          errors={errorsFor('place')}
        />
        {staffChoices.length > 0 && (
          <CheckboxGroupField
            name="staff_ids"
            label={labels.staff_ids}
            columns={2}
            choices={staffChoices}
            values={staffIds}
            onChange={setStaffIds}
            errors={errorsFor('staff_ids')}
          />
        )}
        <div className="flex flex-wrap gap-6">
          <div className="w-40">
            <TextField
              name="children_count"
              inputMode="numeric"
              label={labels.children_count}
              required
              value={children}
              onChange={(e) => setChildren(e.target.value)}
              errors={errorsFor('children_count')}
            />
          </div>
          <div className="w-40">
            <TextField
              name="family_count"
              inputMode="numeric"
              label={labels.family_count}
              required
              value={family}
              onChange={(e) => setFamily(e.target.value)}
              errors={errorsFor('family_count')}
            />
          </div>
        </div>
        <fieldset
          className="flex flex-col gap-3"
          aria-describedby={participantErrors.length > 0 ? `${fieldId('participants')}-error` : undefined}
        >
          <legend className="text-std-17B-170">{labels.participants}</legend>
          <p className="text-dns-16N-130 text-solid-gray-700">{t('session.participantsHint')}</p>
          {participants.length > 0 && (
            <ul className="flex flex-col gap-3" data-testid="participants">
              {participants.map((p, n) => (
                <li key={p.patient_id} className="flex flex-wrap items-end gap-3">
                  <span className="text-std-16B-170">{p.name}</span>
                  <div className="min-w-40">
                    <SelectField
                      name={`participants.${n}.role`}
                      label={t('session.participantRoleOf', { name: p.name })}
                      options={PARTICIPANT_ROLES.map((r) => ({ value: r, label: participantRoleLabel(i, r) }))}
                      value={p.role}
                      onChange={(e) =>
                        setParticipants((rows) => rows.map((r) => (r.patient_id === p.patient_id ? { ...r, role: e.target.value } : r)))
                      }
                    />
                  </div>
                  <Button
                    size="sm"
                    variant="text"
                    onClick={() => setParticipants((rows) => rows.filter((r) => r.patient_id !== p.patient_id))}
                  >
                    {t('session.removeParticipant', { name: p.name })}
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {participantErrors.length > 0 && (
            <ul id={`${fieldId('participants')}-error`} className="text-dns-16N-130 text-error-1">
              {participantErrors.map((e) => (
                <li key={e}>＊{e}</li>
              ))}
            </ul>
          )}
          <PatientPicker
            name="participants"
            label={t('session.findParticipant')}
            hint={t('patient.search.hint')}
            chooseLabel={t('session.addParticipant')}
            exclude={participants.map((p) => p.patient_id)}
            onChoose={(patient) =>
              setParticipants((rows) => [...rows, { patient_id: patient.id, name: patientName(patient), role: 'child' }])
            }
          />
        </fieldset>
        <TextAreaField name="notes" label={labels.notes} value={notes} onChange={(e) => setNotes(e.target.value)} errors={errorsFor('notes')} />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('session.record')}
          </Button>
        </div>
      </form>
    </section>
  );
}

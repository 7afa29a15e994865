// Changing a 出張相談 session in place (its place, times and the supporter's name), cancelling
// it after a confirmation, and changing or ending the recurring schedule it came from. Each
// change is sent with the version it was read at; a 412 shows the conflict panel.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Versioned } from '../../api/client';
import { asProblem } from '../../api/problem';
import {
  getSupporterSchedule,
  getSupporterSession,
  updateSupporterSchedule,
  updateSupporterSession,
  type SupporterSchedule,
  type SupporterSession,
} from '../../api/supporterSessions';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { checkNumbers, optionalText, submitOnCtrlEnter, useEditForm, type EditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage, type Lang } from '../../i18n/translate';
import { conflictRows } from '../cases/conflictRows';
import { SCHEDULE_NUMBERS, scheduleDisplay, ScheduleFields, scheduleLabels, schedulePatch, scheduleToForm, type ScheduleForm } from './scheduleForm';
import { SUPPORTER_KEY } from './SupporterSessionsPage';

type SessionForm = { place: string; start_time: string; end_time: string; supporter_name: string };

function sessionToForm(s: SupporterSession): SessionForm {
  return { place: s.place ?? '', start_time: s.start_time, end_time: s.end_time, supporter_name: s.supporter_name ?? '' };
}

function sessionPatch(changes: Partial<SessionForm>) {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(changes)) out[k] = k === 'place' || k === 'supporter_name' ? optionalText(v) : v;
  return out;
}

/**
 * The edit form's frame: conflict panel, error summary, the fields, save and close.
 * `namePrefix` is the prefix of the fields' names (they share the page with other forms),
 * so that the error summary's links land on them.
 */
function InPlaceForm<T, F extends object>({
  form,
  labels,
  toForm,
  display,
  resource,
  namePrefix,
  onClose,
  children,
}: {
  form: EditForm<T, F>;
  labels: Record<keyof F & string, string>;
  toForm: (record: T) => F;
  display: (f: F) => Record<keyof F & string, string>;
  resource: string;
  namePrefix: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };
  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={resource}
          rows={conflictRows(labels, display(form.values), display(toForm(form.conflict.data)))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary id={`${namePrefix}errors`} problem={form.problem} fields={labels} namePrefix={namePrefix} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className="flex max-w-3xl flex-col gap-4">
        {children}
        <div className="flex flex-wrap gap-4">
          <Button type="submit" disabled={form.saving}>
            {form.saving ? t('form.saving') : t('common.save')}
          </Button>
          <Button variant="outline" onClick={onClose}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </>
  );
}

/** A change that cannot be undone on screen, behind a confirmation; its error shows in place. */
function ConfirmedAction({
  id,
  label,
  title,
  body,
  confirmLabel,
  run,
}: {
  id: string;
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  run: () => Promise<unknown>;
}) {
  const i = useI18n();
  const [asking, setAsking] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const action = useMutation({ mutationFn: run, onSuccess: () => setAsking(false) });
  const problem = asProblem(action.error);
  return (
    <div className="flex flex-col gap-3">
      {problem && <Notice tone="error" live="assertive" title={problemMessage(problem, i.lang)} />}
      <div>
        <Button
          ref={button}
          variant="outline"
          aria-expanded={asking}
          aria-controls={asking ? id : undefined}
          onClick={() => {
            action.reset();
            setAsking(true);
          }}
        >
          {label}
        </Button>
      </div>
      {asking && (
        <ConfirmPanel
          id={id}
          title={title}
          confirmLabel={confirmLabel}
          busy={action.isPending}
          onConfirm={() => {
            if (!action.isPending) action.mutate();
          }}
          onCancel={() => {
            setAsking(false);
            button.current?.focus();
          }}
        >
          {body}
        </ConfirmPanel>
      )}
    </div>
  );
}

/**
 * Runs a confirmed change; when someone saved the record first (412) the page reloads it and
 * says so in its status line, so the user sees the current record before trying again.
 */
async function staleShowsCurrent(change: () => Promise<void>, onChanged: (message: string) => Promise<void>, lang: Lang): Promise<void> {
  try {
    await change();
  } catch (e) {
    const p = asProblem(e);
    if (p?.status !== 412) throw e;
    await onChanged(problemMessage(p, lang));
  }
}

/** Change or cancel one session; `onChanged` refreshes the page and says what happened. */
export function SessionChange({ session, onChanged }: { session: Versioned<SupporterSession>; onChanged: (message: string) => Promise<void> }) {
  const i = useI18n();
  const { t } = i;
  const [editing, setEditing] = useState(false);
  const id = session.data.id;
  const labels = {
    place: t('supporter.place'),
    start_time: t('supporter.startTime'),
    end_time: t('supporter.endTime'),
    supporter_name: t('supporter.supporterName'),
  };
  const form = useEditForm<SupporterSession, SessionForm>({
    initial: session,
    toForm: sessionToForm,
    save: (changes, etag) => updateSupporterSession(id, etag, sessionPatch(changes)),
    reload: () => getSupporterSession(id),
    onSaved: () => {
      setEditing(false);
      void onChanged(t('supporter.sessionSaved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  if (session.data.status === 'cancelled') return null;
  return (
    <section aria-labelledby="change-session" className="flex max-w-3xl flex-col gap-3 rounded-8 border border-solid-gray-420 p-4" data-testid="change-session">
      <h2 id="change-session" className="text-std-22B-150">
        {t('supporter.editSession')}
      </h2>
      {editing ? (
        <InPlaceForm form={form} labels={labels} toForm={sessionToForm} display={(f: SessionForm) => f} resource={t('supporter.sessionResource')} namePrefix="session_" onClose={() => setEditing(false)}>
          <p className="text-std-16N-170">{t('supporter.editSessionLead')}</p>
          <TextField name="session_place" label={labels.place} value={form.values.place} onChange={(e) => form.set('place', e.target.value)} errors={errorsFor('place')} />
          <div className="flex flex-wrap gap-4">
            <TextField
              name="session_start_time"
              type="time"
              label={labels.start_time}
              required
              value={form.values.start_time}
              onChange={(e) => form.set('start_time', e.target.value)}
              errors={errorsFor('start_time')}
            />
            <TextField
              name="session_end_time"
              type="time"
              label={labels.end_time}
              required
              value={form.values.end_time}
              onChange={(e) => form.set('end_time', e.target.value)}
              errors={errorsFor('end_time')}
            />
          </div>
          <TextField
            name="session_supporter_name"
            label={labels.supporter_name}
            value={form.values.supporter_name}
            onChange={(e) => form.set('supporter_name', e.target.value)}
            errors={errorsFor('supporter_name')}
          />
        </InPlaceForm>
      ) : (
        <div>
          <Button variant="outline" onClick={() => setEditing(true)}>
            {t('supporter.editSession')}
          </Button>
        </div>
      )}
      <ConfirmedAction
        id="cancel-session"
        label={t('supporter.cancelSession')}
        title={t('supporter.cancelConfirmTitle')}
        body={t('supporter.cancelConfirmBody')}
        confirmLabel={t('supporter.cancelConfirm')}
        run={() =>
          // The version on screen: a change someone saved meanwhile answers 412 rather than being cancelled unseen.
          staleShowsCurrent(
            async () => {
              await updateSupporterSession(id, session.etag, { status: 'cancelled' });
              await onChanged(t('supporter.cancelledDone'));
            },
            onChanged,
            i.lang,
          )
        }
      />
    </section>
  );
}

/** The schedule a session came from: what it is, and changing or ending it. */
export function ScheduleChange({ scheduleId, onChanged }: { scheduleId: string; onChanged: (message: string) => Promise<void> }) {
  const { t } = useI18n();
  const q = useQuery({ queryKey: [...SUPPORTER_KEY, 'schedule', scheduleId], queryFn: () => getSupporterSchedule(scheduleId) });
  return (
    <section aria-labelledby="schedule" className="flex max-w-3xl flex-col gap-3 rounded-8 border border-solid-gray-420 p-4" data-testid="schedule">
      <h2 id="schedule" className="text-std-22B-150">
        {t('supporter.schedule')}
      </h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={q.refetch} />
      ) : (
        <ScheduleChangeForm key={q.data.data.version} schedule={q.data} onChanged={onChanged} />
      )}
    </section>
  );
}

function ScheduleChangeForm({ schedule, onChanged }: { schedule: Versioned<SupporterSchedule>; onChanged: (message: string) => Promise<void> }) {
  const i = useI18n();
  const { t } = i;
  const [editing, setEditing] = useState(false);
  const s = schedule.data;
  const labels = scheduleLabels(t);
  // The fields' ids apart from the session form's (both have a place and times); the error summary links with it too.
  const prefix = 'schedule_';
  const form = useEditForm<SupporterSchedule, ScheduleForm>({
    initial: schedule,
    toForm: scheduleToForm,
    save: (changes, etag) => updateSupporterSchedule(s.id, etag, schedulePatch(changes)),
    reload: () => getSupporterSchedule(s.id),
    check: (changes) => checkNumbers(changes, SCHEDULE_NUMBERS),
    onSaved: () => {
      setEditing(false);
      void onChanged(t('supporter.scheduleSaved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const shown = scheduleDisplay(t, scheduleToForm(s));
  return (
    <>
      <p className="text-std-16N-170">
        {t('supporter.scheduleValue', { weeks: s.weeks.join('・'), weekday: shown.weekday, start: s.start_time, end: s.end_time })}
        {s.place ? `（${s.place}）` : ''}
      </p>
      {!s.active ? (
        <p className="text-std-16N-170">{t('supporter.scheduleInactive')}</p>
      ) : (
        <>
          {editing ? (
            <InPlaceForm form={form} labels={labels} toForm={scheduleToForm} display={(f: ScheduleForm) => scheduleDisplay(t, f)} resource={t('supporter.scheduleResource')} namePrefix={prefix} onClose={() => setEditing(false)}>
              <p className="text-std-16N-170">{t('supporter.editScheduleLead')}</p>
              <ScheduleFields prefix={prefix} values={form.values} set={form.set} errorsFor={errorsFor} />
            </InPlaceForm>
          ) : (
            <div>
              <Button variant="outline" onClick={() => setEditing(true)}>
                {t('supporter.editSchedule')}
              </Button>
            </div>
          )}
          <ConfirmedAction
            id="end-schedule"
            label={t('supporter.endSchedule')}
            title={t('supporter.endConfirmTitle')}
            body={t('supporter.endConfirmBody')}
            confirmLabel={t('supporter.endConfirm')}
            run={() =>
              staleShowsCurrent(
                async () => {
                  await updateSupporterSchedule(s.id, schedule.etag, { active: false });
                  await onChanged(t('supporter.scheduleEnded'));
                },
                onChanged,
                i.lang,
              )
            }
          />
        </>
      )}
    </>
  );
}

// 出張相談 with the Hello Work 難病患者就職サポーター: a month of sessions as a list by day
// (a list, not a grid, so it reads in order on a phone and with a screen reader), moved a
// month at a time, and a form to record a recurring schedule (e.g. the 2nd and 4th Tuesday)
// that makes the fiscal year's sessions at once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { asProblem, type Problem } from '../../api/problem';
import { allAgencies } from '../../api/resources';
import { createSupporterSchedule, generateSupporterSessions, listSupporterSessions } from '../../api/supporterSessions';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField } from '../../components/Field';
import { submitChecked } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear, todayInTokyo } from '../../lib/datetime';
import { checkNewSchedule, emptySchedule, scheduleBody, ScheduleFields, scheduleLabels, WEEKDAYS, type ScheduleForm } from './scheduleForm';

export const SUPPORTER_KEY = ['cases', 'activities', 'supporter-sessions'] as const;


/** The numbers of a `YYYY-MM(-DD)` text: year, month, day (1 when absent). */
function parts(s: string): [number, number, number] {
  const [y = 1970, m = 1, d = 1] = s.split('-').map(Number);
  return [y, m, d];
}

/** `YYYY-MM` moved by `n` months. */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = parts(month);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first and last day of a `YYYY-MM` month. */
export function monthRange(month: string): [string, string] {
  const [y, m] = parts(month);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${month}-01`, `${month}-${String(last).padStart(2, '0')}`];
}

/** ISO weekday (1 is Monday) of a `YYYY-MM-DD` day. */
export function isoWeekday(day: string): (typeof WEEKDAYS)[number] {
  const [y, m, d] = parts(day);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return WEEKDAYS[(w + 6) % 7] ?? 1;
}

function AddSchedule({ onMade }: { onMade: (n: number) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const offices = useQuery({ queryKey: ['agencies', 'all'], queryFn: allAgencies });
  const [agency, setAgency] = useState('');
  const [values, setValues] = useState<ScheduleForm>(emptySchedule);
  const set = <K extends keyof ScheduleForm>(key: K, value: ScheduleForm[K]) => setValues((v) => ({ ...v, [key]: value }));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = { agency_id: t('supporter.office'), ...scheduleLabels(t) };
  const body = { agency_id: agency, ...scheduleBody(values) };
  const key = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: async () => {
      const s = await createSupporterSchedule(body, key);
      return generateSupporterSessions(s.id, String(currentFiscalYear()), `${key}-sessions`);
    },
    onSuccess: async (made) => {
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: SUPPORTER_KEY });
      onMade(made.length);
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = submitChecked(mutation, () => checkNewSchedule(agency, values), setProblem);
  const helloWork = (offices.data ?? []).filter((a) => a.agency_type === 'hello_work' && a.active);
  return (
    <section aria-labelledby="add-schedule" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-schedule" className="text-std-22B-150">
        {t('supporter.addSchedule')}
      </h2>
      <p className="text-std-16N-170">{t('supporter.addScheduleLead')}</p>
      <ErrorSummary id="schedule-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <SelectField
          name="agency_id"
          label={labels.agency_id}
          required
          placeholder={t('common.selectPlaceholder')}
          options={helloWork.map((a) => ({ value: a.id, label: a.name }))}
          value={agency}
          onChange={(e) => setAgency(e.target.value)}
          errors={errorsFor('agency_id')}
        />
        <ScheduleFields values={values} set={set} errorsFor={errorsFor} />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('supporter.addScheduleSubmit', { year: String(currentFiscalYear()) })}
          </Button>
        </div>
      </form>
    </section>
  );
}

export function SupporterSessionsPage() {
  const i = useI18n();
  const { t } = i;
  const [month, setMonth] = useState(todayInTokyo().slice(0, 7));
  const [message, setMessage] = useState('');
  const [from, to] = monthRange(month);
  const q = useQuery({ queryKey: [...SUPPORTER_KEY, 'month', month], queryFn: () => listSupporterSessions(from, to) });
  const offices = useQuery({ queryKey: ['agencies', 'all'], queryFn: allAgencies });
  const officeName = (id: string) => offices.data?.find((a) => a.id === id)?.name ?? '';
  const [y, m] = parts(month);
  const sessions = [...(q.data ?? [])].sort((a, b) => a.held_on.localeCompare(b.held_on) || a.start_time.localeCompare(b.start_time));
  return (
    <>
      <PageTitle>{t('supporter.listTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('supporter.lead')}</p>
      <p>
        <Link to="/activities">{t('activities.back')}</Link>
      </p>
      <p role="status" className="text-std-16N-170">
        {message}
      </p>
      <section aria-labelledby="month-title" className="flex flex-col gap-3" data-testid="supporter-calendar">
        <div className="flex flex-wrap items-center gap-3">
          <Button size="sm" variant="outline" onClick={() => setMonth(shiftMonth(month, -1))}>
            {t('supporter.prevMonth')}
          </Button>
          <h2 id="month-title" className="text-std-22B-150" aria-live="polite">
            {t('supporter.month', { year: String(y), month: String(m) })}
          </h2>
          <Button size="sm" variant="outline" onClick={() => setMonth(shiftMonth(month, 1))}>
            {t('supporter.nextMonth')}
          </Button>
        </div>
        {q.isPending ? (
          <Loading />
        ) : q.error ? (
          <LoadError error={q.error} retry={q.refetch} />
        ) : sessions.length === 0 ? (
          <p className="text-std-16N-170">{t('supporter.emptyMonth')}</p>
        ) : (
          <ol className="flex flex-col gap-3" aria-labelledby="month-title">
            {sessions.map((s) => (
              <li key={s.id} className="flex flex-col gap-1 rounded-8 border border-solid-gray-420 p-3">
                <Link to={`/activities/supporter-sessions/${s.id}`} className="text-std-18B-160" data-testid="session-link">
                  {t('supporter.sessionLink', { date: i.date(s.held_on), weekday: t(`weekday.${isoWeekday(s.held_on)}`), start: s.start_time, end: s.end_time })}
                </Link>
                <span className="text-std-16N-170">
                  {[officeName(s.agency_id), s.place].filter(Boolean).join(' / ')}
                </span>
                <span className="text-std-16N-170">
                  {t(`supporterStatus.${s.status}`)}・{t('supporter.booked', { booked: String(s.slots_booked), total: String(s.slots_total) })}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <AddSchedule onMade={(n) => setMessage(t('supporter.sessionsMade', { count: String(n) }))} />
    </>
  );
}

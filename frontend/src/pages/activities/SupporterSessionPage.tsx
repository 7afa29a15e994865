// One 出張相談 session: when and where, its slots (each free or with the patient booked),
// booking a patient of the center into a free slot (found by name; the server refuses a
// patient without a consent in force that day, and a slot someone booked a moment ago),
// and what came of each booking: held (with its consultation record), no-show or
// cancelled, and 新規求職者 / 就職者 as the supporter says. The session's place and times, its
// cancellation and its recurring schedule are changed here too (SupporterSessionEdit).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { asProblem } from '../../api/problem';
import { allAgencies } from '../../api/resources';
import {
  bookSupporterSlot,
  getSupporterSession,
  listSupporterSlots,
  updateSupporterBooking,
  type SupporterBooking,
  type UpdateSupporterBooking,
} from '../../api/supporterSessions';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { CheckboxField, SelectField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { patientName } from '../labels';
import { PatientPicker } from '../shoman/PatientPicker';
import { ScheduleChange, SessionChange } from './SupporterSessionEdit';
import { SUPPORTER_KEY, isoWeekday } from './SupporterSessionsPage';

const STATUSES = ['booked', 'held', 'no_show', 'cancelled'] as const;

/** `''` (not entered), `'yes'` or `'no'` for an optional yes/no. */
function yesNo(v: boolean | null | undefined): string {
  return v == null ? '' : v ? 'yes' : 'no';
}

function fromYesNo(v: string): boolean | null {
  return v === '' ? null : v === 'yes';
}

/** What came of one booking, saved with the booking's version (`If-Match`). */
function BookingForm({ sessionId, booking, onSaved }: { sessionId: string; booking: SupporterBooking; onSaved: (message: string) => Promise<void> }) {
  const i = useI18n();
  const { t } = i;
  const [status, setStatus] = useState<string>(booking.status);
  const [createConsultation, setCreateConsultation] = useState(booking.consultation_id == null);
  const [seeker, setSeeker] = useState(yesNo(booking.new_job_seeker));
  const [employed, setEmployed] = useState(yesNo(booking.employed));
  const held = status === 'held';
  const save = useMutation({
    mutationFn: () => {
      const body: UpdateSupporterBooking = { status: status as UpdateSupporterBooking['status'] };
      if (held) {
        body.new_job_seeker = fromYesNo(seeker);
        body.employed = fromYesNo(employed);
        body.create_consultation = createConsultation && booking.consultation_id == null;
      }
      return updateSupporterBooking(sessionId, booking, body);
    },
    onSuccess: () => onSaved(t('supporter.bookingSaved', { name: booking.patient_name ?? '' })),
  });
  const problem = asProblem(save.error);
  const prefix = `booking_${booking.id}`;
  const yesNoOptions = [
    { value: '', label: t('supporter.notEntered') },
    { value: 'yes', label: t('supporter.yes') },
    { value: 'no', label: t('supporter.no') },
  ];
  return (
    <form
      className="flex flex-col gap-3"
      aria-label={t('supporter.bookingFormLabel', { name: booking.patient_name ?? '' })}
      onSubmit={(e) => {
        e.preventDefault();
        if (!save.isPending) save.mutate();
      }}
    >
      {problem && <Notice tone="error" live="assertive" title={problemMessage(problem, i.lang)} />}
      <div className="flex flex-wrap gap-4">
        <SelectField
          name={`${prefix}_status`}
          label={t('supporter.bookingStatus')}
          options={STATUSES.map((s) => ({ value: s, label: t(`bookingStatus.${s}`) }))}
          value={status}
          onChange={(e) => setStatus(e.target.value)}
        />
        {held && (
          <>
            <SelectField name={`${prefix}_seeker`} label={t('supporter.newJobSeeker')} options={yesNoOptions} value={seeker} onChange={(e) => setSeeker(e.target.value)} />
            <SelectField name={`${prefix}_employed`} label={t('supporter.employed')} options={yesNoOptions} value={employed} onChange={(e) => setEmployed(e.target.value)} />
          </>
        )}
      </div>
      {held && booking.consultation_id == null && (
        <CheckboxField name={`${prefix}_consultation`} label={t('supporter.createConsultation')} checked={createConsultation} onChange={(e) => setCreateConsultation(e.target.checked)} />
      )}
      {booking.consultation_id && (
        <p className="text-std-16N-170">
          <Link to={`/consultations/${booking.consultation_id}/edit`}>{t('supporter.consultationLink')}</Link>
        </p>
      )}
      {(booking.derived.new_job_seeker || booking.derived.employed) && (
        <p className="text-std-16N-170">
          {t('supporter.derived', {
            seeker: booking.derived.new_job_seeker ? t('supporter.yes') : t('supporter.no'),
            employed: booking.derived.employed ? t('supporter.yes') : t('supporter.no'),
          })}
        </p>
      )}
      <div>
        <Button type="submit" size="sm" disabled={save.isPending}>
          {save.isPending ? t('form.saving') : t('supporter.saveBooking', { name: booking.patient_name ?? '' })}
        </Button>
      </div>
    </form>
  );
}

export function SupporterSessionPage() {
  const i = useI18n();
  const { t } = i;
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const [slot, setSlot] = useState('');
  const session = useQuery({ queryKey: [...SUPPORTER_KEY, 'one', id], queryFn: () => getSupporterSession(id) });
  const slots = useQuery({ queryKey: [...SUPPORTER_KEY, 'slots', id], queryFn: () => listSupporterSlots(id) });
  const offices = useQuery({ queryKey: ['agencies', 'all'], queryFn: allAgencies });
  const refresh = () => queryClient.invalidateQueries({ queryKey: SUPPORTER_KEY });
  const book = useMutation({
    mutationFn: (p: { id: string; name: string }) => bookSupporterSlot(id, slot, p.id, crypto.randomUUID()),
    onSuccess: async (_b, p) => {
      await refresh();
      setMessage(t('supporter.booked1', { name: p.name, time: slot }));
      setSlot('');
    },
  });
  const changed = async (m: string) => {
    await refresh();
    setMessage(m);
  };
  if (session.isPending || slots.isPending) return <Loading />;
  if (session.error) return <LoadError error={session.error} retry={session.refetch} />;
  if (slots.error) return <LoadError error={slots.error} retry={slots.refetch} />;
  const s = session.data.data;
  const free = slots.data.filter((x) => !x.booking);
  const booked = slots.data.flatMap((x) => (x.booking ? [x.booking] : []));
  const office = offices.data?.find((a) => a.id === s.agency_id)?.name ?? '';
  const title = t('supporter.sessionTitle', { date: i.date(s.held_on), weekday: t(`weekday.${isoWeekday(s.held_on)}`) });
  const problem = asProblem(book.error);
  const facts: [string, string][] = [
    [t('supporter.time'), `${s.start_time}–${s.end_time}（${t('supporter.slotValue', { minutes: String(s.slot_minutes) })}）`],
    [t('supporter.office'), office || t('common.none')],
    [t('supporter.place'), s.place ?? t('common.none')],
    [t('supporter.supporterName'), s.supporter_name ?? t('common.none')],
    [t('supporter.status'), t(`supporterStatus.${s.status}`)],
  ];
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <p>
        <Link to="/activities/supporter-sessions">{t('supporter.back')}</Link>
      </p>
      <dl className="facts max-w-3xl gap-x-6 gap-y-2">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-std-16B-170">{k}</dt>
            <dd className="text-std-16N-170">{v}</dd>
          </div>
        ))}
      </dl>
      <p role="status" className="text-std-16N-170" data-testid="session-message">
        {message}
      </p>
      <SessionChange key={s.version} session={session.data} onChanged={changed} />
      <section aria-labelledby="slots" className="flex flex-col gap-3">
        <h2 id="slots" className="text-std-22B-150">
          {t('supporter.slots')}
        </h2>
        <ul className="flex flex-col gap-3" data-testid="slots">
          {slots.data.map((x) => (
            <li key={x.start_time} className="flex flex-col gap-2 rounded-8 border border-solid-gray-420 p-3" data-testid="slot">
              <span className="text-std-18B-160">
                {x.start_time}–{x.end_time}
              </span>
              {x.booking ? (
                <>
                  <span className="text-std-16N-170">
                    <Link to={`/patients/${x.booking.patient_id}`}>{x.booking.patient_name}</Link>（{t(`bookingStatus.${x.booking.status}`)}）
                  </span>
                  <BookingForm
                    key={`${x.booking.id}-${x.booking.version}`}
                    sessionId={id}
                    booking={x.booking}
                    onSaved={async (m) => {
                      await refresh();
                      setMessage(m);
                    }}
                  />
                </>
              ) : (
                <span className="text-std-16N-170">{t('supporter.free')}</span>
              )}
            </li>
          ))}
        </ul>
      </section>
      {s.status !== 'cancelled' && free.length > 0 && (
        <section aria-labelledby="book" className="flex max-w-3xl flex-col gap-3 rounded-8 border border-solid-gray-420 p-4" data-testid="book-slot">
          <h2 id="book" className="text-std-22B-150">
            {t('supporter.bookTitle')}
          </h2>
          <p className="text-std-16N-170">{t('supporter.bookLead')}</p>
          {problem && <Notice tone="error" live="assertive" title={problemMessage(problem, i.lang)} />}
          <SelectField
            name="slot_start"
            label={t('supporter.slotToBook')}
            required
            placeholder={t('common.selectPlaceholder')}
            options={free.map((x) => ({ value: x.start_time, label: `${x.start_time}–${x.end_time}` }))}
            value={slot}
            onChange={(e) => setSlot(e.target.value)}
          />
          {slot && (
            <PatientPicker
              name="patient_search"
              label={t('supporter.findPatient')}
              hint={t('supporter.findPatientHint')}
              chooseLabel={t('supporter.choosePatient')}
              exclude={booked.map((b) => b.patient_id)}
              onChoose={(p) => book.mutate({ id: p.id, name: patientName(p) })}
            />
          )}
        </section>
      )}
      {s.schedule_id && <ScheduleChange scheduleId={s.schedule_id} onChanged={changed} />}
    </>
  );
}

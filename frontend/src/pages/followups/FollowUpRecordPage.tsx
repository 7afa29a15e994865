import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { keys, type FollowUp, type Versioned } from '../../api/client';
import { CASE_OUTCOMES, CONTACTED, FOLLOW_UP_METHODS, isFollowUpState, isLevel } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { getFollowUp, getReferral, updateFollowUp, updateReferral } from '../../api/resources';
import { useOwnCenter } from '../../app/useOwnCenter';
import { useMe } from '../../auth/AuthProvider';
import { toClose } from '../referrals/referralForm';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, DateField, RadioGroupField, TextAreaField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { FollowUpStateBadge, LevelBadge } from '../../components/LevelBadge';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { submitOnCtrlEnter } from '../../components/forms';
import { useI18n } from '../../i18n/I18nProvider';
import { addDays, todayInTokyo } from '../../lib/datetime';
import { useStaffName } from '../cases/useCaseData';
import { agencyTypeLabel, contactedLabel, followUpMethodLabel, outcomeLabel, withNote } from '../labels';
import { Facts } from '../patients/Timeline';
import { dueDistance } from './FollowUpTable';
import { caseReturn, newFollowUpRecord, proposedNextDue, toRecordFollowUp, type FollowUpRecord } from './followUpForm';

function About({ f }: { f: FollowUp }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const open = f.state === 'due' || f.state === 'overdue';
  return (
    <section aria-labelledby="follow-up-about" className="flex flex-col gap-3">
      <h2 id="follow-up-about" className="text-std-22B-150">
        {t('followUp.about')}
      </h2>
      <Facts
        items={[
          [
            t('followUp.patient'),
            <Link key="p" to={`/patients/${f.patient_id}`}>
              {withNote(i, f.patient_name, f.case_number)}
            </Link>,
          ],
          [
            t('followUp.agency'),
            <Link key="a" to={`/referrals/${f.referral_id}`}>
              {withNote(i, f.agency_name, agencyTypeLabel(i, f.agency_type))}
            </Link>,
          ],
          [t('followUp.level'), isLevel(f.level) ? <LevelBadge key="l" level={f.level} compact /> : f.level],
          [
            t('followUp.dueOn'),
            open ? `${i.date(f.due_on)}\u3000${dueDistance(i, f.due_on, todayInTokyo())}` : i.date(f.due_on),
          ],
          [t('followUp.state'), isFollowUpState(f.state) ? <FollowUpStateBadge key="s" state={f.state} /> : f.state],
          [t('followUp.assignee'), staffName(f.assignee_id)],
          f.done_on != null && [t('followUp.doneOn'), i.date(f.done_on)],
          f.method != null && [t('followUp.method'), followUpMethodLabel(i, f.method)],
          f.contacted != null && [t('followUp.contacted'), contactedLabel(i, f.contacted)],
          f.outcome != null && [t('followUp.outcome'), outcomeLabel(i, f.outcome)],
          f.notes != null && [t('followUp.notes'), f.notes],
          f.next_due_on != null && [t('followUp.nextDueOn'), i.date(f.next_due_on)],
        ]}
      />
    </section>
  );
}

/** `back` is where cancel leads (where the user came from); `done` where saving leads (the case). */
function RecordForm({ initial, back, done }: { initial: Versioned<FollowUp>; back: string; done: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [typed, setValues] = useState<FollowUpRecord>(() => newFollowUpRecord(todayInTokyo()));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const set = <K extends keyof FollowUpRecord>(k: K, v: FollowUpRecord[K]) => setValues((old) => ({ ...old, [k]: v }));
  const labels = {
    done_on: t('followUp.doneOn'),
    method: t('followUp.method'),
    contacted: t('followUp.contacted'),
    outcome: t('followUp.outcome'),
    notes: t('followUp.notes'),
    next_due_on: t('followUp.nextDueOn'),
  };

  // Level 4: the next date is proposed from the center's interval until the user changes it.
  const me = useMe();
  const followUpDays = useOwnCenter(me.center_id, true)?.follow_up_days;
  const [closing, setClosing] = useState(false);
  const [nextTouched, setNextTouched] = useState(false);
  const proposal = proposedNextDue(initial.data.level, todayInTokyo(), followUpDays, closing);
  const values: FollowUpRecord = closing
    ? { ...typed, next_due_on: '' }
    : nextTouched
      ? typed
      : { ...typed, next_due_on: proposal };
  const setNext = (v: string) => {
    setNextTouched(true);
    set('next_due_on', v);
  };

  const mutation = useMutation({
    mutationFn: async () => {
      const saved = await updateFollowUp(initial.data.id, toRecordFollowUp(values), initial.etag);
      if (closing) {
        // Closing the referral with this follow-up's outcome, at the version read now.
        const referral = await getReferral(saved.data.referral_id);
        await updateReferral(referral.data.id, toClose(values.outcome, values.done_on), referral.etag);
      }
      return saved;
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(done, flash('saved'));
    },
    onError: async (e) => {
      setProblem(asProblem(e));
      // Someone else recorded or rescheduled it: show the current state.
      if (asProblem(e)?.status === 412) await queryClient.invalidateQueries({ queryKey: keys.followUp(initial.data.id) });
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  const nextIn = (days: number) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(values.done_on)) setNext(addDays(values.done_on, days));
  };

  return (
    <>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        <DateField
          name="done_on"
          label={labels.done_on}
          required
          value={values.done_on}
          onChange={(v) => set('done_on', v)}
          errors={errorsFor('done_on')}
        />
        <RadioGroupField
          name="method"
          label={labels.method}
          required
          columns={3}
          choices={FOLLOW_UP_METHODS.map((m) => ({ value: m, label: t(`followUpMethod.${m}`) }))}
          value={values.method}
          onChange={(v) => set('method', v)}
          errors={errorsFor('method')}
        />
        <RadioGroupField
          name="contacted"
          label={labels.contacted}
          required
          columns={3}
          choices={CONTACTED.map((c) => ({ value: c, label: t(`contacted.${c}`) }))}
          value={values.contacted}
          onChange={(v) => set('contacted', v)}
          errors={errorsFor('contacted')}
        />
        <RadioGroupField
          name="outcome"
          label={labels.outcome}
          required
          columns={2}
          choices={CASE_OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
          value={values.outcome}
          onChange={(v) => set('outcome', v)}
          errors={errorsFor('outcome')}
        />
        <TextAreaField
          name="notes"
          label={labels.notes}
          value={values.notes}
          onChange={(e) => set('notes', e.target.value)}
          errors={errorsFor('notes')}
        />
        <CheckboxField
          name="close_referral"
          label={t('followUp.closeReferral')}
          hint={t('followUp.closeReferral.hint')}
          checked={closing}
          onChange={(e) => setClosing(e.target.checked)}
        />
        {!closing && (
          <div className="flex flex-col gap-2">
            <DateField
              name="next_due_on"
              label={labels.next_due_on}
              hint={
                proposal !== '' && !nextTouched
                  ? t('followUp.nextDueOn.proposed', { days: followUpDays ?? 0 })
                  : t('followUp.nextDueOn.hint')
              }
              value={values.next_due_on}
              onChange={(v) => setNext(v)}
              errors={errorsFor('next_due_on')}
            />
            <div className="flex flex-wrap gap-2">
              {[14, 28].map((days) => (
                <Button key={days} variant="outline" size="sm" onClick={() => nextIn(days)}>
                  {t('followUp.nextInDays', { days })}
                </Button>
              ))}
            </div>
          </div>
        )}
        <p className="text-dns-16N-130 text-solid-gray-700">{t('common.ctrlEnter')}</p>
        <FormActions submitLabel={t('followUp.save')} busy={mutation.isPending} cancelTo={back} />
      </form>
    </>
  );
}

export function FollowUpRecordPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const q = useQuery({ queryKey: keys.followUp(id), queryFn: () => getFollowUp(id), staleTime: 0 });
  const f = q.data?.data;

  return (
    <>
      <PageTitle>{t('followUp.recordTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error || !f || !q.data ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <>
          <About f={f} />
          {f.state === 'done' && f.done_on ? (
            <Notice tone="success" title={t('followUp.doneNotice', { date: i.date(f.done_on, { era: false }) })}>
              <p className="mt-2">
                <Link to={`/follow-ups/${f.id}/edit`} state={{ from }}>
                  {t('followUp.editLink')}
                </Link>
              </p>
            </Notice>
          ) : f.state === 'cancelled' ? (
            <Notice tone="info" title={t('followUp.cancelledNotice')} />
          ) : f.state === 'not_recorded' ? (
            <Notice tone="info" title={t('followUp.notRecordedNotice')} />
          ) : (
            <RecordForm initial={q.data} back={from ?? caseReturn(from, f.referral_id)} done={caseReturn(from, f.referral_id)} />
          )}
        </>
      )}
    </>
  );
}

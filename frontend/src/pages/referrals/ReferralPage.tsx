import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { keys, type Referral, type Versioned } from '../../api/client';
import {
  CASE_OUTCOMES,
  LEVELS,
  SHARED_ITEMS,
  isFollowUpState,
  isLevel,
  type Level,
} from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import {
  getPatient,
  getReferral,
  listLevelChanges,
  listProvisions,
  listReferralFollowUps,
  scheduleFollowUp,
  updateReferral,
} from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { Button, ButtonLink } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxGroupField, DateField, RadioGroupField, SelectField, TextField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { FollowUpStateBadge, LevelBadge } from '../../components/LevelBadge';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { consentScopesFor, levelPassesData, levelsAbove } from '../../lib/cases';
import { addDays, todayInTokyo } from '../../lib/datetime';
import { useAgencies, useStaffName } from '../cases/useCaseData';
import {
  agencyTypeLabel,
  contactedLabel,
  followUpMethodLabel,
  joinLabels,
  outcomeLabel,
  patientName,
  purposeLabel,
  referralStatusLabel,
  sharedItemLabel,
  withNote,
} from '../labels';
import { ConsentStatus, useConsents } from '../patients/Consents';
import { Facts } from '../patients/Timeline';
import { ReviewStateBadge } from '../supervision/badges';
import { isLowering, toClose, toLevelChange } from './referralForm';
import { AgencyLinksSection } from './AgencyLinks';
import { ReturnedNotice, ReviewSection } from './Reviews';

function LevelOf({ value }: { value: string }) {
  return isLevel(value) ? <LevelBadge level={value} compact /> : <>{value}</>;
}

/** After a 412 the referral is read again; the user sees why and tries once more. */
function useReferralPatch(id: string, onSaved: () => void) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const mutation = useMutation({
    mutationFn: ({ body, etag }: { body: Parameters<typeof updateReferral>[1]; etag: string }) =>
      updateReferral(id, body, etag),
    onSuccess: async () => {
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      onSaved();
    },
    onError: async (e) => {
      setProblem(asProblem(e));
      if (asProblem(e)?.status === 412) await queryClient.invalidateQueries({ queryKey: keys.referral(id) });
    },
  });
  return { mutation, problem, setProblem };
}

function ChangeLevel({ referral, onDone }: { referral: Versioned<Referral>; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const { role } = useAuth();
  const supervisor = capabilities(role).supervise;
  const r = referral.data;
  const current = isLevel(r.level) ? r.level : 'information_only';
  const choices: Level[] = supervisor ? LEVELS.filter((l) => l !== current) : levelsAbove(current);
  const [level, setLevel] = useState('');
  const [items, setItems] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const { mutation, problem, setProblem } = useReferralPatch(r.id, () => {
    setLevel('');
    setItems([]);
    setReason('');
    onDone(t('referral.levelChanged'));
  });
  const errorsFor = useFieldErrors(problem);
  const next = isLevel(level) ? level : null;
  const needsItems = next !== null && levelPassesData(next) && !levelPassesData(current);
  const consents = useConsents(r.patient_id);
  const agencies = useAgencies();
  const labels = {
    level: t('referral.newLevel'),
    shared_items: t('referral.sharedItems'),
    level_reason: t('referral.levelReason'),
  };

  if (choices.length === 0) return <p className="text-std-16N-170">{t('referral.maxLevel')}</p>;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (next === null) {
      setProblem({
        status: 422,
        code: 'validation_failed',
        title: 'The input is not valid',
        detail: null,
        type: null,
        errors: [{ field: 'level', code: 'required', message: 'is required' }],
        retryAfterSeconds: null,
      });
      return;
    }
    if (!mutation.isPending) mutation.mutate({ body: toLevelChange(current, next, items, reason), etag: referral.etag });
  };

  return (
    <>
      <ErrorSummary id="level-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <RadioGroupField
          name="level"
          label={labels.level}
          required
          choices={choices.map((l) => ({ value: l, label: <LevelBadge level={l} /> }))}
          value={level}
          onChange={setLevel}
          errors={errorsFor('level')}
        />
        {needsItems && (
          <CheckboxGroupField
            name="shared_items"
            label={labels.shared_items}
            hint={t('referral.sharedItems.hint')}
            required
            columns={2}
            choices={SHARED_ITEMS.map((s) => ({ value: s, label: t(`sharedItem.${s}`) }))}
            values={items}
            onChange={setItems}
            errors={errorsFor('shared_items')}
          />
        )}
        {needsItems && consents.data && agencies.data && (
          // The referral's agency type as recorded is what the server checks consent against.
          <ConsentStatus consents={consents.data} scopes={consentScopesFor(agencies.data, r.agency_type)} />
        )}
        {(supervisor || (next !== null && isLowering(current, next))) && (
          <TextField
            name="level_reason"
            label={labels.level_reason}
            hint={t('referral.levelReason.hint')}
            required={next !== null && isLowering(current, next)}
            autoComplete="off"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            errors={errorsFor('level_reason')}
          />
        )}
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('referral.changeLevelSave')}
          </Button>
        </div>
      </form>
    </>
  );
}

function CloseReferral({ referral, onDone }: { referral: Versioned<Referral>; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState('');
  const [closedOn, setClosedOn] = useState(todayInTokyo());
  const { mutation, problem } = useReferralPatch(referral.data.id, () => onDone(t('referral.closedDone')));
  const errorsFor = useFieldErrors(problem);
  const labels = { outcome: t('referral.outcome'), closed_on: t('referral.closedOn') };
  return (
    <>
      <ErrorSummary id="close-errors" problem={problem} fields={labels} />
      <form
        noValidate
        className="flex max-w-3xl flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mutation.isPending) mutation.mutate({ body: toClose(outcome, closedOn), etag: referral.etag });
        }}
      >
        <p className="text-std-16N-170 text-solid-gray-700">{t('referral.closeLead')}</p>
        <SelectField
          name="outcome"
          label={labels.outcome}
          required
          placeholder={t('common.selectPlaceholder')}
          options={CASE_OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
          errors={errorsFor('outcome')}
        />
        <DateField
          name="closed_on"
          label={labels.closed_on}
          required
          value={closedOn}
          onChange={(v) => setClosedOn(v)}
          errors={errorsFor('closed_on')}
        />
        <div>
          <Button type="submit" variant="outline" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('referral.closeSave')}
          </Button>
        </div>
      </form>
    </>
  );
}

function ScheduleFollowUp({ referralId, onDone }: { referralId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [due, setDue] = useState(addDays(todayInTokyo(), 14));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const idempotencyKey = useIdempotencyKey({ referralId, due });
  const mutation = useMutation({
    mutationFn: () => scheduleFollowUp(referralId, due, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      onDone(t('referral.scheduled'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section aria-labelledby="schedule-title" className="flex flex-col gap-3">
      <h3 id="schedule-title" className="text-std-18B-160">
        {t('referral.scheduleTitle')}
      </h3>
      <ErrorSummary id="schedule-errors" problem={problem} fields={{ due_on: t('referral.scheduleDue') }} />
      <form
        noValidate
        className="flex flex-wrap items-end gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mutation.isPending) mutation.mutate();
        }}
      >
        <div className="min-w-60">
          <DateField
            name="due_on"
            label={t('referral.scheduleDue')}
            required
            value={due}
            onChange={(v) => setDue(v)}
            errors={errorsFor('due_on')}
          />
        </div>
        <Button type="submit" variant="outline" disabled={mutation.isPending}>
          {mutation.isPending ? t('form.saving') : t('referral.scheduleSave')}
        </Button>
      </form>
    </section>
  );
}

export function ReferralPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const agencies = useAgencies();
  const { role } = useAuth();
  const supervisor = capabilities(role).supervise;
  const [message, setMessage] = useState<string | null>(null);
  // Read afresh on each visit: colleagues work on the same case.
  const referral = useQuery({ queryKey: keys.referral(id), queryFn: () => getReferral(id), staleTime: 0 });
  const patientId = referral.data?.data.patient_id ?? '';
  const patient = useQuery({
    queryKey: keys.patient(patientId),
    queryFn: () => getPatient(patientId),
    enabled: patientId !== '',
  });
  const provisions = useQuery({
    queryKey: keys.provisions(patientId),
    queryFn: () => listProvisions(patientId),
    enabled: patientId !== '',
  });
  const levels = useQuery({ queryKey: keys.levelChanges(id), queryFn: () => listLevelChanges(id), staleTime: 0 });
  const followUps = useQuery({
    queryKey: keys.referralFollowUps(id),
    queryFn: () => listReferralFollowUps(id),
    staleTime: 0,
  });

  const r = referral.data?.data;
  const agency = r ? agencies.data?.find((a) => a.id === r.agency_id) : undefined;
  const provided = (provisions.data ?? []).filter((p) => p.referral_id === id);

  return (
    <>
      <PageTitle>{agency ? t('referral.title', { agency: agency.name }) : t('referral.summary')}</PageTitle>
      {referral.isPending ? (
        <Loading />
      ) : referral.error || !r || !referral.data ? (
        <LoadError error={referral.error} retry={() => void referral.refetch()} />
      ) : (
        <>
          <FlashNotice />
          {message && <Notice tone="success" live="polite" title={message} />}
          {r.review_state === 'returned' && <ReturnedNotice referralId={id} />}
          <div>
            <ButtonLink variant="outline" to={`/referrals/${id}/print`}>
              {t('print.referralLink')}
            </ButtonLink>
          </div>
          <section aria-labelledby="referral-summary" className="flex flex-col gap-3">
            <h2 id="referral-summary" className="text-std-22B-150">
              {t('referral.summary')}
            </h2>
            <Facts
              items={[
                [
                  t('referral.patient'),
                  patient.data ? (
                    <Link key="p" to={`/patients/${r.patient_id}`}>
                      {withNote(i, patientName(patient.data.data), patient.data.data.case_number)}
                    </Link>
                  ) : (
                    <Link key="p" to={`/patients/${r.patient_id}`}>
                      {t('referral.patient')}
                    </Link>
                  ),
                ],
                [t('followUp.agency'), withNote(i, agency?.name ?? t('common.none'), agencyTypeLabel(i, r.agency_type))],
                [t('referral.purpose'), purposeLabel(i, r.purpose)],
                [t('referral.level'), <LevelOf key="l" value={r.level} />],
                [t('referral.referredOn'), i.date(r.referred_on)],
                [
                  t('referral.status'),
                  r.status === 'closed' && r.outcome
                    ? withNote(i, referralStatusLabel(i, r.status), outcomeLabel(i, r.outcome))
                    : referralStatusLabel(i, r.status),
                ],
                [t('review.state'), <ReviewStateBadge key="rs" state={r.review_state} />],
                r.closed_on != null && [t('referral.closedOn'), i.date(r.closed_on)],
                r.handed_over != null && [t('referral.handedOver'), r.handed_over],
                provided.length > 0 && [
                  t('referral.provided'),
                  provided.map((p) => withNote(i, joinLabels(i, p.items, sharedItemLabel), i.date(p.provided_on, { era: false }))).join('\n'),
                ],
                [t('referral.consultant'), staffName(r.consultant_id)],
                r.notes != null && [t('referral.notes'), r.notes],
              ]}
            />
          </section>

          <section aria-labelledby="level-history" className="flex flex-col gap-3">
            <h2 id="level-history" className="text-std-22B-150">
              {t('referral.levelHistory')}
            </h2>
            {levels.isPending ? (
              <Loading />
            ) : levels.error ? (
              <LoadError error={levels.error} retry={() => void levels.refetch()} />
            ) : (
              <Table
                caption={t('referral.levelHistory')}
                head={[t('referral.changedAt'), t('referral.change'), t('referral.reason'), t('referral.changedBy')]}
              >
                {levels.data.map((l) => (
                  <Row key={l.id}>
                    <Cell header>{i.dateTime(l.changed_at)}</Cell>
                    <Cell>
                      <span className="inline-flex flex-wrap items-baseline gap-2">
                        {l.from_level ? <LevelOf value={l.from_level} /> : t('referral.atCreation')}
                        <span aria-hidden="true">→</span>
                        <LevelOf value={l.to_level} />
                      </span>
                    </Cell>
                    <Cell>{l.reason ?? t('common.none')}</Cell>
                    <Cell>{staffName(l.changed_by)}</Cell>
                  </Row>
                ))}
              </Table>
            )}
          </section>

          <section aria-labelledby="referral-follow-ups" className="flex flex-col gap-3">
            <h2 id="referral-follow-ups" className="text-std-22B-150">
              {t('referral.followUps')}
            </h2>
            {followUps.isPending ? (
              <Loading />
            ) : followUps.error ? (
              <LoadError error={followUps.error} retry={() => void followUps.refetch()} />
            ) : followUps.data.items.length === 0 ? (
              <p className="text-std-16N-170">{t('referral.followUpsEmpty')}</p>
            ) : (
              <Table
                caption={t('referral.followUps')}
                head={[
                  t('followUp.dueOn'),
                  t('followUp.state'),
                  t('followUp.doneOn'),
                  t('followUp.method'),
                  t('followUp.contacted'),
                  t('followUp.outcome'),
                  t('followUp.notes'),
                  t('followUp.assignee'),
                  t('followUp.actions'),
                ]}
              >
                {followUps.data.items.map((f) => (
                  <Row key={f.id} highlight={f.state === 'overdue'}>
                    <Cell header>
                      <span className="whitespace-nowrap">{i.date(f.due_on, { era: false })}</span>
                    </Cell>
                    <Cell>{isFollowUpState(f.state) ? <FollowUpStateBadge state={f.state} /> : f.state}</Cell>
                    <Cell>
                      <span className="whitespace-nowrap">{f.done_on ? i.date(f.done_on, { era: false }) : t('common.none')}</span>
                    </Cell>
                    <Cell>{f.method ? followUpMethodLabel(i, f.method) : t('common.none')}</Cell>
                    <Cell>{f.contacted ? contactedLabel(i, f.contacted) : t('common.none')}</Cell>
                    <Cell>
                      {f.outcome ? outcomeLabel(i, f.outcome) : t('common.none')}
                      {f.agency_outcome && (
                        <span className="block text-dns-16N-130 text-solid-gray-700">
                          {t('followUp.fromAgency', { outcome: t(`agencyOutcome.${f.agency_outcome}`) })}
                        </span>
                      )}
                    </Cell>
                    <Cell>
                      <span className="block min-w-40 whitespace-pre-wrap">{f.notes ?? t('common.none')}</span>
                    </Cell>
                    <Cell>{staffName(f.assignee_id)}</Cell>
                    <Cell>
                      {(f.state === 'due' || f.state === 'overdue') && (
                        <Link to={`/follow-ups/${f.id}`} state={{ from: `/referrals/${id}` }}>
                          {t('followUp.record')}
                          <span className="sr-only">
                            {t('followUp.recordContext', { name: f.patient_name, date: i.date(f.due_on, { era: false }) })}
                          </span>
                        </Link>
                      )}
                      {f.state === 'done' && r.status === 'open' && (
                        <Link to={`/follow-ups/${f.id}/edit`} state={{ from: `/referrals/${id}` }} className="whitespace-nowrap">
                          {t('followUp.editLink')}
                          <span className="sr-only">
                            {t('followUp.recordContext', { name: f.patient_name, date: i.date(f.done_on ?? f.due_on, { era: false }) })}
                          </span>
                        </Link>
                      )}
                    </Cell>
                  </Row>
                ))}
              </Table>
            )}
            {r.status === 'open' && <ScheduleFollowUp referralId={id} onDone={setMessage} />}
          </section>

          <AgencyLinksSection referralId={id} level={r.level} open={r.status === 'open'} />

          {supervisor && <ReviewSection referralId={id} onDone={setMessage} />}

          {r.status === 'open' ? (
            <>
              <section aria-labelledby="edit-referral" className="flex flex-col gap-3">
                <h2 id="edit-referral" className="text-std-22B-150">
                  {t('referral.editTitle')}
                </h2>
                <p className="text-std-16N-170 text-solid-gray-700">{t('referral.editLead')}</p>
                <div>
                  <ButtonLink variant="outline" to={`/referrals/${id}/edit`}>
                    {t('referral.editLink')}
                  </ButtonLink>
                </div>
              </section>
              <section aria-labelledby="change-level" className="flex flex-col gap-3">
                <h2 id="change-level" className="text-std-22B-150">
                  {t('referral.changeLevel')}
                </h2>
                <ChangeLevel referral={referral.data} onDone={setMessage} />
              </section>
              <section aria-labelledby="close-referral" className="flex flex-col gap-3">
                <h2 id="close-referral" className="text-std-22B-150">
                  {t('referral.close')}
                </h2>
                <CloseReferral referral={referral.data} onDone={setMessage} />
              </section>
            </>
          ) : (
            <Notice tone="info" title={t('referral.closedNotice')} />
          )}
        </>
      )}
    </>
  );
}

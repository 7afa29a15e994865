import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { keys, type Consent } from '../../api/client';
import { CONSENT_SCOPES, fromSelect, GIVEN_BY, SHOMAN_CONSENT_SCOPES, type ConsentScope, type GivenBy } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createConsent, getPatient, listConsents, withdrawConsent } from '../../api/resources';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, DateField, fieldId, RadioGroupField, TextAreaField, TextField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { optionalText } from '../../components/forms';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { useMe } from '../../auth/AuthProvider';
import { useOwnCenter } from '../../app/useOwnCenter';
import { ageOn, todayInTokyo } from '../../lib/datetime';
import { consentCovering, consentInForce } from '../../lib/cases';
import { useStaffName } from '../cases/useCaseData';
import { consentScopeLabel, labelled } from '../labels';

/** The patient's consents; `enabled` off for a ピア・サポーター, whom consents are not shown to (403). */
export function useConsents(patientId: string, enabled = true) {
  return useQuery({ queryKey: keys.consents(patientId), queryFn: () => listConsents(patientId), staleTime: 0, enabled });
}

/**
 * Record a consent: the date it was given (today by default) and its scope. `withNotes`
 * off keeps the form small where it sits inside another form's page.
 */
export function ConsentForm({
  patientId,
  onDone,
  onCancel,
  withNotes = true,
  defaultScope = 'employment_agencies',
  embedded = false,
}: {
  patientId: string;
  onDone: (consent: Consent) => void;
  onCancel: () => void;
  withNotes?: boolean;
  defaultScope?: ConsentScope;
  /**
   * Inside another form (forms cannot nest): a group whose button and Enter key record
   * the consent without submitting the outer form.
   */
  embedded?: boolean;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [givenOn, setGivenOn] = useState(todayInTokyo());
  const [scope, setScope] = useState<string>(defaultScope);
  const [notes, setNotes] = useState('');
  // A minor's consent comes from the guardian: the form starts there for one (the patient is
  // read from the cache of the page the form sits on).
  const patient = useQuery({ queryKey: keys.patient(patientId), queryFn: () => getPatient(patientId) });
  const age = patient.data ? ageOn(patient.data.data.birth_date, givenOn || todayInTokyo()) : null;
  const minor = age !== null && age < 18;
  // From the center's age, a minor's own assent is needed as well: said for this child.
  const me = useMe();
  const assentAge = useOwnCenter(me.center_id, true)?.child_assent_age ?? 0;
  const assentNeeded = minor && assentAge > 0 && age >= assentAge;
  // Schools and employers are 小慢 liaison's bodies: their scopes are offered for a 小慢 patient.
  const shoman = patient.data?.data.program === 'shoman';
  const [givenBy, setGivenBy] = useState<string | null>(null);
  const giver = givenBy ?? (minor ? 'guardian' : 'self');
  const [guardianName, setGuardianName] = useState('');
  const [relationship, setRelationship] = useState('');
  const [childAssent, setChildAssent] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const byGuardian = giver === 'guardian';
  const body = {
    given_on: givenOn,
    scope: fromSelect<ConsentScope>(scope),
    notes: withNotes ? optionalText(notes) : null,
    given_by: fromSelect<GivenBy>(giver),
    guardian_name: byGuardian ? optionalText(guardianName) : null,
    guardian_relationship: byGuardian ? optionalText(relationship) : null,
    child_assent: byGuardian && childAssent,
  };
  const idempotencyKey = useIdempotencyKey(body);
  const labels = {
    given_on: t('consent.givenOn'),
    scope: t('consent.scope'),
    notes: t('consent.notes'),
    given_by: t('consent.givenBy'),
    guardian_name: t('consent.guardianName'),
    guardian_relationship: t('consent.guardianRelationship'),
    child_assent: t('consent.childAssent'),
  };
  useEffect(() => {
    document.getElementById(fieldId('given_on'))?.focus();
  }, []);

  const mutation = useMutation({
    mutationFn: () => createConsent(patientId, body, idempotencyKey),
    onSuccess: async (consent) => {
      await queryClient.invalidateQueries({ queryKey: keys.patient(patientId) });
      onDone(consent);
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const save = () => {
    if (!mutation.isPending) mutation.mutate();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save();
  };
  const onGroupKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
      e.preventDefault();
      e.stopPropagation();
      save();
    }
  };

  const fields = (
    <>
      <DateField
        name="given_on"
        label={labels.given_on}
        required
        value={givenOn}
        onChange={(v) => setGivenOn(v)}
        errors={errorsFor('given_on')}
      />
      <RadioGroupField
        name="given_by"
        label={labels.given_by}
        hint={minor ? t('consent.minorHint') : undefined}
        required
        columns={2}
        choices={GIVEN_BY.map((g) => ({ value: g, label: t(`givenBy.${g}`) }))}
        value={giver}
        onChange={setGivenBy}
        errors={errorsFor('given_by')}
      />
      {byGuardian && (
        <>
          <TextField
            name="guardian_name"
            label={labels.guardian_name}
            required
            autoComplete="off"
            value={guardianName}
            onChange={(e) => setGuardianName(e.target.value)}
            errors={errorsFor('guardian_name')}
          />
          <TextField
            name="guardian_relationship"
            label={labels.guardian_relationship}
            hint={t('consent.guardianRelationshipHint')}
            autoComplete="off"
            value={relationship}
            onChange={(e) => setRelationship(e.target.value)}
            errors={errorsFor('guardian_relationship')}
          />
          <CheckboxField
            name="child_assent"
            label={t('consent.childAssentLabel')}
            hint={assentNeeded ? t('consent.childAssentNeeded', { age: assentAge }) : t('consent.childAssentHint')}
            checked={childAssent}
            onChange={(e) => setChildAssent(e.target.checked)}
            errors={errorsFor('child_assent')}
          />
        </>
      )}
      <RadioGroupField
        name="scope"
        label={labels.scope}
        required
        choices={CONSENT_SCOPES.filter((s) => shoman || !SHOMAN_CONSENT_SCOPES.includes(s)).map((s) => ({
          value: s,
          label: t(`consentScope.${s}`),
        }))}
        value={scope}
        onChange={setScope}
        errors={errorsFor('scope')}
      />
      {withNotes && (
        <TextAreaField
          name="notes"
          label={labels.notes}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          errors={errorsFor('notes')}
        />
      )}
      <div className="flex flex-wrap items-center gap-4">
        <Button type={embedded ? 'button' : 'submit'} disabled={mutation.isPending} onClick={embedded ? save : undefined}>
          {mutation.isPending ? t('form.saving') : t('consent.save')}
        </Button>
        <Button variant="text" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </>
  );

  return (
    <section aria-labelledby="consent-form-title" className="flex flex-col gap-4 rounded-8 border-2 border-solid-gray-420 bg-white p-4">
      <h3 id="consent-form-title" className="text-std-18B-160">
        {t('consent.recordTitle')}
      </h3>
      <ErrorSummary id="consent-errors" problem={problem} fields={labels} />
      {embedded ? (
        <div className="flex flex-col gap-4" onKeyDown={onGroupKeyDown}>
          {fields}
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
          {fields}
        </form>
      )}
    </section>
  );
}

function WithdrawForm({ consent, onDone, onCancel }: { consent: Consent; onDone: () => void; onCancel: () => void }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const [date, setDate] = useState(todayInTokyo());
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const mutation = useMutation({
    mutationFn: () => withdrawConsent(consent.id, date),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.patient(consent.patient_id) });
      onDone();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const title = t('consent.withdrawTitle', { date: i.date(consent.given_on, { era: false }) });
  useEffect(() => {
    document.getElementById(fieldId('withdrawn_on'))?.focus();
  }, []);
  return (
    <section aria-label={title} className="flex flex-col gap-4 rounded-8 border-2 border-solid-gray-420 bg-white p-4">
      <ErrorSummary id="withdraw-errors" problem={problem} fields={{ withdrawn_on: t('consent.withdrawnOn') }} />
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mutation.isPending) mutation.mutate();
        }}
      >
        <p className="text-std-17B-170">{title}</p>
        <DateField
          name="withdrawn_on"
          label={t('consent.withdrawnOn')}
          required
          value={date}
          onChange={(v) => setDate(v)}
          errors={errorsFor('withdrawn_on')}
        />
        <div className="flex flex-wrap items-center gap-4">
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('consent.withdrawSave')}
          </Button>
          <Button variant="text" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/**
 * One line on whether a consent lets data go: to an agency covered by `scopes` (what the
 * API names for it), or, without them, at all.
 */
export function ConsentStatus({ consents, scopes }: { consents: readonly Consent[]; scopes: readonly ConsentScope[] | null }) {
  const i = useI18n();
  const { t } = i;
  const covering = consentCovering(consents, scopes, todayInTokyo());
  if (covering) {
    const params = { date: i.date(covering.given_on, { era: false }), scope: consentScopeLabel(i, covering.scope) };
    return <Notice tone="success" title={scopes ? t('consent.covering', params) : t('consent.anyInForce', params)} />;
  }
  return <Notice tone="warning" title={scopes ? t('consent.notCovering') : t('consent.noneInForce')} />;
}

/** The patient's consents: the record, recording a new one, and withdrawing one. */
export function ConsentsSection({ patientId }: { patientId: string }) {
  const i = useI18n();
  const { t } = i;
  const consents = useConsents(patientId);
  const staffName = useStaffName();
  const [recording, setRecording] = useState(false);
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // When an inline form closes, focus goes back to the button that opens "record".
  const refocus = useRef(false);
  const focusOnReturn = (el: HTMLButtonElement | null) => {
    if (el && refocus.current) {
      refocus.current = false;
      el.focus();
    }
  };
  const today = todayInTokyo();
  const target = withdrawing ? consents.data?.find((c) => c.id === withdrawing) : undefined;

  const close = (message: string | null) => {
    setRecording(false);
    setWithdrawing(null);
    if (message) setDone(message);
    refocus.current = true;
  };

  return (
    <section aria-labelledby="consents-title" className="flex flex-col gap-4">
      <h2 id="consents-title" className="text-std-22B-150">
        {t('consent.title')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('consent.lead')}</p>
      {done && <Notice tone="success" live="polite" title={done} />}
      {consents.isPending ? (
        <Loading />
      ) : consents.error ? (
        <LoadError error={consents.error} retry={() => void consents.refetch()} />
      ) : consents.data.length === 0 ? (
        <p className="text-std-16N-170">{t('consent.none')}</p>
      ) : (
        <Table
          caption={t('consent.caption')}
          head={[t('consent.givenOn'), t('consent.scope'), t('common.status'), t('referral.changedBy'), t('followUp.actions')]}
        >
          {consents.data.map((c) => {
            const inForce = consentInForce(c, today);
            return (
              <Row key={c.id}>
                <Cell header>{i.date(c.given_on)}</Cell>
                <Cell>
                  {consentScopeLabel(i, c.scope)}
                  {c.given_by === 'guardian' && (
                    <span className="block text-dns-16N-130 text-solid-gray-700">
                      {t('consent.byGuardian', { name: c.guardian_name ?? '', relationship: c.guardian_relationship ?? t('common.none') })}
                      {c.child_assent ? `・${t('consent.withAssent')}` : ''}
                    </span>
                  )}
                </Cell>
                <Cell>
                  <StatusBadge active={inForce} activeLabel={t('consent.inForce')} inactiveLabel={t('consent.withdrawn')} />
                  {c.withdrawn_on && (
                    <span className="ml-2">
                      {labelled(i, t('consent.withdrawnOn'), i.date(c.withdrawn_on, { era: false }))}
                    </span>
                  )}
                </Cell>
                <Cell>{staffName(c.recorded_by)}</Cell>
                <Cell>
                  {c.withdrawn_on == null && (
                    <Button
                      variant="outline"
                      size="sm"
                      aria-expanded={withdrawing === c.id}
                      onClick={() => {
                        setDone(null);
                        setWithdrawing(withdrawing === c.id ? null : c.id);
                      }}
                    >
                      {t('consent.withdraw')}
                      <span className="sr-only">{t('consent.withdrawContext', { date: i.date(c.given_on, { era: false }) })}</span>
                    </Button>
                  )}
                  <Link to={`/consents/${c.id}/edit`} className="ml-3 whitespace-nowrap">
                    {t('edit.correct')}
                    <span className="sr-only">{t('consent.withdrawContext', { date: i.date(c.given_on, { era: false }) })}</span>
                  </Link>
                </Cell>
              </Row>
            );
          })}
        </Table>
      )}
      {target && (
        <WithdrawForm
          key={target.id}
          consent={target}
          onDone={() => close(t('consent.withdrawRecorded'))}
          onCancel={() => close(null)}
        />
      )}
      {recording ? (
        <ConsentForm patientId={patientId} onDone={() => close(t('consent.recorded'))} onCancel={() => close(null)} />
      ) : (
        <div>
          <Button
            ref={focusOnReturn}
            variant="outline"
            onClick={() => {
              setDone(null);
              setRecording(true);
            }}
          >
            {t('consent.record')}
          </Button>
        </div>
      )}
    </section>
  );
}

// Liaison with the bodies around a 小慢 child (関係機関との連絡調整): each contact with a school,
// employer, hospital or agency, against a plan's action where there is one. Passing the
// child's data to a school or employer needs a consent covering it (the server refuses
// otherwise and records the provision when it allows).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { keys } from '../../api/client';
import { fromSelect } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createLiaisonContact, listLiaisonContacts, type LiaisonChannel, type LiaisonFilter } from '../../api/liaison';
import type { BodyKind, PlanAction } from '../../api/supportPlans';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, DateField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { optionalText } from '../../components/forms';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { BODY_KINDS, isBodyKind } from '../supportPlans/supportPlanModel';
import { consentRuleOnField, isOneOf, LIAISON_CHANNELS } from './shomanModel';

function AddContact({
  patientId,
  planId,
  actions,
  onDone,
}: {
  patientId: string;
  planId?: string;
  actions: readonly PlanAction[];
  onDone: (message: string) => void;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [contactedOn, setContactedOn] = useState(todayInTokyo());
  const [actionId, setActionId] = useState('');
  const [bodyKind, setBodyKind] = useState('');
  const [bodyName, setBodyName] = useState('');
  const [person, setPerson] = useState('');
  const [channel, setChannel] = useState('');
  const [summary, setSummary] = useState('');
  const [shared, setShared] = useState(false);
  const [nextOn, setNextOn] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    contacted_on: t('liaison.contactedOn'),
    action_id: t('liaison.action'),
    body_kind: t('liaison.bodyKind'),
    body_name: t('liaison.bodyName'),
    contact_person: t('liaison.contactPerson'),
    channel: t('liaison.channel'),
    summary: t('liaison.summary'),
    shared_data: t('liaison.sharedData'),
    next_on: t('liaison.nextOn'),
  };
  const body = {
    patient_id: patientId,
    plan_id: planId ?? null,
    action_id: actionId === '' ? null : actionId,
    contacted_on: contactedOn,
    body_kind: fromSelect<BodyKind>(bodyKind),
    body_name: bodyName.trim(),
    contact_person: optionalText(person),
    channel: fromSelect<LiaisonChannel>(channel),
    summary: summary.trim(),
    shared_data: shared,
    next_on: nextOn === '' ? null : nextOn,
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createLiaisonContact(body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      setActionId('');
      setBodyKind('');
      setBodyName('');
      setPerson('');
      setChannel('');
      setSummary('');
      setShared(false);
      setNextOn('');
      await queryClient.invalidateQueries({ queryKey: keys.liaisonContacts });
      await queryClient.invalidateQueries({ queryKey: keys.patient(patientId) });
      onDone(t('liaison.added'));
    },
    onError: (e) => {
      const p = asProblem(e);
      setProblem(p ? consentRuleOnField(p) : null);
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  // Choosing an action fills in its body, which is usually the one contacted.
  const chooseAction = (id: string) => {
    setActionId(id);
    const a = actions.find((x) => x.id === id);
    if (a) {
      setBodyKind(a.body_kind);
      setBodyName(a.body_name);
    }
  };
  return (
    <section aria-labelledby="add-liaison" className="flex flex-col gap-3">
      <h3 id="add-liaison" className="text-std-18B-160">
        {t('liaison.addTitle')}
      </h3>
      <ErrorSummary id="liaison-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <DateField
          name="contacted_on"
          label={labels.contacted_on}
          required
          value={contactedOn}
          onChange={(v) => setContactedOn(v)}
          errors={errorsFor('contacted_on')}
        />
        {planId && actions.length > 0 && (
          <SelectField
            name="action_id"
            label={labels.action_id}
            hint={t('liaison.actionHint')}
            options={[{ value: '', label: t('liaison.noAction') }, ...actions.map((a) => ({ value: a.id, label: a.body_name }))]}
            value={actionId}
            onChange={(e) => chooseAction(e.target.value)}
            errors={errorsFor('action_id')}
          />
        )}
        <SelectField
          name="liaison_body_kind"
          label={labels.body_kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={BODY_KINDS.map((k) => ({ value: k, label: t(`bodyKind.${k}`) }))}
          value={bodyKind}
          onChange={(e) => setBodyKind(e.target.value)}
          errors={errorsFor('body_kind')}
        />
        <TextField
          name="liaison_body_name"
          label={labels.body_name}
          hint={t('planAction.bodyNameHint')}
          required
          autoComplete="off"
          value={bodyName}
          onChange={(e) => setBodyName(e.target.value)}
          errors={errorsFor('body_name')}
        />
        <TextField
          name="contact_person"
          label={labels.contact_person}
          autoComplete="off"
          value={person}
          onChange={(e) => setPerson(e.target.value)}
          errors={errorsFor('contact_person')}
        />
        <SelectField
          name="channel"
          label={labels.channel}
          required
          placeholder={t('common.selectPlaceholder')}
          options={LIAISON_CHANNELS.map((c) => ({ value: c, label: t(`liaisonChannel.${c}`) }))}
          value={channel}
          onChange={(e) => setChannel(e.target.value)}
          errors={errorsFor('channel')}
        />
        <TextAreaField
          name="liaison_summary"
          label={labels.summary}
          required
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          errors={errorsFor('summary')}
        />
        <CheckboxField
          name="shared_data"
          label={labels.shared_data}
          hint={t('liaison.sharedDataHint')}
          checked={shared}
          onChange={(e) => setShared(e.target.checked)}
          errors={errorsFor('shared_data')}
        />
        <DateField
          name="liaison_next_on"
          label={labels.next_on}
          value={nextOn}
          onChange={(v) => setNextOn(v)}
          errors={errorsFor('next_on')}
        />
        <div>
          <Button type="submit" variant="outline" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('liaison.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/**
 * The contacts about a child (`patientId`), or about one plan (`planId`, whose actions can
 * be named); the form to add one below.
 */
export function LiaisonSection({
  patientId,
  planId,
  actions = [],
  headingLevel = 2,
}: {
  patientId: string;
  planId?: string;
  actions?: readonly PlanAction[];
  headingLevel?: 2 | 3;
}) {
  const i = useI18n();
  const { t } = i;
  const [message, setMessage] = useState<string | null>(null);
  const filter: LiaisonFilter = planId ? { plan_id: planId } : { patient_id: patientId };
  const list = useCursorList([...keys.liaisonContacts, filter], (cursor) => listLiaisonContacts(filter, cursor), { alwaysRefetch: true });
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const actionName = (id: string | null | undefined) => (id ? (actions.find((a) => a.id === id)?.body_name ?? '') : '');
  return (
    <section aria-labelledby="liaison-title" className="flex flex-col gap-3">
      <Heading id="liaison-title" className={headingLevel === 2 ? 'text-std-22B-150' : 'text-std-20B-150'}>
        {t('liaison.title')}
      </Heading>
      <p className="max-w-4xl text-std-16N-170 text-solid-gray-700">{t('liaison.lead')}</p>
      {message && <Notice tone="success" live="polite" title={message} />}
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('liaison.empty')}</p>
      ) : (
        <>
          <Table
            caption={t('liaison.title')}
            head={[t('liaison.contactedOn'), t('liaison.body'), t('liaison.channel'), t('liaison.summary'), t('liaison.nextOn')]}
          >
            {list.items.map((c) => (
              <Row key={c.id}>
                <Cell header>
                  <span className="whitespace-nowrap">{i.date(c.contacted_on, { era: false })}</span>
                </Cell>
                <Cell>
                  {c.body_name}
                  {c.contact_person ? `（${c.contact_person}）` : ''}
                  <span className="block text-dns-16N-130 text-solid-gray-700">
                    {isBodyKind(c.body_kind) ? t(`bodyKind.${c.body_kind}`) : c.body_kind}
                    {c.action_id && actionName(c.action_id) ? `・${t('liaison.forAction', { name: actionName(c.action_id) })}` : ''}
                  </span>
                </Cell>
                <Cell>{isOneOf(LIAISON_CHANNELS, c.channel) ? t(`liaisonChannel.${c.channel}`) : c.channel}</Cell>
                <Cell>
                  {c.summary}
                  {c.shared_data && (
                    <span className="block text-dns-16N-130 font-bold" data-testid="liaison-shared">
                      {c.provision
                        ? t('liaison.provisionRecorded', { date: i.date(c.provision.provided_on, { era: false }) })
                        : t('liaison.sharedShort')}
                    </span>
                  )}
                </Cell>
                <Cell>{c.next_on ? i.date(c.next_on, { era: false }) : t('common.none')}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </>
      )}
      <AddContact patientId={patientId} planId={planId} actions={actions} onDone={setMessage} />
    </section>
  );
}

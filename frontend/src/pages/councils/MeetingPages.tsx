// 会議: register one, then edit it (minutes keep their line breaks), its papers and the
// regional issues it discussed. A council member reads it and downloads the papers.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Versioned } from '../../api/client';
import {
  councilKeys,
  createMeeting,
  deleteAttachment,
  downloadAttachment,
  getCouncil,
  getMeeting,
  listAttachments,
  listMeetingIssues,
  listMembers,
  listRegionalIssues,
  setMeetingIssues,
  updateMeeting,
  uploadAttachment,
  type Attachment,
  type CouncilMember,
  type CreateMeeting,
  type Meeting,
  type UpdateMeeting,
} from '../../api/councils';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxGroupField, DateField, ReadOnlyField, SelectField, TextAreaField, TextField, fieldId } from '../../components/Field';
import { flash, FlashNotice } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { optionalText, useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { issueStageKey, labelOf, meetingKindKey, meetingStatusKey } from './councilLabels';
import { formatSize, MEETING_KINDS, MEETING_STATUSES, sortMembers, stageMark, uploadProblemKey } from './councilModel';
import { CouncilLoadError, h2Class, saveFile, sectionClass, useRunsCouncils } from './common';

interface MeetingForm {
  title: string;
  held_on: string;
  kind: string;
  status: string;
  location: string;
  attendee_ids: string[];
  agenda: string;
  minutes: string;
  decisions: string;
}

const empty: MeetingForm = {
  title: '',
  held_on: '',
  kind: 'plenary',
  status: 'planned',
  location: '',
  attendee_ids: [],
  agenda: '',
  minutes: '',
  decisions: '',
};

const toForm = (m: Meeting): MeetingForm => ({
  title: m.title,
  held_on: m.held_on,
  kind: m.kind,
  status: m.status,
  location: m.location ?? '',
  attendee_ids: [...m.attendee_ids],
  agenda: m.agenda,
  minutes: m.minutes,
  decisions: m.decisions,
});

function useLabels() {
  const { t } = useI18n();
  return {
    title: t('meeting.title'),
    held_on: t('meeting.heldOn'),
    kind: t('meeting.kind'),
    status: t('meeting.status'),
    location: t('meeting.location'),
    attendee_ids: t('meeting.attendees'),
    agenda: t('meeting.agenda'),
    minutes: t('meeting.minutes'),
    decisions: t('meeting.decisions'),
  };
}

function Fields({
  values,
  set,
  errorsFor,
  members,
}: {
  values: MeetingForm;
  set: <K extends keyof MeetingForm>(key: K, value: MeetingForm[K]) => void;
  errorsFor: (field: string) => string[];
  members: readonly CouncilMember[];
}) {
  const { t } = useI18n();
  const labels = useLabels();
  return (
    <>
      <TextField name="title" label={labels.title} required value={values.title} onChange={(e) => set('title', e.target.value)} errors={errorsFor('title')} />
      <DateField name="held_on" label={labels.held_on} required value={values.held_on} onChange={(v) => set('held_on', v)} errors={errorsFor('held_on')} />
      <SelectField
        name="kind"
        label={labels.kind}
        required
        options={MEETING_KINDS.map((k) => ({ value: k, label: labelOf(t, meetingKindKey, k) }))}
        value={values.kind}
        onChange={(e) => set('kind', e.target.value)}
        errors={errorsFor('kind')}
      />
      <SelectField
        name="status"
        label={labels.status}
        required
        options={MEETING_STATUSES.map((k) => ({ value: k, label: labelOf(t, meetingStatusKey, k) }))}
        value={values.status}
        onChange={(e) => set('status', e.target.value)}
        errors={errorsFor('status')}
      />
      <TextField name="location" label={labels.location} value={values.location} onChange={(e) => set('location', e.target.value)} errors={errorsFor('location')} />
      {members.length === 0 ? (
        <ReadOnlyField label={labels.attendee_ids} value={t('meeting.attendeesNone')} />
      ) : (
        <CheckboxGroupField
          name="attendee_ids"
          label={labels.attendee_ids}
          columns={2}
          choices={sortMembers(members).map((m) => ({ value: m.id, label: m.name, description: m.organization }))}
          values={values.attendee_ids}
          onChange={(v) => set('attendee_ids', v)}
          errors={errorsFor('attendee_ids')}
        />
      )}
      <TextAreaField name="agenda" label={labels.agenda} rows={4} value={values.agenda} onChange={(e) => set('agenda', e.target.value)} errors={errorsFor('agenda')} />
      <TextAreaField
        name="minutes"
        label={labels.minutes}
        hint={t('meeting.minutes.hint')}
        rows={12}
        value={values.minutes}
        onChange={(e) => set('minutes', e.target.value)}
        errors={errorsFor('minutes')}
      />
      <TextAreaField name="decisions" label={labels.decisions} rows={4} value={values.decisions} onChange={(e) => set('decisions', e.target.value)} errors={errorsFor('decisions')} />
    </>
  );
}

export function MeetingNewPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const members = useQuery({ queryKey: councilKeys.members(id), queryFn: () => listMembers(id) });
  const [values, setValues] = useState<MeetingForm>(empty);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body: CreateMeeting = {
    title: values.title.trim(),
    held_on: values.held_on,
    kind: values.kind as CreateMeeting['kind'],
    status: values.status as Meeting['status'],
    location: optionalText(values.location),
    attendee_ids: values.attendee_ids,
    agenda: optionalText(values.agenda),
    minutes: values.minutes.trim() === '' ? null : values.minutes,
    decisions: optionalText(values.decisions),
  };
  const key = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createMeeting(id, body, key),
    onSuccess: async (m) => {
      await queryClient.invalidateQueries({ queryKey: councilKeys.meetings(id) });
      void navigate(`/meetings/${m.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <>
      <PageTitle>{t('meeting.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      {members.isPending ? (
        <Loading />
      ) : members.error ? (
        <CouncilLoadError error={members.error} retry={() => void members.refetch()} />
      ) : (
        <form onSubmit={onSubmit} noValidate className={formClass}>
          <Fields values={values} set={(k, v) => setValues((o) => ({ ...o, [k]: v }))} errorsFor={errorsFor} members={members.data} />
          <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo={`/councils/${id}`} />
        </form>
      )}
    </>
  );
}

export function MeetingPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const runs = useRunsCouncils();
  const [saved, setSaved] = useState(false);
  const q = useQuery({ queryKey: councilKeys.meeting(id), queryFn: () => getMeeting(id) });
  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <>
        <PageTitle>{t('meeting.resource')}</PageTitle>
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      </>
    );
  }
  const meeting = q.data.data;
  return (
    <>
      <PageTitle>{meeting.title}</PageTitle>
      <FlashNotice />
      <CouncilLink councilId={meeting.council_id} />
      {saved && <Notice tone="success" live="polite" title={t('common.saved')} />}
      {runs ? (
        // A new version (after a save) starts the form again from it, with its ETag.
        <EditForm key={`${id}-${q.data.etag}`} initial={q.data} onSaved={setSaved} />
      ) : (
        <MeetingRead meeting={meeting} />
      )}
      <Papers meetingId={id} runs={runs} />
      <MeetingIssues meetingId={id} runs={runs} />
    </>
  );
}

function CouncilLink({ councilId }: { councilId: string }) {
  const { t } = useI18n();
  const q = useQuery({ queryKey: councilKeys.council(councilId), queryFn: () => getCouncil(councilId) });
  return (
    <p className="text-std-16N-170">
      {t('meeting.council')}：<Link to={`/councils/${councilId}`}>{q.data?.data.name ?? '…'}</Link>
    </p>
  );
}

/** Text as written: line breaks kept. */
function Lines({ text }: { text: string }) {
  const { t } = useI18n();
  return <span className="whitespace-pre-wrap">{text.trim() === '' ? t('common.none') : text}</span>;
}

function MeetingRead({ meeting }: { meeting: Meeting }) {
  const { t, date } = useI18n();
  const members = useQuery({ queryKey: councilKeys.members(meeting.council_id), queryFn: () => listMembers(meeting.council_id) });
  const names = members.data
    ? sortMembers(members.data.filter((m) => meeting.attendee_ids.includes(m.id)))
        .map((m) => m.name)
        .join('、')
    : '…';
  return (
    <div className="grid gap-4">
      <div className="grid gap-4 md:grid-cols-2">
        <ReadOnlyField label={t('meeting.heldOn')} value={date(meeting.held_on)} />
        <ReadOnlyField label={t('meeting.kind')} value={labelOf(t, meetingKindKey, meeting.kind)} />
        <ReadOnlyField label={t('meeting.status')} value={labelOf(t, meetingStatusKey, meeting.status)} />
        <ReadOnlyField label={t('meeting.location')} value={meeting.location ?? t('common.none')} />
      </div>
      <ReadOnlyField label={t('meeting.attendees')} value={names || t('common.none')} />
      <ReadOnlyField label={t('meeting.agenda')} value={<Lines text={meeting.agenda} />} />
      <ReadOnlyField label={t('meeting.minutes')} value={<Lines text={meeting.minutes} />} />
      <ReadOnlyField label={t('meeting.decisions')} value={<Lines text={meeting.decisions} />} />
    </div>
  );
}

function EditForm({ initial, onSaved }: { initial: Versioned<Meeting>; onSaved: (saved: boolean) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const id = initial.data.id;
  const councilId = initial.data.council_id;
  const members = useQuery({ queryKey: councilKeys.members(councilId), queryFn: () => listMembers(councilId) });
  const form = useEditForm<Meeting, MeetingForm>({
    initial,
    toForm,
    save: (c, etag) => {
      const patch: UpdateMeeting = {};
      if (c.title !== undefined) patch.title = c.title.trim();
      if (c.held_on !== undefined) patch.held_on = c.held_on;
      if (c.kind !== undefined) patch.kind = c.kind as Meeting['kind'];
      if (c.status !== undefined) patch.status = c.status as Meeting['status'];
      if (c.location !== undefined) patch.location = optionalText(c.location);
      if (c.attendee_ids !== undefined) patch.attendee_ids = c.attendee_ids;
      if (c.agenda !== undefined) patch.agenda = c.agenda;
      if (c.minutes !== undefined) patch.minutes = c.minutes;
      if (c.decisions !== undefined) patch.decisions = c.decisions;
      onSaved(false);
      return updateMeeting(id, patch, etag);
    },
    reload: () => getMeeting(id),
    onSaved: (v) => {
      onSaved(true);
      if (v) queryClient.setQueryData(councilKeys.meeting(id), v);
      void queryClient.invalidateQueries({ queryKey: councilKeys.meetings(councilId) });
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const nameOf = (ids: readonly string[]) =>
    ids.map((x) => members.data?.find((m) => m.id === x)?.name ?? x).join('、');
  const show = (f: MeetingForm): Record<keyof MeetingForm, string> => ({
    ...f,
    kind: labelOf(t, meetingKindKey, f.kind),
    status: labelOf(t, meetingStatusKey, f.status),
    attendee_ids: nameOf(f.attendee_ids),
  });
  const rows = () => {
    if (!form.conflict) return [];
    const yours = show(form.values);
    const current = show(toForm(form.conflict.data));
    return (Object.keys(yours) as (keyof MeetingForm)[]).map((k) => ({ label: labels[k], yours: yours[k], current: current[k] }));
  };
  return (
    <>
      {form.conflict && <ConflictPanel resource={t('meeting.resource')} rows={rows()} onReapply={form.reapply} onDiscard={form.discard} />}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          form.submit();
        }}
        noValidate
        className={formClass}
      >
        <Fields values={form.values} set={form.set} errorsFor={errorsFor} members={members.data ?? []} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={`/councils/${councilId}`} />
      </form>
    </>
  );
}

function Papers({ meetingId, runs }: { meetingId: string; runs: boolean }) {
  const { t, lang, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: councilKeys.attachments(meetingId), queryFn: () => listAttachments(meetingId) });
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  // The paper whose deletion waits for a yes (a paper is gone for every member once deleted).
  const [confirming, setConfirming] = useState<Attachment | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message?.tone === 'error') messageRef.current?.focus();
  }, [message]);
  const explain = (e: unknown) => {
    const p = asProblem(e);
    const key = uploadProblemKey(p);
    return key ? t(key) : p ? problemMessage(p, lang) : t('problem.network_error');
  };
  const upload = useMutation({
    mutationFn: (f: File) => uploadAttachment(meetingId, f),
    onSuccess: () => {
      setMessage({ tone: 'success', text: t('meeting.upload.done') });
      setFile(null);
      if (input.current) input.current.value = '';
      void queryClient.invalidateQueries({ queryKey: councilKeys.attachments(meetingId) });
    },
    onError: (e) => setMessage({ tone: 'error', text: explain(e) }),
  });
  const remove = useMutation({
    mutationFn: (a: Attachment) => deleteAttachment(meetingId, a.id),
    onSettled: () => setConfirming(null),
    onSuccess: () => {
      setMessage({ tone: 'success', text: t('common.deleted') });
      void queryClient.invalidateQueries({ queryKey: councilKeys.attachments(meetingId) });
    },
    onError: (e) => setMessage({ tone: 'error', text: explain(e) }),
  });
  const download = useMutation({
    mutationFn: (a: Attachment) => downloadAttachment(meetingId, a),
    onSuccess: saveFile,
    onError: (e) => setMessage({ tone: 'error', text: explain(e) }),
  });
  return (
    <section aria-labelledby="meeting-papers" className={sectionClass}>
      <h2 id="meeting-papers" className={h2Class}>
        {t('meeting.papers')}
      </h2>
      {message && (
        <div ref={messageRef} tabIndex={-1} className="outline-none">
          <Notice tone={message.tone} live={message.tone === 'error' ? 'assertive' : 'polite'} title={message.text} />
        </div>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('meeting.papersEmpty')}</p>
      ) : (
        <Table caption={t('meeting.papers')} head={[t('meeting.fileName'), t('meeting.size'), t('meeting.uploadedAt'), '']}>
          {q.data.map((a) => (
            <Row key={a.id}>
              <Cell header>{a.file_name}</Cell>
              <Cell>{formatSize(a.size_bytes)}</Cell>
              <Cell>{dateTime(a.created_at)}</Cell>
              <Cell>
                <div className="flex flex-wrap gap-2">
                  <Button size="sm" variant="outline" aria-label={t('meeting.downloadName', { name: a.file_name })} onClick={() => download.mutate(a)}>
                    {t('meeting.download')}
                  </Button>
                  {runs && (
                    <Button
                      id={`delete-paper-${a.id}`}
                      size="sm"
                      variant="text"
                      aria-label={t('meeting.deleteName', { name: a.file_name })}
                      aria-expanded={confirming?.id === a.id}
                      aria-controls={confirming?.id === a.id ? 'confirm-delete-paper' : undefined}
                      onClick={() => setConfirming(a)}
                    >
                      {t('meeting.delete')}
                    </Button>
                  )}
                </div>
              </Cell>
            </Row>
          ))}
        </Table>
      )}
      {runs && confirming && (
        <ConfirmPanel
          id="confirm-delete-paper"
          title={t('meeting.deleteConfirm', { name: confirming.file_name })}
          confirmLabel={t('meeting.delete')}
          busy={remove.isPending}
          onConfirm={() => remove.mutate(confirming)}
          onCancel={() => {
            const id = confirming.id;
            setConfirming(null);
            document.getElementById(`delete-paper-${id}`)?.focus();
          }}
        />
      )}
      {runs && (
        <form
          noValidate
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (!file) {
              setMessage({ tone: 'error', text: t('meeting.upload.choose') });
              return;
            }
            if (!upload.isPending) upload.mutate(file);
          }}
        >
          <div className="flex flex-col gap-2">
            <label htmlFor={fieldId('paper')} className="text-std-17B-170">
              {t('meeting.upload')}
            </label>
            <p id={`${fieldId('paper')}-hint`} className="text-dns-16N-130 text-solid-gray-700">
              {t('meeting.upload.hint')}
            </p>
            <input
              ref={input}
              id={fieldId('paper')}
              type="file"
              aria-describedby={`${fieldId('paper')}-hint`}
              accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="text-std-16N-170"
            />
          </div>
          <div>
            <Button type="submit" size="sm" disabled={upload.isPending}>
              {upload.isPending ? t('meeting.upload.busy') : t('meeting.upload.submit')}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}

function MeetingIssues({ meetingId, runs }: { meetingId: string; runs: boolean }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: councilKeys.meetingIssues(meetingId), queryFn: () => listMeetingIssues(meetingId) });
  const all = useQuery({ queryKey: councilKeys.issues, queryFn: listRegionalIssues, enabled: runs });
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (ids: string[]) => setMeetingIssues(meetingId, ids),
    onSuccess: (issues) => {
      queryClient.setQueryData(councilKeys.meetingIssues(meetingId), issues);
      setChosen(null);
      setProblem(null);
      setSaved(true);
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const issuePath = (issueId: string) => (runs ? `/regional-issues/${issueId}` : `/council-issues/${issueId}`);
  const current = chosen ?? q.data?.map((i) => i.id) ?? [];
  return (
    <section aria-labelledby="meeting-issues" className={sectionClass}>
      <h2 id="meeting-issues" className={h2Class}>
        {t('meeting.issues')}
      </h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('meeting.issuesEmpty')}</p>
      ) : (
        <ul className="list-disc pl-6 text-std-16N-170">
          {q.data.map((i) => (
            <li key={i.id}>
              <Link to={issuePath(i.id)}>
                {stageMark(i.stage)} {i.title}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {runs && all.data && q.data && (
        <form
          noValidate
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            if (!save.isPending) save.mutate(current);
          }}
        >
          {saved && <Notice tone="success" live="polite" title={t('meeting.issues.saved')} />}
          <ErrorSummary problem={problem} fields={{ issue_ids: t('meeting.issues.choose') }} id="issues-errors" />
          {all.data.length === 0 ? (
            <p className="text-std-16N-170">{t('meeting.issues.none')}</p>
          ) : (
            <>
              <CheckboxGroupField
                name="issue_ids"
                label={t('meeting.issues.choose')}
                choices={all.data.map((i) => ({ value: i.id, label: `${stageMark(i.stage)} ${i.title}`, description: labelOf(t, issueStageKey, i.stage) }))}
                values={current}
                onChange={setChosen}
                errors={[]}
              />
              <div>
                <Button type="submit" size="sm" variant="outline" disabled={save.isPending}>
                  {t('meeting.issues.save')}
                </Button>
              </div>
            </>
          )}
        </form>
      )}
      {all.error && <CouncilLoadError error={all.error} retry={() => void all.refetch()} />}
    </section>
  );
}

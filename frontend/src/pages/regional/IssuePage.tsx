// 地域の課題: one issue with everything the council works on — its content (editable under
// optimistic concurrency), the stage and its history, the measures (対策), the live figures
// with their value when linked and now, the comments and the meetings that discussed it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { keys, type Versioned } from '../../api/client';
import { FIGURE_KINDS, ISSUE_CATEGORIES, fromSelect, type FigureKind, type IssueCategory, type IssueStage } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import {
  addComment,
  createMeasure,
  getRegionalIssue,
  linkFigure,
  listComments,
  listStageChanges,
  setMeasureStatus,
  unlinkFigure,
  updateRegionalIssue,
  type LinkedFigure,
  type Measure,
  type MeasureStatus,
  type RegionalIssue,
  type RegionalIssueDetail,
} from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { optionalText, useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { agencyTypeLabel, topicLabel } from '../labels';
import { CountChart } from '../reports/charts';
import { needKindLabel } from '../shoman/shomanLabels';
import { useIssueLabels } from './IssueNewPage';
import { categoryLabel, figureKindLabel, measureStatusLabel, stageLabel } from './regionalLabels';
import { dayAndTime, figureMagnitude, formatFigureValue, isShare, nextStage, parameterRequired, parameterSource, parameterValues, previousStage } from './regionalModel';
import { StageDialog, type StageMove } from './StageDialog';

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3">
      <h2 id={id} className="text-std-22B-150">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function IssuePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.regionalIssue(id), queryFn: () => getRegionalIssue(id) });
  return q.isPending ? (
    <>
      <PageTitle>{t('issue.detailTitle')}</PageTitle>
      <Loading />
    </>
  ) : q.error ? (
    <>
      <PageTitle>{t('issue.detailTitle')}</PageTitle>
      <LoadError error={q.error} retry={() => void q.refetch()} />
    </>
  ) : (
    <IssueView issue={q.data} />
  );
}

const PARAMETER_LABELS = {
  agencyType: 'figure.parameter.agencyType',
  topic: 'figure.parameter.topic',
  needKind: 'figure.parameter.needKind',
} as const;

function parameterLabel(i: I18n, kind: FigureKind, value: string): string {
  switch (parameterSource(kind)) {
    case 'agencyType':
      return agencyTypeLabel(i, value);
    case 'topic':
      return topicLabel(i, value);
    case 'needKind':
      return needKindLabel(i, value);
    case null:
      return value;
  }
}

function IssueView({ issue }: { issue: Versioned<RegionalIssueDetail> }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const d = issue.data;
  const [editing, setEditing] = useState(false);
  const [move, setMove] = useState<StageMove | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const opener = useRef<HTMLElement | null>(null);
  const stageHeading = useRef<HTMLHeadingElement>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.regionalIssue(d.id) });
    void queryClient.invalidateQueries({ queryKey: keys.regionalIssues });
  };
  const openMove = (to: IssueStage) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setAnnouncement('');
    setMove({ issue: d, to, etag: issue.etag });
  };
  const back = previousStage(d.stage);
  const forward = nextStage(d.stage);

  return (
    <>
      <PageTitle>{d.title}</PageTitle>
      <FlashNotice />
      <p className="text-std-16N-170">
        <Link to="/regional-issues">{t('issue.backToBoard')}</Link>
      </p>
      <p role="status" className="min-h-[1lh] text-std-16N-170" data-testid="issue-status">
        {announcement}
      </p>

      <Section id="issue-stage" title={t('issue.stageTitle')}>
        <p ref={stageHeading} tabIndex={-1} className="text-std-18B-160 outline-none" data-testid="issue-stage">
          {stageLabel(i, d.stage)}
        </p>
        <div className="flex flex-wrap gap-3">
          {back && (
            <Button variant="outline" onClick={() => openMove(back)}>
              {t('issue.back')}（{stageLabel(i, back)}）
            </Button>
          )}
          {forward && <Button onClick={() => openMove(forward)}>{t('issue.forward')}（{stageLabel(i, forward)}）</Button>}
        </div>
        <StageHistory id={d.id} />
      </Section>

      <Section id="issue-content" title={t('issue.contentTitle')}>
        {editing ? (
          <IssueEditForm
            key={issue.etag}
            initial={issue}
            onDone={(saved) => {
              setEditing(false);
              if (saved) setAnnouncement(t('common.saved'));
              refresh();
            }}
          />
        ) : (
          <>
            {/* A long address in the text breaks anywhere rather than running off a phone. */}
            <dl className="grid max-w-4xl grid-cols-1 gap-x-6 gap-y-2 text-std-16N-170 [overflow-wrap:anywhere] md:grid-cols-[max-content_minmax(0,1fr)]">
              <dt className="font-bold">{t('issue.category')}</dt>
              <dd data-testid="issue-category">{categoryLabel(i, d.category)}</dd>
              <dt className="font-bold">{t('issue.description')}</dt>
              <dd className="whitespace-pre-wrap">{d.description || t('common.none')}</dd>
              <dt className="font-bold">{t('issue.evidence')}</dt>
              <dd className="whitespace-pre-wrap">{d.evidence || t('common.none')}</dd>
              <dt className="font-bold">{t('issue.evaluation')}</dt>
              <dd className="whitespace-pre-wrap">{d.evaluation || t('common.none')}</dd>
              <dt className="font-bold">{t('issue.registeredAt')}</dt>
              <dd>{i.dateTime(d.created_at)}</dd>
            </dl>
            <div>
              <Button variant="outline" onClick={() => setEditing(true)}>
                {t('issue.edit')}
              </Button>
            </div>
          </>
        )}
      </Section>

      <Measures issueId={d.id} measures={d.measures} onChanged={refresh} />
      <Figures issueId={d.id} figures={d.figures} onChanged={refresh} />
      <Comments id={d.id} />

      <Section id="issue-meetings" title={t('issue.meetingsTitle')}>
        {d.meetings.length === 0 ? (
          <p className="text-std-16N-170">{t('issue.noMeetings')}</p>
        ) : (
          <ul className="list-disc pl-6 text-std-16N-170">
            {d.meetings.map((m) => (
              <li key={m.meeting_id}>
                {i.date(m.held_on)}{'\u3000'}{m.title}
              </li>
            ))}
          </ul>
        )}
      </Section>

      {move && (
        <StageDialog
          move={move}
          onMoved={(moved) => {
            setMove(null);
            setAnnouncement(t('issue.moved', { title: moved.title, to: stageLabel(i, moved.stage) }));
            refresh();
            void queryClient.invalidateQueries({ queryKey: keys.stageChanges(d.id) });
            stageHeading.current?.focus();
          }}
          onClose={() => {
            setMove(null);
            opener.current?.focus();
          }}
          onStale={refresh}
        />
      )}
    </>
  );
}

interface IssueForm {
  title: string;
  category: string;
  description: string;
  evidence: string;
  evaluation: string;
}

const toForm = (d: RegionalIssue): IssueForm => ({
  title: d.title,
  category: d.category,
  description: d.description,
  evidence: d.evidence,
  evaluation: d.evaluation,
});

function IssueEditForm({ initial, onDone }: { initial: Versioned<RegionalIssue>; onDone: (saved: boolean) => void }) {
  const i = useI18n();
  const { t } = i;
  const labels = useIssueLabels();
  const form = useEditForm<RegionalIssue, IssueForm>({
    initial,
    toForm,
    save: (changes, etag) => {
      const { category, title, ...rest } = changes;
      return updateRegionalIssue(
        initial.data.id,
        {
          ...rest,
          ...(title === undefined ? {} : { title: title.trim() }),
          ...(category === undefined ? {} : { category: fromSelect<IssueCategory>(category) }),
        },
        etag,
      );
    },
    reload: () => getRegionalIssue(initial.data.id),
    onSaved: (saved) => onDone(saved !== null),
  });
  const errorsFor = useFieldErrors(form.problem);
  const display = (f: IssueForm): Record<keyof IssueForm, string> => ({ ...f, category: categoryLabel(i, f.category) });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };
  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('issue.resource')}
          rows={(Object.keys(labels) as (keyof IssueForm)[]).map((k) => ({
            label: labels[k],
            yours: display(form.values)[k],
            current: form.conflict ? display(toForm(form.conflict.data))[k] : '',
          }))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary id="issue-errors" problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-6">
        <TextField
          name="title"
          label={labels.title}
          required
          value={form.values.title}
          onChange={(e) => form.set('title', e.target.value)}
          errors={errorsFor('title')}
        />
        <SelectField
          name="category"
          label={labels.category}
          required
          options={ISSUE_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(i, c) }))}
          value={form.values.category}
          onChange={(e) => form.set('category', e.target.value)}
          errors={errorsFor('category')}
        />
        <TextAreaField
          name="description"
          label={labels.description}
          value={form.values.description}
          onChange={(e) => form.set('description', e.target.value)}
          errors={errorsFor('description')}
        />
        <TextAreaField
          name="evidence"
          label={labels.evidence}
          value={form.values.evidence}
          onChange={(e) => form.set('evidence', e.target.value)}
          errors={errorsFor('evidence')}
        />
        <TextAreaField
          name="evaluation"
          label={labels.evaluation}
          hint={t('issue.evaluationHint')}
          value={form.values.evaluation}
          onChange={(e) => form.set('evaluation', e.target.value)}
          errors={errorsFor('evaluation')}
        />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" aria-disabled={form.saving || undefined}>
            {form.saving ? t('form.saving') : t('common.save')}
          </Button>
          <Button variant="outline" onClick={() => onDone(false)}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </>
  );
}

function StageHistory({ id }: { id: string }) {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const q = useQuery({ queryKey: keys.stageChanges(id), queryFn: () => listStageChanges(id) });
  const comments = useQuery({ queryKey: keys.issueComments(id), queryFn: () => listComments(id) });
  // Changes name their author by id; the officer knows themselves and the authors of comments.
  const who = (userId: string) =>
    userId === me.id ? me.display_name : (comments.data?.find((c) => c.author_id === userId)?.author_name ?? t('issue.otherOfficer'));
  if (q.isPending) return <Loading />;
  if (q.error) return <LoadError error={q.error} retry={() => void q.refetch()} />;
  return (
    <Table caption={t('issue.historyTitle')} captionHidden={false} head={[t('issue.changedAt'), t('issue.changedBy'), t('issue.fromTo'), t('issue.reason')]}>
      {q.data.map((c) => (
        <Row key={c.id}>
          <Cell>{dayAndTime(c.changed_at, (d) => i.date(d))}</Cell>
          <Cell>{c.changed_by_name ?? who(c.changed_by)}</Cell>
          <Cell>
            {c.from_stage ? `${stageLabel(i, c.from_stage)} → ${stageLabel(i, c.to_stage)}` : t('issue.registered', { to: stageLabel(i, c.to_stage) })}
          </Cell>
          <Cell>{c.reason}</Cell>
        </Row>
      ))}
    </Table>
  );
}

const OPEN: readonly MeasureStatus[] = ['planned', 'in_progress'];

function Measures({ issueId, measures, onChanged }: { issueId: string; measures: readonly Measure[]; onChanged: () => void }) {
  const i = useI18n();
  const { t } = i;
  const [values, setValues] = useState({ title: '', owner: '', due_on: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [statusProblem, setStatusProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = { title: values.title.trim(), owner: values.owner.trim(), due_on: optionalText(values.due_on) };
  const key = useIdempotencyKey(body);
  const labels = { title: t('measure.title'), owner: t('measure.owner'), due_on: t('measure.dueOn') };
  const add = useMutation({
    mutationFn: () => createMeasure(issueId, body, key),
    onSuccess: () => {
      setProblem(null);
      setValues({ title: '', owner: '', due_on: '' });
      onChanged();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const status = useMutation({
    mutationFn: ({ m, to }: { m: Measure; to: MeasureStatus }) => setMeasureStatus(issueId, m, to),
    onSuccess: () => {
      setStatusProblem(null);
      onChanged();
    },
    onError: (e) => {
      setStatusProblem(asProblem(e));
      onChanged();
    },
  });
  return (
    <Section id="issue-measures" title={t('measure.sectionTitle')}>
      {statusProblem && <ErrorSummary id="measure-status-errors" problem={statusProblem} fields={{}} />}
      {measures.length === 0 ? (
        <p className="text-std-16N-170">{t('measure.none')}</p>
      ) : (
        <Table caption={t('measure.sectionTitle')} head={[labels.title, labels.owner, labels.due_on, t('measure.status'), t('measure.actions')]}>
          {measures.map((m) => (
            <Row key={m.id}>
              <Cell header>{m.title}</Cell>
              <Cell>{m.owner}</Cell>
              <Cell>{m.due_on ? i.date(m.due_on) : t('common.none')}</Cell>
              <Cell>
                {measureStatusLabel(i, m.status)}
                {m.status === 'done' && m.done_on ? `（${i.date(m.done_on)}）` : ''}
              </Cell>
              <Cell>
                {OPEN.includes(m.status) && (
                  <span className="flex flex-wrap gap-2">
                    <Button size="sm" onClick={() => status.mutate({ m, to: 'done' })}>
                      {t('measure.markDone')}
                      <span className="sr-only">{m.title}</span>
                    </Button>
                    <Button size="sm" variant="outline" onClick={() => status.mutate({ m, to: 'dropped' })}>
                      {t('measure.markDropped')}
                      <span className="sr-only">{m.title}</span>
                    </Button>
                  </span>
                )}
              </Cell>
            </Row>
          ))}
        </Table>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!add.isPending) add.mutate();
        }}
        noValidate
        aria-labelledby="measure-new-title"
        className="flex max-w-3xl flex-col gap-4 rounded-8 border border-solid-gray-420 p-4"
      >
        <h3 id="measure-new-title" className="text-std-18B-160">
          {t('measure.new')}
        </h3>
        <ErrorSummary id="measure-errors" problem={problem} fields={labels} />
        <TextField name="title" label={labels.title} required value={values.title} onChange={(e) => setValues({ ...values, title: e.target.value })} errors={errorsFor('title')} />
        <TextField
          name="owner"
          label={labels.owner}
          hint={t('measure.ownerHint')}
          required
          value={values.owner}
          onChange={(e) => setValues({ ...values, owner: e.target.value })}
          errors={errorsFor('owner')}
        />
        <DateField name="due_on" label={labels.due_on} value={values.due_on} onChange={(v) => setValues({ ...values, due_on: v })} errors={errorsFor('due_on')} />
        <div>
          <Button type="submit" aria-disabled={add.isPending || undefined}>
            {add.isPending ? t('form.saving') : t('measure.add')}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function FigureCard({ issueId, f, onChanged }: { issueId: string; f: LinkedFigure; onChanged: () => void }) {
  const i = useI18n();
  const { t, lang } = i;
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const unlink = useMutation({
    mutationFn: () => unlinkFigure(issueId, f.id),
    onSuccess: onChanged,
    onError: (e) => setProblem(asProblem(e)),
  });
  const share = isShare(f.current);
  const before = t('figure.baseline', { year: i.fiscalYear(f.baseline.fiscal_year) });
  const now = t('figure.current', { year: i.fiscalYear(f.current.fiscal_year) });
  const descId = `figure-${f.id}-desc`;
  return (
    <li className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4" data-testid="linked-figure">
      <h3 className="text-std-18B-160">{f.label}</h3>
      <p className="text-dns-16N-130 text-solid-gray-700">
        {figureKindLabel(i, f.kind)}
        {f.parameter ? `（${parameterLabel(i, f.kind, f.parameter)}）` : ''}
        {f.target ? `\u3000${t('figure.targetIs', { target: f.target })}` : ''}
      </p>
      <dl id={descId} className="grid grid-cols-1 gap-x-6 gap-y-1 text-std-16N-170 sm:grid-cols-[max-content_1fr]">
        <dt className="font-bold">{before}</dt>
        <dd data-testid="figure-baseline">{formatFigureValue(f.baseline, lang)}</dd>
        <dt className="font-bold">{now}</dt>
        <dd data-testid="figure-current">{formatFigureValue(f.current, lang)}</dd>
      </dl>
      <CountChart
        labels={[before, now]}
        counts={[figureMagnitude(f.baseline), figureMagnitude(f.current)]}
        seriesLabel={share ? t('figure.shareSeries') : t('figure.countSeries')}
        title={t('figure.chartTitle', { label: f.label })}
        describedBy={descId}
        testId="figure-chart"
      />
      {problem && <ErrorSummary id={`unlink-${f.id}`} problem={problem} fields={{}} />}
      {confirming ? (
        <ConfirmPanel
          id={`unlink-confirm-${f.id}`}
          title={t('figure.unlinkConfirm', { label: f.label })}
          confirmLabel={t('figure.unlink')}
          busy={unlink.isPending}
          onConfirm={() => unlink.mutate()}
          onCancel={() => setConfirming(false)}
        >
          {t('figure.unlinkLead')}
        </ConfirmPanel>
      ) : (
        <div>
          <Button variant="outline" size="sm" onClick={() => setConfirming(true)}>
            {t('figure.unlink')}
            <span className="sr-only">{f.label}</span>
          </Button>
        </div>
      )}
    </li>
  );
}

function Figures({ issueId, figures, onChanged }: { issueId: string; figures: readonly LinkedFigure[]; onChanged: () => void }) {
  const i = useI18n();
  const { t } = i;
  const [values, setValues] = useState({ kind: '', parameter: '', label: '', target: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const kind = (FIGURE_KINDS as readonly string[]).includes(values.kind) ? (values.kind as FigureKind) : null;
  const body = {
    kind: fromSelect<FigureKind>(values.kind),
    parameter: kind && parameterSource(kind) ? optionalText(values.parameter) : null,
    label: optionalText(values.label),
    target: optionalText(values.target),
  };
  const key = useIdempotencyKey(body);
  const labels = { kind: t('figure.kind'), parameter: t('figure.parameter'), label: t('figure.label'), target: t('figure.target') };
  const link = useMutation({
    mutationFn: () => linkFigure(issueId, body, key),
    onSuccess: () => {
      setProblem(null);
      setValues({ kind: '', parameter: '', label: '', target: '' });
      onChanged();
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <Section id="issue-figures" title={t('figure.sectionTitle')}>
      <p className="max-w-4xl text-std-16N-170">{t('figure.lead')}</p>
      {figures.length === 0 ? (
        <p className="text-std-16N-170">{t('figure.none')}</p>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2">
          {figures.map((f) => (
            <FigureCard key={f.id} issueId={issueId} f={f} onChanged={onChanged} />
          ))}
        </ul>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!link.isPending) link.mutate();
        }}
        noValidate
        aria-labelledby="figure-new-title"
        className="flex max-w-3xl flex-col gap-4 rounded-8 border border-solid-gray-420 p-4"
      >
        <h3 id="figure-new-title" className="text-std-18B-160">
          {t('figure.new')}
        </h3>
        <ErrorSummary id="figure-errors" problem={problem} fields={labels} />
        <SelectField
          name="figure_kind"
          label={labels.kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={FIGURE_KINDS.map((k) => ({ value: k, label: figureKindLabel(i, k) }))}
          value={values.kind}
          onChange={(e) => setValues({ ...values, kind: e.target.value, parameter: '' })}
          errors={errorsFor('kind')}
        />
        {kind && parameterSource(kind) && (
          <SelectField
            name="figure_parameter"
            label={t(PARAMETER_LABELS[parameterSource(kind) ?? 'agencyType'])}
            required={parameterRequired(kind)}
            placeholder={parameterRequired(kind) ? t('common.selectPlaceholder') : t('figure.anyNeed')}
            options={parameterValues(kind).map((v) => ({ value: v, label: parameterLabel(i, kind, v) }))}
            value={values.parameter}
            onChange={(e) => setValues({ ...values, parameter: e.target.value })}
            errors={errorsFor('parameter')}
          />
        )}
        <TextField
          name="figure_label"
          label={labels.label}
          hint={t('figure.labelHint')}
          value={values.label}
          onChange={(e) => setValues({ ...values, label: e.target.value })}
          errors={errorsFor('label')}
        />
        <TextField
          name="figure_target"
          label={labels.target}
          hint={t('figure.targetHint')}
          value={values.target}
          onChange={(e) => setValues({ ...values, target: e.target.value })}
          errors={errorsFor('target')}
        />
        <div>
          <Button type="submit" aria-disabled={link.isPending || undefined}>
            {link.isPending ? t('form.saving') : t('figure.link')}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function Comments({ id }: { id: string }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: keys.issueComments(id), queryFn: () => listComments(id) });
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  // A second comment with the same words is a second comment: the count is in the key.
  const key = useIdempotencyKey({ id, text, n: q.data?.length ?? 0 });
  const add = useMutation({
    mutationFn: () => addComment(id, text.trim(), key),
    onSuccess: () => {
      setProblem(null);
      setText('');
      void queryClient.invalidateQueries({ queryKey: keys.issueComments(id) });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <Section id="issue-comments" title={t('comment.sectionTitle')}>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('comment.none')}</p>
      ) : (
        <ol className="flex flex-col gap-3">
          {q.data.map((c) => (
            <li key={c.id} className="rounded-8 border border-solid-gray-420 p-3">
              <p className="text-dns-16N-130 text-solid-gray-700">
                {c.author_name}{'\u3000'}{i.dateTime(c.created_at)}
              </p>
              <p className="whitespace-pre-wrap text-std-16N-170">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!add.isPending) add.mutate();
        }}
        noValidate
        className="flex max-w-3xl flex-col gap-3"
      >
        <ErrorSummary id="comment-errors" problem={problem} fields={{ body: t('comment.body') }} />
        <TextAreaField name="body" label={t('comment.body')} rows={3} value={text} onChange={(e) => setText(e.target.value)} errors={errorsFor('body')} />
        <div>
          <Button type="submit" aria-disabled={add.isPending || undefined}>
            {add.isPending ? t('form.saving') : t('comment.add')}
          </Button>
        </div>
      </form>
      {problem === null && add.isSuccess && <Notice tone="success" live="polite" title={t('comment.added')} />}
    </Section>
  );
}

// Register a 小慢 optional project, or edit one (If-Match; a 412 shows both versions).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Versioned } from '../../api/client';
import { fromSelect } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createProject, getProject, updateProject, type Project, type ProjectKind, type UpdateProject } from '../../api/projects';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { optionalText, useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { projectKindLabel } from './shomanLabels';
import { PROJECT_KINDS } from './shomanModel';

interface ProjectForm {
  name: string;
  kind: string;
  description: string;
  started_on: string;
  ended_on: string;
  partner: string;
}

const toForm = (p: Project): ProjectForm => ({
  name: p.name,
  kind: p.kind,
  description: p.description ?? '',
  started_on: p.started_on,
  ended_on: p.ended_on ?? '',
  partner: p.partner ?? '',
});

function useLabels(): Record<keyof ProjectForm, string> {
  const { t } = useI18n();
  return {
    name: t('project.name'),
    kind: t('project.kind'),
    description: t('project.description'),
    started_on: t('project.startedOn'),
    ended_on: t('project.endedOn'),
    partner: t('project.partner'),
  };
}

function ProjectFields({
  values,
  set,
  errorsFor,
}: {
  values: ProjectForm;
  set: <K extends keyof ProjectForm>(k: K, v: ProjectForm[K]) => void;
  errorsFor: (field: string) => string[];
}) {
  const i = useI18n();
  const { t } = i;
  const labels = useLabels();
  return (
    <>
      <TextField
        name="name"
        label={labels.name}
        hint={t('project.nameHint')}
        required
        autoComplete="off"
        value={values.name}
        onChange={(e) => set('name', e.target.value)}
        errors={errorsFor('name')}
      />
      <SelectField
        name="kind"
        label={labels.kind}
        required
        placeholder={t('common.selectPlaceholder')}
        options={PROJECT_KINDS.map((k) => ({ value: k, label: projectKindLabel(i, k) }))}
        value={values.kind}
        onChange={(e) => set('kind', e.target.value)}
        errors={errorsFor('kind')}
      />
      <TextAreaField
        name="description"
        label={labels.description}
        value={values.description}
        onChange={(e) => set('description', e.target.value)}
        errors={errorsFor('description')}
      />
      <DateField
        name="started_on"
        label={labels.started_on}
        required
        value={values.started_on}
        onChange={(v) => set('started_on', v)}
        errors={errorsFor('started_on')}
      />
      <DateField
        name="ended_on"
        label={labels.ended_on}
        hint={t('project.endedOnHint')}
        value={values.ended_on}
        onChange={(v) => set('ended_on', v)}
        errors={errorsFor('ended_on')}
      />
      <TextField
        name="partner"
        label={labels.partner}
        hint={t('project.partnerHint')}
        autoComplete="off"
        value={values.partner}
        onChange={(e) => set('partner', e.target.value)}
        errors={errorsFor('partner')}
      />
    </>
  );
}

export function ProjectNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const [values, setValues] = useState<ProjectForm>({
    name: '',
    kind: '',
    description: '',
    started_on: todayInTokyo(),
    ended_on: '',
    partner: '',
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = {
    name: values.name.trim(),
    kind: fromSelect<ProjectKind>(values.kind),
    description: optionalText(values.description),
    started_on: values.started_on,
    ended_on: values.ended_on === '' ? null : values.ended_on,
    partner: optionalText(values.partner),
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createProject(body, idempotencyKey),
    onSuccess: async (p) => {
      await queryClient.invalidateQueries({ queryKey: keys.projects });
      void navigate(`/projects/${p.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <>
      <PageTitle>{t('project.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <ProjectFields values={values} set={(k, v) => setValues((old) => ({ ...old, [k]: v }))} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/projects" />
      </form>
    </>
  );
}

function display(i: I18n, f: ProjectForm): Record<keyof ProjectForm, string> {
  const none = i.t('common.none');
  return {
    name: f.name,
    kind: projectKindLabel(i, f.kind),
    description: f.description || none,
    started_on: f.started_on ? i.date(f.started_on, { era: false }) : none,
    ended_on: f.ended_on ? i.date(f.ended_on, { era: false }) : none,
    partner: f.partner || none,
  };
}

export function ProjectEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.project(id), queryFn: () => getProject(id) });
  return (
    <>
      <PageTitle>{t('project.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <ProjectEditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function ProjectEditForm({ id, initial }: { id: string; initial: Versioned<Project> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const form = useEditForm<Project, ProjectForm>({
    initial,
    toForm,
    save: (changes, etag) => {
      const patch: UpdateProject = {};
      if (changes.name !== undefined) patch.name = changes.name.trim();
      if (changes.kind !== undefined) patch.kind = fromSelect<ProjectKind>(changes.kind);
      if (changes.description !== undefined) patch.description = optionalText(changes.description);
      if (changes.started_on !== undefined) patch.started_on = changes.started_on;
      if (changes.ended_on !== undefined) patch.ended_on = changes.ended_on === '' ? null : changes.ended_on;
      if (changes.partner !== undefined) patch.partner = optionalText(changes.partner);
      return updateProject(id, patch, etag);
    },
    reload: () => getProject(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.project(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.projects });
      void navigate(`/projects/${id}`, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const conflictRows = () => {
    if (!form.conflict) return [];
    const yours = display(i, form.values);
    const current = display(i, toForm(form.conflict.data));
    return (Object.keys(yours) as (keyof ProjectForm)[]).map((k) => ({ label: labels[k], yours: yours[k], current: current[k] }));
  };
  return (
    <>
      {form.conflict && (
        <ConflictPanel resource={t('project.resource')} rows={conflictRows()} onReapply={form.reapply} onDiscard={form.discard} />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          form.submit();
        }}
        noValidate
        className={formClass}
      >
        <ProjectFields values={form.values} set={form.set} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={`/projects/${id}`} />
      </form>
    </>
  );
}

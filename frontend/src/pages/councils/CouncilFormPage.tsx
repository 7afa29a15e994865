// 協議会の登録 and 協議会の編集 (a 部会 is registered under its council: `?parent=`).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { Versioned } from '../../api/client';
import { councilKeys, createCouncil, getCouncil, updateCouncil, type Council, type CreateCouncil, type UpdateCouncil } from '../../api/councils';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, DateField, SelectField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { optionalText, useEditForm } from '../../components/forms';
import { Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { councilKindKey, councilScopeKey, labelOf } from './councilLabels';
import { COUNCIL_KINDS, COUNCIL_SCOPES } from './councilModel';
import { CouncilLoadError } from './common';

interface CouncilForm {
  name: string;
  kind: string;
  scope: string;
  area_name: string;
  established_on: string;
  active: boolean;
}

const empty: CouncilForm = { name: '', kind: '', scope: '', area_name: '', established_on: '', active: true };

const toForm = (c: Council): CouncilForm => ({
  name: c.name,
  kind: c.kind,
  scope: c.scope,
  area_name: c.area_name ?? '',
  established_on: c.established_on ?? '',
  active: c.active,
});

function useLabels() {
  const { t } = useI18n();
  return {
    name: t('council.name'),
    kind: t('council.kind'),
    scope: t('council.scope'),
    area_name: t('council.areaName'),
    established_on: t('council.establishedOn'),
    active: t('council.active'),
    parent_id: t('council.parent'),
  };
}

function Fields({
  values,
  set,
  errorsFor,
  edit,
}: {
  values: CouncilForm;
  set: <K extends keyof CouncilForm>(key: K, value: CouncilForm[K]) => void;
  errorsFor: (field: string) => string[];
  edit: boolean;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  return (
    <>
      <TextField name="name" label={labels.name} required value={values.name} onChange={(e) => set('name', e.target.value)} errors={errorsFor('name')} />
      <SelectField
        name="kind"
        label={labels.kind}
        required
        placeholder={t('common.selectPlaceholder')}
        options={COUNCIL_KINDS.map((k) => ({ value: k, label: labelOf(t, councilKindKey, k) }))}
        value={values.kind}
        onChange={(e) => set('kind', e.target.value)}
        errors={errorsFor('kind')}
      />
      <SelectField
        name="scope"
        label={labels.scope}
        required
        placeholder={t('common.selectPlaceholder')}
        options={COUNCIL_SCOPES.map((k) => ({ value: k, label: labelOf(t, councilScopeKey, k) }))}
        value={values.scope}
        onChange={(e) => set('scope', e.target.value)}
        errors={errorsFor('scope')}
      />
      <TextField
        name="area_name"
        label={labels.area_name}
        hint={t('council.areaName.hint')}
        value={values.area_name}
        onChange={(e) => set('area_name', e.target.value)}
        errors={errorsFor('area_name')}
      />
      <DateField
        name="established_on"
        label={labels.established_on}
        value={values.established_on}
        onChange={(v) => set('established_on', v)}
        errors={errorsFor('established_on')}
      />
      {edit && (
        <CheckboxField
          name="active"
          label={labels.active}
          checked={values.active}
          onChange={(e) => set('active', e.target.checked)}
          errors={errorsFor('active')}
        />
      )}
    </>
  );
}

export function CouncilNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search] = useSearchParams();
  const parentId = search.get('parent') ?? '';
  const parent = useQuery({ queryKey: councilKeys.council(parentId), queryFn: () => getCouncil(parentId), enabled: parentId !== '' });
  const labels = useLabels();
  const [values, setValues] = useState<CouncilForm>(empty);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body: CreateCouncil = {
    name: values.name.trim(),
    kind: values.kind as CreateCouncil['kind'],
    scope: values.scope as CreateCouncil['scope'],
    area_name: optionalText(values.area_name),
    established_on: optionalText(values.established_on),
    parent_id: parentId || null,
  };
  const key = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createCouncil(body, key),
    onSuccess: async (c) => {
      await queryClient.invalidateQueries({ queryKey: councilKeys.all });
      void navigate(`/councils/${c.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  const title = parentId ? t('council.newSubTitle', { parent: parent.data?.data.name ?? '…' }) : t('council.newTitle');
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <Fields values={values} set={(k, v) => setValues((o) => ({ ...o, [k]: v }))} errorsFor={errorsFor} edit={false} />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo={parentId ? `/councils/${parentId}` : '/councils'} />
      </form>
    </>
  );
}

export function CouncilEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: councilKeys.council(id), queryFn: () => getCouncil(id) });
  return (
    <>
      <PageTitle>{t('council.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <EditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function EditForm({ id, initial }: { id: string; initial: Versioned<Council> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useLabels();
  const form = useEditForm<Council, CouncilForm>({
    initial,
    toForm,
    save: (c, etag) => {
      const patch: UpdateCouncil = {};
      if (c.name !== undefined) patch.name = c.name.trim();
      if (c.kind !== undefined) patch.kind = c.kind as Council['kind'];
      if (c.scope !== undefined) patch.scope = c.scope as Council['scope'];
      if (c.area_name !== undefined) patch.area_name = optionalText(c.area_name);
      if (c.established_on !== undefined) patch.established_on = optionalText(c.established_on);
      if (c.active !== undefined) patch.active = c.active;
      return updateCouncil(id, patch, etag);
    },
    reload: () => getCouncil(id),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: councilKeys.all });
      void navigate(`/councils/${id}`, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const show = (f: CouncilForm): Record<keyof CouncilForm, string> => ({
    name: f.name,
    kind: labelOf(t, councilKindKey, f.kind),
    scope: labelOf(t, councilScopeKey, f.scope),
    area_name: f.area_name,
    established_on: f.established_on,
    active: f.active ? t('common.active') : t('common.inactive'),
  });
  const rows = () => {
    if (!form.conflict) return [];
    const yours = show(form.values);
    const current = show(toForm(form.conflict.data));
    return (Object.keys(yours) as (keyof CouncilForm)[]).map((k) => ({ label: labels[k], yours: yours[k], current: current[k] }));
  };
  return (
    <>
      {form.conflict && <ConflictPanel resource={t('council.resource')} rows={rows()} onReapply={form.reapply} onDiscard={form.discard} />}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          form.submit();
        }}
        noValidate
        className={formClass}
      >
        <Fields values={form.values} set={form.set} errorsFor={errorsFor} edit />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={`/councils/${id}`} />
      </form>
    </>
  );
}

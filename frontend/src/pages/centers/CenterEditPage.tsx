import { fromSelect, type OperatingType } from '../../api/enums';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Center, type Versioned } from '../../api/client';
import { getCenter, updateCenter } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { ReadOnlyField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { operatingTypeLabel, prefectureLabel } from '../labels';
import { CenterFields, useCenterLabels, type CenterForm } from './CenterFields';

const toForm = (c: Center): CenterForm => ({
  code: c.code,
  name: c.name,
  prefecture_code: c.prefecture_code,
  operating_type: c.operating_type,
  active: c.active,
});

function display(i: I18n, f: CenterForm) {
  return {
    name: f.name,
    prefecture_code: prefectureLabel(i, f.prefecture_code),
    operating_type: operatingTypeLabel(i, f.operating_type),
    active: f.active ? i.t('common.active') : i.t('common.inactive'),
  };
}

export function CenterEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.center(id), queryFn: () => getCenter(id) });
  return (
    <>
      <PageTitle>{t('center.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <CenterEditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function CenterEditForm({ id, initial }: { id: string; initial: Versioned<Center> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useCenterLabels();

  const form = useEditForm<Center, CenterForm>({
    initial,
    toForm,
    save: (changes, etag) => {
      const { code: _code, operating_type, ...rest } = changes;
      const patch = { ...rest, ...(operating_type === undefined ? {} : { operating_type: fromSelect<OperatingType>(operating_type) }) };
      if (patch.name !== undefined) patch.name = patch.name.trim();
      return updateCenter(id, patch, etag);
    },
    reload: () => getCenter(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.center(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.centers });
      void navigate('/centers', flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  const conflictRows = () => {
    if (!form.conflict) return [];
    const yours = display(i, form.values);
    const current = display(i, toForm(form.conflict.data));
    return (Object.keys(yours) as (keyof typeof yours)[]).map((k) => ({
      label: labels[k],
      yours: yours[k],
      current: current[k],
    }));
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('center.resource')}
          rows={conflictRows()}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <ReadOnlyField label={labels.code} value={<code>{form.values.code}</code>} />
        <CenterFields mode="edit" values={form.values} set={form.set} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/centers" />
      </form>
    </>
  );
}

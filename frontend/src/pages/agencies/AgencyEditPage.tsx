import { fromSelect, type AgencyType } from '../../api/enums';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Agency, type UpdateAgency, type Versioned } from '../../api/client';
import { getAgency, updateAgency } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { optionalText, useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { agencyTypeLabel } from '../labels';
import { AgencyFields, useAgencyLabels, type AgencyForm } from './AgencyFields';

const toForm = (a: Agency): AgencyForm => ({
  agency_type: a.agency_type,
  name: a.name,
  phone: a.phone ?? '',
  address: a.address ?? '',
  notes: a.notes ?? '',
  active: a.active,
});

function display(i: I18n, f: AgencyForm): Record<keyof AgencyForm, string> {
  return {
    agency_type: agencyTypeLabel(i, f.agency_type),
    name: f.name,
    phone: f.phone,
    address: f.address,
    notes: f.notes,
    active: f.active ? i.t('common.active') : i.t('common.inactive'),
  };
}

export function AgencyEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.agency(id), queryFn: () => getAgency(id) });
  return (
    <>
      <PageTitle>{t('agency.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <AgencyEditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function AgencyEditForm({ id, initial }: { id: string; initial: Versioned<Agency> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useAgencyLabels();

  const form = useEditForm<Agency, AgencyForm>({
    initial,
    toForm,
    save: (changes, etag) => {
      const patch: UpdateAgency = {};
      if (changes.agency_type !== undefined) patch.agency_type = fromSelect<AgencyType>(changes.agency_type);
      if (changes.name !== undefined) patch.name = changes.name.trim();
      if (changes.phone !== undefined) patch.phone = optionalText(changes.phone);
      if (changes.address !== undefined) patch.address = optionalText(changes.address);
      if (changes.notes !== undefined) patch.notes = optionalText(changes.notes);
      if (changes.active !== undefined) patch.active = changes.active;
      return updateAgency(id, patch, etag);
    },
    reload: () => getAgency(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.agency(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.agencies });
      void navigate('/agencies', flash('saved'));
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
    return (Object.keys(yours) as (keyof AgencyForm)[]).map((k) => ({
      label: labels[k],
      yours: yours[k],
      current: current[k],
    }));
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('agency.resource')}
          rows={conflictRows()}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <AgencyFields mode="edit" values={form.values} set={form.set} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/agencies" />
      </form>
    </>
  );
}

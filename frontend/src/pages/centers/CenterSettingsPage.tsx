import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys, type Center, type Versioned } from '../../api/client';
import { getCenter, updateCenter } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { ReadOnlyField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';

interface SettingsForm {
  follow_up_days: string;
}

const toForm = (c: Center): SettingsForm => ({ follow_up_days: String(c.follow_up_days) });

/** What a center administrator sets for its own center: the days to the first follow-up. */
export function CenterSettingsPage() {
  const { t } = useI18n();
  const me = useMe();
  const id = me.center_id ?? '';
  const q = useQuery({ queryKey: keys.center(id), queryFn: () => getCenter(id), enabled: id !== '' });
  return (
    <>
      <PageTitle>{t('centerSettings.title')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <SettingsForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function SettingsForm({ id, initial }: { id: string; initial: Versioned<Center> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = { follow_up_days: t('centerSettings.followUpDays') };
  const form = useEditForm<Center, SettingsForm>({
    initial,
    toForm,
    save: (changes, etag) =>
      updateCenter(id, changes.follow_up_days === undefined ? {} : { follow_up_days: Number(changes.follow_up_days) }, etag),
    reload: () => getCenter(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.center(id), saved);
      void navigate('/', flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const days = (v: string) => (v === '' ? '' : t('centerSettings.days', { days: v }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('center.resource')}
          rows={[
            {
              label: labels.follow_up_days,
              yours: days(form.values.follow_up_days),
              current: days(toForm(form.conflict.data).follow_up_days),
            },
          ]}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <ReadOnlyField label={t('center.name')} value={form.base.data.name} />
        <TextField
          name="follow_up_days"
          type="number"
          inputMode="numeric"
          min={1}
          max={365}
          label={labels.follow_up_days}
          hint={t('centerSettings.followUpDays.hint')}
          required
          value={form.values.follow_up_days}
          onChange={(e) => form.set('follow_up_days', e.target.value)}
          errors={errorsFor('follow_up_days')}
        />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/" />
      </form>
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys, type Center, type Versioned } from '../../api/client';
import { getCenter, updateCenter } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxGroupField, ReadOnlyField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { checkNumbers, useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { rolesField, rolesOf, settingsPatch, SETTINGS_NUMBERS, toSettingsForm, TOTP_ROLES, type SettingsForm } from './centerSettingsForm';

/**
 * What a center administrator sets for its own center: the days to the first follow-up, the
 * roles that must sign in with two factors, and the age from which a minor also assents.
 */
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
  const labels = {
    follow_up_days: t('centerSettings.followUpDays'),
    totp_roles: t('centerSettings.totpRoles'),
    child_assent_age: t('centerSettings.childAssentAge'),
  };
  const form = useEditForm<Center, SettingsForm>({
    initial,
    toForm: toSettingsForm,
    save: (changes, etag) => updateCenter(id, settingsPatch(changes), etag),
    reload: () => getCenter(id),
    check: (changes) => checkNumbers(changes, SETTINGS_NUMBERS),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.center(id), saved);
      void navigate('/', flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const days = (v: string) => (v === '' ? '' : t('centerSettings.days', { days: v }));
  const roles = (v: string) => {
    const list = rolesOf(v);
    return list.length === 0 ? t('centerSettings.totpRoles.none') : list.map((r) => t(`role.${r}`)).join('、');
  };

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
              current: days(toSettingsForm(form.conflict.data).follow_up_days),
            },
            {
              label: labels.totp_roles,
              yours: roles(form.values.totp_roles),
              current: roles(toSettingsForm(form.conflict.data).totp_roles),
            },
            {
              label: labels.child_assent_age,
              yours: form.values.child_assent_age,
              current: toSettingsForm(form.conflict.data).child_assent_age,
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
          inputMode="numeric"
          label={labels.follow_up_days}
          hint={t('centerSettings.followUpDays.hint')}
          required
          value={form.values.follow_up_days}
          onChange={(e) => form.set('follow_up_days', e.target.value)}
          errors={errorsFor('follow_up_days')}
        />
        <CheckboxGroupField
          name="totp_roles"
          label={labels.totp_roles}
          hint={t('centerSettings.totpRoles.hint')}
          choices={TOTP_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          values={rolesOf(form.values.totp_roles)}
          onChange={(v) => form.set('totp_roles', rolesField(v))}
          errors={errorsFor('totp_roles')}
        />
        <TextField
          name="child_assent_age"
          inputMode="numeric"
          label={labels.child_assent_age}
          hint={t('centerSettings.childAssentAge.hint')}
          required
          value={form.values.child_assent_age}
          onChange={(e) => form.set('child_assent_age', e.target.value)}
          errors={errorsFor('child_assent_age')}
        />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/" />
      </form>
    </>
  );
}

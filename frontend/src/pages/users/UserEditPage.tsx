import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type UpdateUser, type User, type Versioned } from '../../api/client';
import { CENTER_ROLES, ROLES, fromSelect, type Role } from '../../api/enums';
import { getUser, updateUser } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { mayResetTwoFactor } from '../../auth/permissions';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, ReadOnlyField, SelectField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { roleLabel } from '../labels';
import { TwoFactorReset } from './TwoFactorReset';

interface UserForm {
  display_name: string;
  role: string;
  active: boolean;
  /** Empty unless the administrator sets a new password. */
  password: string;
}

const toForm = (u: User): UserForm => ({ display_name: u.display_name, role: u.role, active: u.active, password: '' });

export function UserEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me, role } = useAuth();
  const q = useQuery({ queryKey: keys.user(id), queryFn: () => getUser(id) });
  /** Resets so far: each changes the record's version, so the form starts again from the new one. */
  const [resets, setResets] = useState(0);
  return (
    <>
      <PageTitle>{t('user.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <>
          <UserEditForm key={`${id}:${resets}`} id={id} initial={q.data} />
          {mayResetTwoFactor(role, me?.id === id, q.data.data.role) && (
            <TwoFactorReset
              user={q.data.data}
              onReset={async () => {
                await q.refetch();
                setResets((n) => n + 1);
              }}
            />
          )}
        </>
      )}
    </>
  );
}

function UserEditForm({ id, initial }: { id: string; initial: Versioned<User> }) {
  const i = useI18n();
  const { t } = i;
  const { me } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isSelf = me?.id === id;
  const labels = {
    display_name: t('user.displayName'),
    role: t('user.role'),
    active: t('user.active'),
    password: t('user.newPassword'),
  };

  const form = useEditForm<User, UserForm>({
    initial,
    toForm,
    save: (changes, etag) => {
      const patch: UpdateUser = {};
      if (changes.display_name !== undefined) patch.display_name = changes.display_name.trim();
      if (changes.role !== undefined) patch.role = fromSelect<Role>(changes.role);
      if (changes.active !== undefined) patch.active = changes.active;
      if (changes.password) patch.password = changes.password;
      return updateUser(id, patch, etag);
    },
    reload: () => getUser(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.user(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.users });
      void navigate('/users', flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const user = form.base.data;
  // A system administrator stays one; center staff move only between center roles.
  // A system administrator and an administration's officer keep their role here: an officer
  // belongs to an administration, not to a center, and is made anew for another role.
  const roleChoices =
    user.role === 'system_admin' || user.role === 'municipal_officer' ? ROLES.filter((r) => r === user.role) : CENTER_ROLES;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  const conflictRows = () => {
    if (!form.conflict) return [];
    const current = form.conflict.data;
    const status = (a: boolean) => (a ? t('common.active') : t('common.inactive'));
    return [
      { label: labels.display_name, yours: form.values.display_name, current: current.display_name },
      { label: labels.role, yours: roleLabel(i, form.values.role), current: roleLabel(i, current.role) },
      { label: t('common.status'), yours: status(form.values.active), current: status(current.active) },
    ];
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('user.resource')}
          rows={conflictRows()}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      {isSelf && <Notice tone="info" title={t('user.self')} />}
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <ReadOnlyField label={t('user.login')} value={<code>{user.login}</code>} />
        <TextField
          name="display_name"
          label={labels.display_name}
          required
          value={form.values.display_name}
          onChange={(e) => form.set('display_name', e.target.value)}
          errors={errorsFor('display_name')}
        />
        <SelectField
          name="role"
          label={labels.role}
          required
          disabled={isSelf}
          options={roleChoices.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          value={form.values.role}
          onChange={(e) => form.set('role', e.target.value)}
          errors={errorsFor('role')}
        />
        <CheckboxField
          name="active"
          label={labels.active}
          hint={t('user.activeHint')}
          disabled={isSelf}
          checked={form.values.active}
          onChange={(e) => form.set('active', e.target.checked)}
          errors={errorsFor('active')}
        />
        <TextField
          name="password"
          label={labels.password}
          hint={isSelf ? t('user.newPassword.hintSelf') : t('user.newPassword.hint')}
          type="password"
          autoComplete="new-password"
          value={form.values.password}
          onChange={(e) => form.set('password', e.target.value)}
          errors={errorsFor('password')}
        />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/users" />
      </form>
    </>
  );
}

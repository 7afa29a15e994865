import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys, type CreateUser } from '../../api/client';
import { CENTER_ROLES, ROLES, fromSelect, type Role } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createUser } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { useAllAdministrations, useAllCenters } from './useAllCenters';

interface NewUserForm {
  center_id: string;
  administration_id: string;
  login: string;
  display_name: string;
  role: string;
  password: string;
}

export function UserNewPage() {
  const { t } = useI18n();
  const { role: myRole } = useAuth();
  const isSystemAdmin = myRole === 'system_admin';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const centers = useAllCenters(isSystemAdmin);
  const [values, setValues] = useState<NewUserForm>({
    center_id: '',
    administration_id: '',
    login: '',
    display_name: '',
    role: isSystemAdmin ? 'center_admin' : 'consultant',
    password: '',
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const set = <K extends keyof NewUserForm>(k: K, v: NewUserForm[K]) => setValues((old) => ({ ...old, [k]: v }));

  const labels = {
    center_id: t('user.center'),
    administration_id: t('user.administration'),
    login: t('user.login'),
    display_name: t('user.displayName'),
    role: t('user.role'),
    password: t('user.password'),
  };

  // A system administrator names the center (none for another system administrator); a
  // center administrator's users always join its own center, so it sends none.
  // An administration's officer belongs to an administration (自治体), not to a center.
  const needsAdministration = isSystemAdmin && values.role === 'municipal_officer';
  const needsCenter = isSystemAdmin && values.role !== 'system_admin' && !needsAdministration;
  const administrations = useAllAdministrations(needsAdministration);
  const body: CreateUser = {
    login: values.login.trim(),
    display_name: values.display_name.trim(),
    role: fromSelect<Role>(values.role),
    password: values.password,
    center_id: needsCenter ? values.center_id || null : null,
    ...(needsAdministration ? { administration_id: values.administration_id || null } : {}),
  };
  const idempotencyKey = useIdempotencyKey(body);

  const mutation = useMutation({
    mutationFn: () => createUser(body, idempotencyKey),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.users });
      void navigate('/users', flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  // 協議会委員 sign-ins are made from the council's member records, not here.
  const roleChoices = isSystemAdmin ? ROLES.filter((r) => r !== 'council_member') : CENTER_ROLES;

  return (
    <>
      <PageTitle>{t('user.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <SelectField
          name="role"
          label={labels.role}
          required
          options={roleChoices.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          value={values.role}
          onChange={(e) => set('role', e.target.value)}
          errors={errorsFor('role')}
        />
        {needsCenter && (
          <SelectField
            name="center_id"
            label={labels.center_id}
            required
            placeholder={centers.isPending ? t('common.loading') : t('common.selectPlaceholder')}
            options={(centers.data ?? []).filter((c) => c.active).map((c) => ({ value: c.id, label: c.name }))}
            value={values.center_id}
            onChange={(e) => set('center_id', e.target.value)}
            errors={errorsFor('center_id')}
          />
        )}
        {needsAdministration && (
          <SelectField
            name="administration_id"
            label={labels.administration_id}
            hint={t('user.administration.hint')}
            required
            placeholder={administrations.isPending ? t('common.loading') : t('common.selectPlaceholder')}
            options={(administrations.data ?? []).filter((a) => a.active).map((a) => ({ value: a.id, label: a.name }))}
            value={values.administration_id}
            onChange={(e) => set('administration_id', e.target.value)}
            errors={errorsFor('administration_id')}
          />
        )}
        <TextField
          name="display_name"
          label={labels.display_name}
          required
          value={values.display_name}
          onChange={(e) => set('display_name', e.target.value)}
          errors={errorsFor('display_name')}
        />
        <TextField
          name="login"
          label={labels.login}
          hint={t('user.login.hint')}
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={values.login}
          onChange={(e) => set('login', e.target.value)}
          errors={errorsFor('login')}
        />
        <TextField
          name="password"
          label={labels.password}
          hint={t('user.password.hint')}
          required
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={(e) => set('password', e.target.value)}
          errors={errorsFor('password')}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/users" />
      </form>
    </>
  );
}

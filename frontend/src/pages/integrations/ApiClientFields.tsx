import { GroupedCheckboxField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { useAuth } from '../../auth/AuthProvider';
import { SCOPE_LABELS, scopeGroupsFor, scopesField, scopesOf, type ApiClientForm } from './integrationModel';

export function useApiClientLabels() {
  const { t } = useI18n();
  return { name: t('apiClient.name'), scopes: t('apiClient.scopes') } satisfies Record<keyof ApiClientForm, string>;
}

/** An API client's name and its scopes, grouped by what they open up. */
export function ApiClientFields({
  values,
  set,
  errorsFor,
}: {
  values: ApiClientForm;
  set: <K extends keyof ApiClientForm>(key: K, value: ApiClientForm[K]) => void;
  errorsFor: (field: string) => string[];
}) {
  const { t } = useI18n();
  const labels = useApiClientLabels();
  const { role } = useAuth();
  return (
    <>
      <TextField
        name="name"
        label={labels.name}
        hint={t('apiClient.name.hint')}
        required
        autoComplete="off"
        maxLength={100}
        value={values.name}
        onChange={(e) => set('name', e.target.value)}
        errors={errorsFor('name')}
      />
      <GroupedCheckboxField
        name="scopes"
        label={labels.scopes}
        hint={t(role === 'municipal_officer' ? 'apiClient.scopes.hintRegion' : 'apiClient.scopes.hint')}
        required
        groups={scopeGroupsFor(role).map((g) => ({
          id: g.id,
          legend: t(g.legend),
          choices: g.values.map((s) => ({
            value: s,
            label: t(SCOPE_LABELS[s]),
            description: <code>{s}</code>,
          })),
        }))}
        values={scopesOf(values.scopes)}
        onChange={(v) => set('scopes', scopesField(v))}
        errors={errorsFor('scopes')}
      />
    </>
  );
}

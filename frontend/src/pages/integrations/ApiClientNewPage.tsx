import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { API_ORIGIN, keys } from '../../api/client';
import { createApiClient, type ApiClientWithSecret } from '../../api/integrations';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { FormActions, formClass } from '../../components/FormActions';
import { useI18n } from '../../i18n/I18nProvider';
import { ApiClientFields, useApiClientLabels } from './ApiClientFields';
import { apiClientCreateBody, emptyApiClient, refineProblem, tokenEndpoint, type ApiClientForm } from './integrationModel';
import { SecretPanel } from './SecretPanel';

/**
 * Register an API client. On success the form gives way to its client ID and secret,
 * shown this once.
 */
export function ApiClientNewPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const labels = useApiClientLabels();
  const [values, setValues] = useState<ApiClientForm>(emptyApiClient);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<ApiClientWithSecret | null>(null);
  const errorsFor = useFieldErrors(problem);

  const mutation = useMutation({
    // No Idempotency-Key: the server would keep this answer, secret and all, to replay it;
    // and no keeping it in the mutation cache once this page is left.
    mutationFn: () => createApiClient(apiClientCreateBody(values)),
    gcTime: 0,
    onSuccess: (client) => {
      setProblem(null);
      setCreated(client);
      void queryClient.invalidateQueries({ queryKey: keys.apiClients });
    },
    onError: (e) => setProblem(refineProblem(asProblem(e))),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('apiClient.newTitle')}</PageTitle>
      {created ? (
        <SecretPanel
          title={t('secret.createdTitle')}
          lost={t('secret.lostClient')}
          items={[
            { label: t('apiClient.clientId'), value: created.client_id, testId: 'client-id' },
            { label: t('apiClient.clientSecret'), value: created.client_secret, testId: 'client-secret' },
            { label: t('apiClient.tokenEndpoint'), value: tokenEndpoint(API_ORIGIN, window.location.origin), testId: 'token-endpoint' },
          ]}
        >
          <div className="flex flex-wrap items-center gap-6">
            <ButtonLink to={`/integrations/api-clients/${created.id}`}>{t('secret.openClient')}</ButtonLink>
            <Link to="/integrations/api-clients">{t('common.backToList')}</Link>
          </div>
        </SecretPanel>
      ) : (
        <>
          <ErrorSummary problem={problem} fields={labels} />
          <form onSubmit={onSubmit} noValidate className={formClass}>
            <ApiClientFields
              values={values}
              set={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
              errorsFor={errorsFor}
            />
            <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/integrations/api-clients" />
          </form>
        </>
      )}
    </>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { keys } from '../../api/client';
import { createWebhook, type WebhookWithSecret } from '../../api/integrations';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { FormActions, formClass } from '../../components/FormActions';
import { useI18n } from '../../i18n/I18nProvider';
import { emptyWebhook, refineProblem, webhookCreateBody, type WebhookForm } from './integrationModel';
import { SecretPanel } from './SecretPanel';
import { useWebhookLabels, WebhookFields } from './WebhookFields';

/** Subscribe a URL to events. On success the form gives way to the signing secret, shown once. */
export function WebhookNewPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const labels = useWebhookLabels();
  const [values, setValues] = useState<WebhookForm>(emptyWebhook);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<WebhookWithSecret | null>(null);
  const errorsFor = useFieldErrors(problem);

  const mutation = useMutation({
    // No Idempotency-Key: the server would keep this answer, secret and all, to replay it;
    // and no keeping it in the mutation cache once this page is left.
    mutationFn: () => createWebhook(webhookCreateBody(values)),
    gcTime: 0,
    onSuccess: (webhook) => {
      setProblem(null);
      setCreated(webhook);
      void queryClient.invalidateQueries({ queryKey: keys.webhooks, exact: true });
    },
    onError: (e) => setProblem(refineProblem(asProblem(e))),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('webhook.newTitle')}</PageTitle>
      {created ? (
        <SecretPanel
          title={t('secret.webhookTitle')}
          lost={t('secret.lostWebhook')}
          items={[{ label: t('webhook.secret'), value: created.secret, testId: 'webhook-secret' }]}
        >
          <div className="flex flex-wrap items-center gap-6">
            <ButtonLink to={`/integrations/webhooks/${created.id}`}>{t('secret.openWebhook')}</ButtonLink>
            <Link to="/integrations/webhooks">{t('common.backToList')}</Link>
          </div>
        </SecretPanel>
      ) : (
        <>
          <ErrorSummary problem={problem} fields={labels} />
          <form onSubmit={onSubmit} noValidate className={formClass}>
            <WebhookFields
              mode="create"
              values={values}
              set={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
              errorsFor={errorsFor}
            />
            <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/integrations/webhooks" />
          </form>
        </>
      )}
    </>
  );
}

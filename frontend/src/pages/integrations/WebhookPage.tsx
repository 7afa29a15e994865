import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Versioned } from '../../api/client';
import { deleteWebhook, getWebhook, updateWebhook, type Webhook } from '../../api/integrations';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { DeliveryLog } from './DeliveryLog';
import { IntegrationsNav } from './IntegrationsNav';
import { eventLabel, eventsOf, refineProblem, toWebhookForm, webhookPatch, type WebhookForm } from './integrationModel';
import { useWebhookLabels, WebhookFields } from './WebhookFields';

/** One subscription: change it or pause it, read its delivery log, delete it. */
export function WebhookPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.webhook(id), queryFn: () => getWebhook(id) });
  return (
    <>
      <PageTitle>{t('webhook.editTitle')}</PageTitle>
      <IntegrationsNav />
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <>
          <section aria-labelledby="webhook-settings" className="flex flex-col gap-4">
            <h2 id="webhook-settings" className="text-std-22B-150">
              {t('webhook.settings')}
            </h2>
            <WebhookEditForm key={id} id={id} initial={q.data} />
          </section>
          <DeliveryLog webhookId={id} />
          <DeleteSection id={id} url={q.data.data.url} />
        </>
      )}
    </>
  );
}

function display(i: I18n, f: WebhookForm): Record<keyof WebhookForm, string> {
  return {
    url: f.url,
    description: f.description,
    events: eventsOf(f.events)
      .map((e) => eventLabel(i, e))
      .join(i.lang === 'ja' ? '、' : ', '),
    active: f.active ? i.t('webhook.status.active') : i.t('webhook.status.paused'),
  };
}

function WebhookEditForm({ id, initial }: { id: string; initial: Versioned<Webhook> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useWebhookLabels();

  const form = useEditForm<Webhook, WebhookForm>({
    initial,
    toForm: toWebhookForm,
    save: (changes, etag) => updateWebhook(id, webhookPatch(changes), etag),
    reload: () => getWebhook(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.webhook(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.webhooks, exact: true });
      void navigate('/integrations/webhooks', flash('saved'));
    },
  });
  const problem = refineProblem(form.problem);
  const errorsFor = useFieldErrors(problem);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  const conflictRows = () => {
    if (!form.conflict) return [];
    const yours = display(i, form.values);
    const current = display(i, toWebhookForm(form.conflict.data));
    return (Object.keys(yours) as (keyof WebhookForm)[]).map((k) => ({
      label: k === 'active' ? t('common.status') : labels[k],
      yours: yours[k],
      current: current[k],
    }));
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('webhook.resource')}
          rows={conflictRows()}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <WebhookFields mode="edit" values={form.values} set={form.set} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/integrations/webhooks" />
      </form>
    </>
  );
}

function DeleteSection({ id, url }: { id: string; url: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const mutation = useMutation({
    mutationFn: () => deleteWebhook(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.webhook(id) });
      void queryClient.invalidateQueries({ queryKey: keys.webhooks, exact: true });
      void navigate('/integrations/webhooks', flash('deleted'));
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });
  return (
    <section aria-labelledby="webhook-delete" className="flex flex-col gap-4">
      <h2 id="webhook-delete" className="text-std-22B-150">
        {t('webhook.deleteTitle')}
      </h2>
      <p className="max-w-3xl text-std-16N-170">{t('webhook.deleteLead')}</p>
      <ErrorSummary id="delete-errors" problem={problem} fields={{}} />
      <div>
        <Button
          ref={trigger}
          variant="outline"
          aria-expanded={confirming}
          onClick={() => {
            setProblem(null);
            setConfirming(true);
          }}
        >
          {t('webhook.delete')}
        </Button>
      </div>
      {confirming && (
        <ConfirmPanel
          id="delete-confirm"
          title={t('webhook.deleteConfirmTitle', { url })}
          confirmLabel={t('webhook.deleteConfirm')}
          busy={mutation.isPending}
          onConfirm={() => {
            if (!mutation.isPending) mutation.mutate();
          }}
          onCancel={() => {
            setConfirming(false);
            trigger.current?.focus();
          }}
        >
          {t('webhook.deleteConfirmBody')}
        </ConfirmPanel>
      )}
    </section>
  );
}

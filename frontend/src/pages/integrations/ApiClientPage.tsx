import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { API_ORIGIN, keys, type Versioned } from '../../api/client';
import {
  getApiClient,
  revokeApiClient,
  rotateApiClientSecret,
  updateApiClient,
  type ApiClient,
} from '../../api/integrations';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { RadioGroupField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { StatusBadge } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { ApiClientFields, useApiClientLabels } from './ApiClientFields';
import { IntegrationsNav } from './IntegrationsNav';
import {
  apiClientPatch,
  DEFAULT_OVERLAP,
  isRevoked,
  OVERLAPS,
  overlapSeconds,
  previousSecretValid,
  refineProblem,
  scopeLabel,
  scopesOf,
  toApiClientForm,
  tokenEndpoint,
  type ApiClientForm,
} from './integrationModel';
import { ScopeList } from './ScopeList';
import { SecretPanel } from './SecretPanel';

/** One API client: its details; rename and change scopes; rotate its secret; revoke it. */
export function ApiClientPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.apiClient(id), queryFn: () => getApiClient(id) });
  return (
    <>
      <PageTitle>{t('apiClient.editTitle')}</PageTitle>
      <IntegrationsNav />
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <ApiClientDetail key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

/** A secret just issued by a rotation, with the client it belongs to. */
interface Rotated {
  readonly secret: string;
  readonly client: ApiClient;
}

function ApiClientDetail({ id, initial }: { id: string; initial: Versioned<ApiClient> }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  // The latest version this page knows: a rotation or revocation makes a new one.
  const [current, setCurrent] = useState(initial);
  const [rotated, setRotated] = useState<Rotated | null>(null);
  const [revokedNow, setRevokedNow] = useState(false);
  const client = current.data;
  const revoked = isRevoked(client);

  const adopt = (next: Versioned<ApiClient>) => {
    setCurrent(next);
    queryClient.setQueryData(keys.apiClient(id), next);
    void queryClient.invalidateQueries({ queryKey: keys.apiClients, exact: true });
  };

  return (
    <>
      {rotated && (
        <SecretPanel
          key={rotated.secret}
          title={t('secret.rotatedTitle')}
          lost={t('secret.lostClient')}
          items={[
            { label: t('apiClient.clientId'), value: rotated.client.client_id, testId: 'client-id' },
            { label: t('apiClient.clientSecret'), value: rotated.secret, testId: 'client-secret' },
            {
              label: t('apiClient.tokenEndpoint'),
              value: tokenEndpoint(API_ORIGIN, window.location.origin),
              testId: 'token-endpoint',
            },
          ]}
        >
          <p className="text-std-16N-170">
            {previousSecretValid(rotated.client) && rotated.client.previous_secret_expires_at
              ? t('secret.previousUntil', { date: i.dateTime(rotated.client.previous_secret_expires_at) })
              : t('secret.previousEnded')}
          </p>
        </SecretPanel>
      )}
      {revokedNow && <RevokedDone />}
      {revoked && (
        <Notice
          tone="warning"
          title={t('apiClient.revokedNotice', { date: client.revoked_at ? i.dateTime(client.revoked_at) : t('common.none') })}
        >
          {t('apiClient.revokedNoticeBody')}
        </Notice>
      )}
      <Details client={client} />
      {!revoked && (
        <>
          <section aria-labelledby="client-settings" className="flex flex-col gap-4">
            <h2 id="client-settings" className="text-std-22B-150">
              {t('apiClient.settings')}
            </h2>
            <ApiClientEditForm key={current.etag} id={id} initial={current} />
          </section>
          <RotateSection
            id={id}
            onRotated={(next, secret) => {
              adopt(next);
              setRotated({ secret, client: next.data });
            }}
          />
          <RevokeSection
            id={id}
            name={client.name}
            onRevoked={(next) => {
              adopt(next);
              setRotated(null);
              setRevokedNow(true);
            }}
          />
        </>
      )}
    </>
  );
}

/** Says the client is revoked, and takes focus: the buttons that were there are gone. */
function RevokedDone() {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} className="outline-none">
      <Notice tone="success" live="polite" title={t('apiClient.revokedDone')} />
    </div>
  );
}

function Details({ client }: { client: ApiClient }) {
  const i = useI18n();
  const { t } = i;
  const revoked = isRevoked(client);
  return (
    <section aria-labelledby="client-details" className="flex flex-col gap-3">
      <h2 id="client-details" className="text-std-22B-150">
        {t('apiClient.details')}
      </h2>
      <dl className="grid max-w-3xl grid-cols-1 gap-x-6 gap-y-2 text-std-16N-170 sm:grid-cols-[max-content_1fr]">
        <dt className="font-bold">{t('apiClient.name')}</dt>
        <dd data-testid="client-name">{client.name}</dd>
        <dt className="font-bold">{t('apiClient.clientId')}</dt>
        <dd>
          <code className="break-all">{client.client_id}</code>
        </dd>
        <dt className="font-bold">{t('common.status')}</dt>
        <dd>
          <StatusBadge active={!revoked} activeLabel={t('common.active')} inactiveLabel={t('apiClient.revokedStatus')} />
        </dd>
        {revoked && (
          <>
            <dt className="font-bold">{t('apiClient.scopes')}</dt>
            <dd>
              <ScopeList scopes={client.scopes} />
            </dd>
          </>
        )}
        <dt className="font-bold">{t('apiClient.createdAt')}</dt>
        <dd>{i.dateTime(client.created_at)}</dd>
        <dt className="font-bold">{t('apiClient.lastUsed')}</dt>
        <dd>{client.last_used_at ? i.dateTime(client.last_used_at) : t('apiClient.neverUsed')}</dd>
        <dt className="font-bold">{t('apiClient.secretRotatedAt')}</dt>
        <dd>{client.secret_rotated_at ? i.dateTime(client.secret_rotated_at) : t('common.none')}</dd>
        {!revoked && previousSecretValid(client) && client.previous_secret_expires_at && (
          <>
            <dt className="font-bold">{t('apiClient.previousSecretUntil')}</dt>
            <dd>{i.dateTime(client.previous_secret_expires_at)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function ApiClientEditForm({ id, initial }: { id: string; initial: Versioned<ApiClient> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useApiClientLabels();

  const form = useEditForm<ApiClient, ApiClientForm>({
    initial,
    toForm: toApiClientForm,
    save: (changes, etag) => updateApiClient(id, apiClientPatch(changes), etag),
    reload: () => getApiClient(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.apiClient(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.apiClients, exact: true });
      void navigate('/integrations/api-clients', flash('saved'));
    },
  });
  const problem = refineProblem(form.problem);
  const errorsFor = useFieldErrors(problem);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  const scopes = (field: string) =>
    scopesOf(field)
      .map((s) => scopeLabel(i, s))
      .join(i.lang === 'ja' ? '、' : ', ');

  const conflictRows = () => {
    if (!form.conflict) return [];
    const current = toApiClientForm(form.conflict.data);
    return [
      { label: labels.name, yours: form.values.name, current: current.name },
      { label: labels.scopes, yours: scopes(form.values.scopes), current: scopes(current.scopes) },
    ];
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('apiClient.resource')}
          rows={conflictRows()}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <ApiClientFields values={form.values} set={form.set} errorsFor={errorsFor} />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo="/integrations/api-clients" />
      </form>
    </>
  );
}

function RotateSection({
  id,
  onRotated,
}: {
  id: string;
  onRotated: (client: Versioned<ApiClient>, secret: string) => void;
}) {
  const { t } = useI18n();
  const [choice, setChoice] = useState<string>(DEFAULT_OVERLAP);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = { overlap_seconds: t('apiClient.overlap') };
  const mutation = useMutation({
    // No Idempotency-Key: the server would keep this answer, secret and all, to replay it;
    // and no keeping it in the mutation cache once this page is left.
    mutationFn: () => rotateApiClientSecret(id, overlapSeconds(choice)),
    gcTime: 0,
    onSuccess: ({ client, secret }) => {
      setProblem(null);
      onRotated(client, secret);
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <section aria-labelledby="client-rotate" className="flex flex-col gap-4">
      <h2 id="client-rotate" className="text-std-22B-150">
        {t('apiClient.rotateTitle')}
      </h2>
      <p className="max-w-3xl text-std-16N-170">{t('apiClient.rotateLead')}</p>
      <ErrorSummary id="rotate-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <RadioGroupField
          name="overlap_seconds"
          label={labels.overlap_seconds}
          required
          columns={2}
          choices={OVERLAPS.map((o) => ({ value: o.value, label: t(o.label) }))}
          value={choice}
          onChange={setChoice}
          errors={errorsFor('overlap_seconds')}
        />
        <div>
          <Button type="submit" variant="outline" disabled={mutation.isPending} aria-disabled={mutation.isPending || undefined}>
            {mutation.isPending ? t('form.saving') : t('apiClient.rotate')}
          </Button>
        </div>
      </form>
    </section>
  );
}

function RevokeSection({
  id,
  name,
  onRevoked,
}: {
  id: string;
  name: string;
  onRevoked: (client: Versioned<ApiClient>) => void;
}) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const mutation = useMutation({
    mutationFn: () => revokeApiClient(id),
    onSuccess: (client) => {
      setProblem(null);
      onRevoked(client);
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });
  return (
    <section aria-labelledby="client-revoke" className="flex flex-col gap-4">
      <h2 id="client-revoke" className="text-std-22B-150">
        {t('apiClient.revokeTitle')}
      </h2>
      <p className="max-w-3xl text-std-16N-170">{t('apiClient.revokeLead')}</p>
      <ErrorSummary id="revoke-errors" problem={problem} fields={{}} />
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
          {t('apiClient.revoke')}
        </Button>
      </div>
      {confirming && (
        <ConfirmPanel
          id="revoke-confirm"
          title={t('apiClient.revokeConfirmTitle', { name })}
          confirmLabel={t('apiClient.revokeConfirm')}
          busy={mutation.isPending}
          onConfirm={() => {
            if (!mutation.isPending) mutation.mutate();
          }}
          onCancel={() => {
            setConfirming(false);
            trigger.current?.focus();
          }}
        >
          {t('apiClient.revokeConfirmBody')}
        </ConfirmPanel>
      )}
    </section>
  );
}

import { CheckboxField, GroupedCheckboxField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { EVENT_GROUPS, EVENT_LABELS, eventsField, eventsOf, type WebhookForm } from './integrationModel';

export function useWebhookLabels() {
  const { t } = useI18n();
  return {
    url: t('webhook.url'),
    description: t('webhook.description'),
    events: t('webhook.events'),
    active: t('webhook.active'),
  } satisfies Record<keyof WebhookForm, string>;
}

/** A subscription's URL, description and events; when editing, whether it is paused. */
export function WebhookFields({
  values,
  set,
  errorsFor,
  mode,
}: {
  values: WebhookForm;
  set: <K extends keyof WebhookForm>(key: K, value: WebhookForm[K]) => void;
  errorsFor: (field: string) => string[];
  mode: 'create' | 'edit';
}) {
  const { t } = useI18n();
  const labels = useWebhookLabels();
  return (
    <>
      <TextField
        name="url"
        type="url"
        inputMode="url"
        label={labels.url}
        hint={t('webhook.url.hint')}
        required
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        value={values.url}
        onChange={(e) => set('url', e.target.value)}
        errors={errorsFor('url')}
      />
      <TextField
        name="description"
        label={labels.description}
        hint={t('webhook.description.hint')}
        autoComplete="off"
        maxLength={200}
        value={values.description}
        onChange={(e) => set('description', e.target.value)}
        errors={errorsFor('description')}
      />
      <GroupedCheckboxField
        name="events"
        label={labels.events}
        hint={t('webhook.events.hint')}
        required
        groups={EVENT_GROUPS.map((g) => ({
          id: g.id,
          legend: t(g.legend),
          choices: g.values.map((e) => ({ value: e, label: t(EVENT_LABELS[e]), description: <code>{e}</code> })),
        }))}
        values={eventsOf(values.events)}
        onChange={(v) => set('events', eventsField(v))}
        errors={errorsFor('events')}
      />
      {mode === 'edit' && (
        <CheckboxField
          name="active"
          label={labels.active}
          hint={t('webhook.active.hint')}
          checked={values.active}
          onChange={(e) => set('active', e.target.checked)}
          errors={errorsFor('active')}
        />
      )}
    </>
  );
}

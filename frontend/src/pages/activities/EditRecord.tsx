// Correcting a saved activity record: the shared frame of the outreach, training and event
// edit screens. The fields are the create form's own (passed in as `children`), so a
// record is entered and corrected on one form; saving sends only what changed with the
// version it was read at, and a 412 shows the conflict panel to reapply the input.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent, ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { Versioned } from '../../api/client';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { checkNumbers, submitOnCtrlEnter, useEditForm, type EditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { conflictRows } from '../cases/conflictRows';

/** What a fields component gets: the values, a setter and each field's errors. */
export interface FieldsProps<F> {
  readonly values: F;
  readonly set: <K extends keyof F>(key: K, value: F[K]) => void;
  readonly errorsFor: (field: string) => readonly string[] | undefined;
}

export interface EditRecordProps<T, F extends object> {
  title: string;
  /** The kind of record, in the conflict panel's running text. */
  resource: string;
  queryKey: readonly unknown[];
  /** Query keys to refresh after a save (the list). */
  invalidate: readonly unknown[];
  load: () => Promise<Versioned<T>>;
  save: (changes: Partial<F>, etag: string) => Promise<Versioned<T>>;
  toForm: (record: T) => F;
  labels: Readonly<Record<keyof F & string, string>>;
  /** Each field as the conflict panel shows it. */
  display: (values: F) => Readonly<Record<keyof F & string, string>>;
  /** Where to go after saving or cancelling (the list). */
  back: string;
  fields: (props: FieldsProps<F>) => ReactNode;
  /** The number fields: a changed one that is not a number is refused before sending. */
  numbers?: readonly (keyof F & string)[];
}

export function EditRecordPage<T, F extends object>(props: EditRecordProps<T, F>) {
  const q = useQuery({ queryKey: props.queryKey, queryFn: props.load, staleTime: 0, gcTime: 0 });
  return (
    <>
      <PageTitle>{props.title}</PageTitle>
      {q.isPending ? <Loading /> : q.error ? <LoadError error={q.error} retry={() => void q.refetch()} /> : <EditRecordForm {...props} initial={q.data} />}
    </>
  );
}

function EditRecordForm<T, F extends object>(props: EditRecordProps<T, F> & { initial: Versioned<T> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form: EditForm<T, F> = useEditForm<T, F>({
    initial: props.initial,
    toForm: props.toForm,
    save: props.save,
    reload: props.load,
    check: (changes) => checkNumbers(changes, props.numbers ?? []),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: props.invalidate });
      void navigate(props.back, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };
  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={props.resource}
          rows={conflictRows(props.labels, props.display(form.values), props.display(props.toForm(form.conflict.data)))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={props.labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        {props.fields({ values: form.values, set: form.set, errorsFor })}
        <p className="text-dns-16N-130 text-solid-gray-700">{t('common.ctrlEnter')}</p>
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={props.back} />
      </form>
    </>
  );
}

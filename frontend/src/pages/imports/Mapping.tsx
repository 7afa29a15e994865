// Step 2, 列の対応づけ: which column of the file each Tsunagu field comes from, how the
// file's words map to Tsunagu's codes, and (follow-ups) what a past one without outcome
// becomes. "再チェック" sends it; the server checks the file again with it and keeps it
// as the center's mapping for the next file of that kind.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { importKeys, listImportProblems, updateImport } from '../../api/imports';
import { asProblem, type Problem } from '../../api/problem';
import { Button, ButtonLink } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { fieldId, RadioGroupField, SelectField, TextField } from '../../components/Field';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import {
  columnFieldName,
  defaultFieldName,
  hasCodes,
  mappingForm,
  missingColumns,
  toMapping,
  unmappedValues,
  valueRow,
  valuesFieldName,
  type MappingForm,
  type ValueRow,
} from './importModel';
import { h2Class, h3Class, sectionClass } from './parts';
import type { Import, ImportField } from './types';

function ValueMapping({
  field,
  rows,
  suggestions,
  errors,
  onChange,
}: {
  field: ImportField;
  rows: readonly ValueRow[];
  suggestions: readonly string[];
  errors: readonly string[];
  onChange: (rows: ValueRow[]) => void;
}) {
  const { t } = useI18n();
  const codes = (field.codes ?? []).map((c) => ({ value: c.value, label: c.label }));
  const focusRow = (key: string, part: 'from' | 'to') =>
    // After React has drawn the new line.
    setTimeout(() => document.getElementById(fieldId(`values.${field.field}.${key}.${part}`))?.focus(), 0);
  const add = (from = '') => {
    const row = valueRow(from);
    onChange([...rows, row]);
    focusRow(row.key, from === '' ? 'from' : 'to');
  };
  return (
    <fieldset
      // The error summary's link for the server's `mapping.values.<field>` lands here.
      id={fieldId(valuesFieldName(field.field))}
      tabIndex={-1}
      className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 px-4 pb-4 pt-2"
      data-testid={`values-${field.field}`}
    >
      <legend className="px-1 text-std-16B-170">{t('import.values.legend', { field: field.label })}</legend>
      <p className="text-dns-16N-130 text-solid-gray-700">{t('import.values.hint')}</p>
      {field.codes.some((c) => c.words.length > 0) && (
        <details className="text-dns-16N-130">
          <summary className="cursor-pointer text-blue-900 underline">{t('import.values.words')}</summary>
          <dl className="facts mt-2 gap-x-4 gap-y-1">
            {field.codes.map((c) => (
              <div key={c.value} className="contents">
                <dt className="font-bold">{c.label}</dt>
                <dd>{c.words.join('、')}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      {errors.length > 0 && (
        <ul className="text-dns-16N-130 text-error-1">
          {errors.map((e) => (
            <li key={e}>＊{e}</li>
          ))}
        </ul>
      )}
      {rows.length === 0 && <p className="text-std-16N-170">{t('import.values.empty')}</p>}
      {rows.map((r, i) => (
        <div key={r.key} className="flex flex-wrap items-end gap-3 border-b border-solid-gray-420 pb-3">
          <div className="min-w-[10rem] flex-1">
            <TextField
              name={`values.${field.field}.${r.key}.from`}
              label={t('import.values.from', { n: i + 1 })}
              value={r.from}
              autoComplete="off"
              onChange={(e) => onChange(rows.map((x) => (x.key === r.key ? { ...x, from: e.target.value } : x)))}
            />
          </div>
          <div className="min-w-[10rem] flex-1">
            <SelectField
              name={`values.${field.field}.${r.key}.to`}
              label={t('import.values.to', { n: i + 1 })}
              options={codes}
              placeholder={t('common.selectPlaceholder')}
              value={r.to}
              onChange={(e) => onChange(rows.map((x) => (x.key === r.key ? { ...x, to: e.target.value } : x)))}
            />
          </div>
          <Button
            size="sm"
            variant="text"
            aria-label={t('import.values.removeOf', { value: r.from || String(i + 1) })}
            onClick={() => {
              onChange(rows.filter((x) => x.key !== r.key));
              document.getElementById(`add-value-${field.field}`)?.focus();
            }}
          >
            {t('import.values.remove')}
          </Button>
        </div>
      ))}
      {suggestions.length > 0 && (
        <div className="flex flex-col gap-2">
          <p className="text-std-16N-170">{t('import.values.unread')}</p>
          <ul className="flex flex-wrap gap-2">
            {suggestions.map((s) => (
              <li key={s}>
                <Button size="sm" variant="outline" onClick={() => add(s)}>
                  {t('import.values.addFor', { value: s })}
                </Button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <Button id={`add-value-${field.field}`} size="sm" variant="outline" onClick={() => add()}>
          {t('import.values.add')}
        </Button>
      </div>
    </fieldset>
  );
}

/** The form, filled from the import it was opened at (its key is the import's version). */
function MappingEditor({ imp, fields }: { imp: Import; fields: readonly ImportField[] }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<MappingForm>(() => mappingForm(fields, imp));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  // The values the last check could not read, from the first pages of its problems.
  const problems = useCursorList(importKeys.problems(imp.id, imp.version), (after) => listImportProblems(imp.id, after));
  const suggestions = unmappedValues(problems.items, form);
  const followUps = imp.kind === 'follow_ups' || imp.kind === 'referrals';

  const save = useMutation({
    mutationFn: () => updateImport(imp.id, { mapping: toMapping(form, followUps) }),
    onSuccess: (updated) => {
      queryClient.setQueryData(importKeys.one(imp.id), updated);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
      void navigate(`/imports/${imp.id}?step=check`);
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const columnOptions = imp.columns.map((c) => ({ value: c, label: c }));
  const labels: Record<string, string> = {};
  for (const f of fields) {
    labels[columnFieldName(f.field)] = f.label;
    labels[defaultFieldName(f.field)] = t('import.default', { field: f.label });
    labels[valuesFieldName(f.field)] = t('import.values.legend', { field: f.label });
  }
  labels['mapping.past_follow_ups'] = t('import.pastFollowUps');

  return (
    <form
      noValidate
      className="flex max-w-3xl flex-col gap-6"
      onSubmit={(e) => {
        e.preventDefault();
        const missing = missingColumns(fields, form);
        setProblem(missing);
        if (missing || save.isPending) return;
        save.mutate();
      }}
    >
      <ErrorSummary problem={problem} fields={labels} id="mapping-errors" />
      {fields.map((f) => {
        const column = form.columns[f.field] ?? '';
        const rows = form.values[f.field];
        return (
          <div key={f.field} className="flex flex-col gap-3">
            <SelectField
              name={columnFieldName(f.field)}
              label={f.label}
              required={f.required}
              hint={f.value_kind.startsWith('date') ? t('import.dateHint') : undefined}
              options={columnOptions}
              placeholder={t('import.noColumn')}
              value={column}
              errors={errorsFor(columnFieldName(f.field))}
              onChange={(e) => setForm((v) => ({ ...v, columns: { ...v.columns, [f.field]: e.target.value } }))}
            />
            {hasCodes(f) && (
              <SelectField
                name={defaultFieldName(f.field)}
                label={t('import.default', { field: f.label })}
                hint={t('import.default.hint')}
                options={(f.codes ?? []).map((c) => ({ value: c.value, label: c.label }))}
                placeholder={t('import.default.none')}
                value={form.defaults[f.field] ?? ''}
                errors={errorsFor(defaultFieldName(f.field))}
                onChange={(e) => setForm((v) => ({ ...v, defaults: { ...v.defaults, [f.field]: e.target.value } }))}
              />
            )}
            {hasCodes(f) && rows !== undefined && column !== '' && (
              <ValueMapping
                field={f}
                rows={rows}
                suggestions={suggestions[f.field] ?? []}
                errors={errorsFor(valuesFieldName(f.field))}
                onChange={(next) => setForm((v) => ({ ...v, values: { ...v.values, [f.field]: next } }))}
              />
            )}
          </div>
        );
      })}
      {followUps && (
        <RadioGroupField
          name="mapping.past_follow_ups"
          label={t('import.pastFollowUps')}
          hint={t('import.pastFollowUps.hint')}
          choices={[
            { value: 'not_recorded', label: t('import.pastFollowUps.not_recorded'), description: t('import.pastFollowUps.not_recorded.hint') },
            { value: 'overdue', label: t('import.pastFollowUps.overdue'), description: t('import.pastFollowUps.overdue.hint') },
          ]}
          value={form.pastFollowUps}
          onChange={(v) => setForm((f) => ({ ...f, pastFollowUps: v === 'overdue' ? 'overdue' : 'not_recorded' }))}
          errors={errorsFor('mapping.past_follow_ups')}
        />
      )}
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" disabled={save.isPending} aria-disabled={save.isPending || undefined}>
          {save.isPending ? t('import.rechecking') : t('import.recheck')}
        </Button>
        <ButtonLink variant="outline" to={`/imports/${imp.id}?step=check`}>
          {t('import.toCheck')}
        </ButtonLink>
      </div>
    </form>
  );
}

export function MappingStep({ imp, fields }: { imp: Import; fields: readonly ImportField[] }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="mapping-title" className={sectionClass}>
      <h2 id="mapping-title" className={h2Class}>
        {t('import.step.mapping')}
      </h2>
      <p className="max-w-3xl text-std-16N-170">{t('import.mapping.lead')}</p>
      <p className="max-w-3xl text-std-16N-170" data-testid="last-check">
        {t('import.mapping.lastCheck', { rows: imp.counts.rows, invalid: imp.counts.invalid, duplicates: imp.counts.duplicates })}
      </p>
      <h3 className={h3Class}>{t('import.mapping.columns', { count: imp.columns.length })}</h3>
      <p className="max-w-3xl break-words text-dns-16N-130 text-solid-gray-700" data-testid="file-columns">
        {imp.columns.join('、')}
      </p>
      <MappingEditor key={imp.version} imp={imp} fields={fields} />
    </section>
  );
}

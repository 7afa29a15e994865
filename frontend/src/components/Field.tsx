import { useState, type ComponentProps, type ReactNode } from 'react';
import { formatDate } from '../lib/datetime';
import { formatBothCalendars, parseDateInput } from '../lib/wareki';
import { useI18n } from '../i18n/I18nProvider';

/** The DOM id of a form field's control; error summaries link to it. */
export function fieldId(name: string): string {
  return `field-${name.replaceAll('.', '-')}`;
}

interface FieldBase {
  /** The API field name this control edits, e.g. `prefecture_code`. */
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  /** Messages to show under the control (already translated). */
  errors?: readonly string[];
}

function describedBy(name: string, hint: string | undefined, errors: readonly string[] | undefined) {
  const ids = [hint ? `${fieldId(name)}-hint` : null, errors?.length ? `${fieldId(name)}-error` : null];
  const joined = ids.filter(Boolean).join(' ');
  return joined === '' ? undefined : joined;
}

function RequirementBadge({ required }: { required: boolean | undefined }) {
  const { t } = useI18n();
  if (!required) return null;
  return <span className="ml-2 text-dns-16N-130 text-error-1">{t('common.required')}</span>;
}

function Hint({ name, hint }: { name: string; hint: string | undefined }) {
  if (!hint) return null;
  return (
    <p id={`${fieldId(name)}-hint`} className="text-dns-16N-130 text-solid-gray-700">
      {hint}
    </p>
  );
}

function Errors({ name, errors }: { name: string; errors: readonly string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <ul id={`${fieldId(name)}-error`} className="text-dns-16N-130 text-error-1">
      {errors.map((e) => (
        <li key={e}>＊{e}</li>
      ))}
    </ul>
  );
}

function Shell({ name, label, hint, required, errors, children }: FieldBase & { children: ReactNode }) {
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor={fieldId(name)} className="text-std-17B-170">
        {label}
        <RequirementBadge required={required} />
      </label>
      <Hint name={name} hint={hint} />
      {children}
      <Errors name={name} errors={errors} />
    </div>
  );
}

const controlClass = (invalid: boolean) =>
  `w-full max-w-[40rem] rounded-8 border bg-white px-4 py-3 text-oln-16N-100 text-solid-gray-800 ` +
  `${invalid ? 'border-error-1 border-2' : 'border-solid-gray-900'} ` +
  `disabled:border-solid-gray-300 disabled:bg-solid-gray-50 disabled:text-solid-gray-420`;

type InputProps = Omit<ComponentProps<'input'>, 'name' | 'id' | 'required'>;

export function TextField({ name, label, hint, required, errors, className = '', ...input }: FieldBase & InputProps) {
  const invalid = Boolean(errors?.length);
  return (
    <Shell name={name} label={label} hint={hint} required={required} errors={errors}>
      <input
        id={fieldId(name)}
        name={name}
        required={required}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(name, hint, errors)}
        className={`${controlClass(invalid)} min-h-12 ${className}`}
        {...input}
      />
    </Shell>
  );
}

type TextAreaProps = Omit<ComponentProps<'textarea'>, 'name' | 'id' | 'required'>;

export function TextAreaField({ name, label, hint, required, errors, ...area }: FieldBase & TextAreaProps) {
  const invalid = Boolean(errors?.length);
  return (
    <Shell name={name} label={label} hint={hint} required={required} errors={errors}>
      <textarea
        id={fieldId(name)}
        name={name}
        required={required}
        rows={4}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(name, hint, errors)}
        className={`${controlClass(invalid)} leading-170`}
        {...area}
      />
    </Shell>
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

type SelectProps = Omit<ComponentProps<'select'>, 'name' | 'id' | 'required' | 'children'> & {
  options: readonly Option[];
  /** Shows an empty first choice ("Choose one") while nothing is chosen. */
  placeholder?: string;
  /** Choices under headings (`<optgroup>`), after `options`. */
  groups?: readonly { readonly label: string; readonly options: readonly Option[] }[];
};

export function SelectField({
  name,
  label,
  hint,
  required,
  errors,
  options,
  placeholder,
  groups = [],
  ...select
}: FieldBase & SelectProps) {
  const invalid = Boolean(errors?.length);
  return (
    <Shell name={name} label={label} hint={hint} required={required} errors={errors}>
      <select
        id={fieldId(name)}
        name={name}
        required={required}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(name, hint, errors)}
        className={`${controlClass(invalid)} min-h-12`}
        {...select}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {groups.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </Shell>
  );
}

type CheckboxProps = Omit<ComponentProps<'input'>, 'name' | 'id' | 'type'>;

export function CheckboxField({ name, label, hint, errors, ...input }: Omit<FieldBase, 'required'> & CheckboxProps) {
  const invalid = Boolean(errors?.length);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-start gap-3">
        <input
          id={fieldId(name)}
          name={name}
          type="checkbox"
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy(name, hint, errors)}
          className="mt-1 size-6 shrink-0 accent-blue-900"
          {...input}
        />
        <label htmlFor={fieldId(name)} className="text-std-17N-170">
          {label}
        </label>
      </div>
      <Hint name={name} hint={hint} />
      <Errors name={name} errors={errors} />
    </div>
  );
}

/** A field shown read-only in an edit form (e.g. a login that cannot change). */
export function ReadOnlyField({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <span className="text-std-17B-170">{label}</span>
      <span className="text-std-16N-170">{value}</span>
    </div>
  );
}

export interface Choice {
  readonly value: string;
  readonly label: ReactNode;
  /** A line under the label. */
  readonly description?: ReactNode;
}

/**
 * The id of one choice of a group. The first choice carries the group's field id, so an
 * error summary's link lands on the group.
 */
function choiceId(name: string, index: number): string {
  return index === 0 ? fieldId(name) : `${fieldId(name)}-${index}`;
}

function GroupShell({
  name,
  label,
  hint,
  required,
  errors,
  columns = 1,
  children,
}: FieldBase & { columns?: 1 | 2 | 3; children: ReactNode }) {
  const grid = columns === 1 ? 'flex flex-col gap-2' : columns === 2 ? 'grid gap-2 md:grid-cols-2' : 'grid gap-2 md:grid-cols-3';
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={describedBy(name, hint, errors)}>
      <legend className="mb-2 text-std-17B-170">
        {label}
        <RequirementBadge required={required} />
      </legend>
      <Hint name={name} hint={hint} />
      <div className={grid}>{children}</div>
      <Errors name={name} errors={errors} />
    </fieldset>
  );
}

/** One choice out of a few, all visible: quick with the arrow keys. */
export function RadioGroupField({
  name,
  label,
  hint,
  required,
  errors,
  choices,
  value,
  onChange,
  columns,
}: FieldBase & {
  choices: readonly Choice[];
  value: string;
  onChange: (value: string) => void;
  columns?: 1 | 2 | 3;
}) {
  return (
    <GroupShell name={name} label={label} hint={hint} required={required} errors={errors} columns={columns}>
      {choices.map((c, i) => (
        <div key={c.value} className="flex items-start gap-3">
          <input
            id={choiceId(name, i)}
            type="radio"
            name={name}
            value={c.value}
            checked={value === c.value}
            onChange={() => onChange(c.value)}
            aria-invalid={errors?.length ? true : undefined}
            className="mt-1 size-6 shrink-0 accent-blue-900"
          />
          <label htmlFor={choiceId(name, i)} className="text-std-16N-170">
            {c.label}
            {c.description !== undefined && (
              <span className="block text-dns-16N-130 text-solid-gray-700">{c.description}</span>
            )}
          </label>
        </div>
      ))}
    </GroupShell>
  );
}

/** Any number of choices (none, one or several). */
export function CheckboxGroupField({
  name,
  label,
  hint,
  required,
  errors,
  choices,
  values,
  onChange,
  columns,
}: FieldBase & {
  choices: readonly Choice[];
  values: readonly string[];
  onChange: (values: string[]) => void;
  columns?: 1 | 2 | 3;
}) {
  const toggle = (v: string, on: boolean) => {
    // Keep the order of the choices, whatever order they were ticked in.
    const next = new Set(values);
    if (on) next.add(v);
    else next.delete(v);
    onChange(choices.map((c) => c.value).filter((x) => next.has(x)));
  };
  return (
    <GroupShell name={name} label={label} hint={hint} required={required} errors={errors} columns={columns}>
      {choices.map((c, i) => (
        <div key={c.value} className="flex items-start gap-3">
          <input
            id={choiceId(name, i)}
            type="checkbox"
            name={name}
            value={c.value}
            checked={values.includes(c.value)}
            aria-invalid={errors?.length ? true : undefined}
            onChange={(e) => toggle(c.value, e.target.checked)}
            className="mt-1 size-6 shrink-0 accent-blue-900"
          />
          <label htmlFor={choiceId(name, i)} className="text-std-16N-170">
            {c.label}
            {c.description !== undefined && (
              <span className="block text-dns-16N-130 text-solid-gray-700">{c.description}</span>
            )}
          </label>
        </div>
      ))}
    </GroupShell>
  );
}

export interface ChoiceSubgroup {
  /** Unique within the field: part of the subgroup's DOM id. */
  readonly id: string;
  readonly legend: string;
  readonly choices: readonly Choice[];
}

/**
 * Any number of choices from a long list, shown in named subgroups: one fieldset with the
 * field's label, a fieldset per subgroup inside. The value is one set across the subgroups.
 */
export function GroupedCheckboxField({
  name,
  label,
  hint,
  required,
  errors,
  groups,
  values,
  onChange,
}: FieldBase & {
  groups: readonly ChoiceSubgroup[];
  values: readonly string[];
  onChange: (values: string[]) => void;
}) {
  const all = groups.flatMap((g) => g.choices.map((c) => c.value));
  const toggle = (v: string, on: boolean) => {
    // Keep the order of the choices, whatever order they were ticked in.
    const next = new Set(values);
    if (on) next.add(v);
    else next.delete(v);
    onChange(all.filter((x) => next.has(x)));
  };
  // The first choice of the first subgroup carries the field's id (see choiceId).
  const firstIndex = groups.map((_, gi) => groups.slice(0, gi).reduce((n, g) => n + g.choices.length, 0));
  return (
    <fieldset className="flex flex-col gap-3" aria-describedby={describedBy(name, hint, errors)}>
      <legend className="mb-2 text-std-17B-170">
        {label}
        <RequirementBadge required={required} />
      </legend>
      <Hint name={name} hint={hint} />
      <div className="grid gap-4 md:grid-cols-2">
        {groups.map((g, gi) => (
          <fieldset
            key={g.id}
            id={`${fieldId(name)}-group-${g.id}`}
            className="flex flex-col gap-2 rounded-8 border border-solid-gray-420 px-4 pb-4 pt-2"
          >
            <legend className="px-1 text-std-16B-170">{g.legend}</legend>
            {g.choices.map((c, ci) => {
              const id = choiceId(name, (firstIndex[gi] ?? 0) + ci);
              return (
                <div key={c.value} className="flex items-start gap-3">
                  <input
                    id={id}
                    type="checkbox"
                    name={name}
                    value={c.value}
                    checked={values.includes(c.value)}
                    aria-invalid={errors?.length ? true : undefined}
                    onChange={(e) => toggle(c.value, e.target.checked)}
                    className="mt-1 size-6 shrink-0 accent-blue-900"
                  />
                  <label htmlFor={id} className="text-std-16N-170">
                    {c.label}
                    {c.description !== undefined && (
                      <span className="block text-dns-16N-130 text-solid-gray-700">{c.description}</span>
                    )}
                  </label>
                </div>
              );
            })}
          </fieldset>
        ))}
      </div>
      <Errors name={name} errors={errors} />
    </fieldset>
  );
}

/**
 * A date typed as a person writes it: 和暦 (令和7年4月1日, R7.4.1) or 西暦 (2025-04-01,
 * 2025/4/1). The date read is shown back in both calendars under the field. `value` and
 * `onChange` carry YYYY-MM-DD once the text reads as a date, else the text as typed (for the
 * API to name as invalid).
 */
export function DateField({
  name,
  label,
  hint,
  required,
  errors,
  value,
  onChange,
  className = '',
}: FieldBase & { value: string; onChange: (value: string) => void; className?: string }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  // A value set from outside (a "14 days later" button, a reset) replaces the text.
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  const invalid = Boolean(errors?.length);
  const parsed = parseDateInput(text);
  const fullHint = hint ? `${hint}\u3000${t('date.hint')}` : t('date.hint');
  const readBack =
    text.trim() === ''
      ? null
      : parsed === null
        ? t('date.unreadable')
        : lang === 'ja'
          ? t('date.read', { date: formatBothCalendars(parsed) })
          : t('date.read', { date: `${formatDate(parsed, 'en')} (${parsed})` });
  return (
    <Shell name={name} label={label} hint={fullHint} required={required} errors={errors}>
      <input
        id={fieldId(name)}
        name={name}
        type="text"
        autoComplete="off"
        spellCheck={false}
        required={required}
        aria-invalid={invalid || undefined}
        aria-describedby={[describedBy(name, fullHint, errors), readBack ? `${fieldId(name)}-read` : null].filter(Boolean).join(' ')}
        className={`${controlClass(invalid)} min-h-12 max-w-[20rem] ${className}`}
        value={text}
        onChange={(e) => {
          const raw = e.target.value;
          const out = parseDateInput(raw) ?? raw;
          setText(raw);
          setSeen(out);
          onChange(out);
        }}
      />
      {readBack !== null && (
        <p
          id={`${fieldId(name)}-read`}
          className={`text-dns-16N-130 ${parsed === null ? 'text-error-1' : 'text-solid-gray-700'}`}
          data-testid={`${name}-read`}
        >
          {readBack}
        </p>
      )}
    </Shell>
  );
}

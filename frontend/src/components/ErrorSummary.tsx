import { useEffect, useRef } from 'react';
import { errorsByField, type Problem } from '../api/problem';
import { useI18n } from '../i18n/I18nProvider';
import { fieldErrorMessage, problemMessage } from '../i18n/translate';
import { fieldId } from './Field';

/** The translated messages for one field of a failed submission. */
export function useFieldErrors(problem: Problem | null) {
  const { lang } = useI18n();
  const by = errorsByField(problem);
  return (name: string): string[] => (by.get(name) ?? []).map((e) => fieldErrorMessage(e, lang));
}

/**
 * What went wrong with a submission, at the top of the form. Takes focus when it appears
 * so keyboard and screen-reader users land on it; each field error links to its field.
 */
export function ErrorSummary({
  problem,
  fields,
  id = 'error-summary',
  namePrefix = '',
}: {
  problem: Problem | null;
  /** API field name → its label on this form. */
  fields: Readonly<Record<string, string>>;
  /** Distinguishes a second form's summary on the same page. */
  id?: string;
  /**
   * The prefix this form's field names carry before the API's (`schedule_` for
   * `schedule_slot_minutes`), where two forms with the same fields share a page: each link
   * then lands on this form's field.
   */
  namePrefix?: string;
}) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (problem) ref.current?.focus();
  }, [problem]);

  if (!problem) return null;

  const items = problem.errors.map((e, i) => {
    const label = fields[e.field];
    const message = fieldErrorMessage(e, lang);
    const key = `${e.field}-${e.code}-${i}`;
    const target = fieldId(`${namePrefix}${e.field}`);
    if (label === undefined) {
      return <li key={key}>{e.field ? `${e.field}: ${message}` : message}</li>;
    }
    return (
      <li key={key}>
        <a
          href={`#${target}`}
          onClick={(ev) => {
            const control = document.getElementById(target);
            if (control) {
              ev.preventDefault();
              control.focus();
              control.scrollIntoView({ block: 'center' });
            }
          }}
        >
          {label}：{message}
        </a>
      </li>
    );
  });

  return (
    <div
      ref={ref}
      tabIndex={-1}
      aria-labelledby={`${id}-title`}
      className="rounded-8 border-2 border-error-1 bg-white px-4 py-3 focus:outline-4"
    >
      <h2 id={`${id}-title`} className="text-std-18B-160 text-error-2">
        {items.length > 0 ? t('form.errorSummary') : problemMessage(problem, lang)}
      </h2>
      {items.length > 0 && (
        <>
          <p className="text-std-16N-170">{t('form.errorCount', { count: items.length })}</p>
          <ul className="mt-1 list-disc pl-6 text-std-16N-170">{items}</ul>
        </>
      )}
    </div>
  );
}

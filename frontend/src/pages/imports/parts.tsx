// Shared parts of the import screens: the wizard's steps, the progress bar and the counts.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import { percent, STEPS, type Step } from './importModel';

const stepKey: Record<Step, MessageKey> = {
  file: 'import.step.file',
  mapping: 'import.step.mapping',
  check: 'import.step.check',
  commit: 'import.step.commit',
};

/**
 * Where the user is among the four steps. After the upload the later steps are links (the
 * first goes back to the start page); before it, only text.
 */
export function Steps({ current, importId }: { current: Step; importId?: string }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('import.steps')}>
      <ol className="flex flex-wrap gap-2 text-std-16N-170">
        {STEPS.map((s, i) => {
          const label = `${i + 1}. ${t(stepKey[s])}`;
          const isCurrent = s === current;
          const cls =
            'inline-block rounded-8 border px-3 py-1 ' +
            (isCurrent ? 'border-blue-900 bg-blue-900 text-white' : 'border-solid-gray-420 bg-white');
          let body: ReactNode = label;
          if (!isCurrent && importId !== undefined) {
            body = (
              <Link to={s === 'file' ? '/imports' : `/imports/${importId}?step=${s}`} className="text-blue-900">
                {label}
              </Link>
            );
          }
          return (
            <li key={s} className={cls} aria-current={isCurrent ? 'step' : undefined}>
              {body}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** The server's progress through the rows, as a progress bar that assistive technology reads. */
export function ProgressPanel({ title, done, total }: { title: string; done: number; total: number }) {
  const { t } = useI18n();
  const pct = percent({ done, total });
  const text = pct === null ? t('import.progress.starting') : t('import.progress.rows', { done, total, percent: pct });
  return (
    <section aria-labelledby="import-progress-title" className="flex max-w-3xl flex-col gap-2">
      <h2 id="import-progress-title" className="text-std-20B-150">
        {title}
      </h2>
      <div
        role="progressbar"
        aria-labelledby="import-progress-title"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={text}
        className="h-4 w-full overflow-hidden rounded-full border border-solid-gray-600 bg-solid-gray-50"
      >
        <div className="h-full bg-blue-900 transition-[width] motion-reduce:transition-none" style={{ width: `${pct ?? 0}%` }} />
      </div>
      <p className="text-dns-16N-130 text-solid-gray-700">{text}</p>
      <p className="text-dns-16N-130 text-solid-gray-700">{t('import.progress.leave')}</p>
    </section>
  );
}

/** Figures side by side (a list of terms and numbers), wrapping on a phone. */
export function Figures({ items, label }: { items: readonly { key: string; term: string; value: number; hint?: string }[]; label: string }) {
  const { t } = useI18n();
  return (
    <dl aria-label={label} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {items.map((i) => (
        <div key={i.key} className="flex flex-col rounded-8 border border-solid-gray-420 bg-white px-4 py-3" data-testid={`count-${i.key}`}>
          <dt className="text-dns-16N-130 text-solid-gray-700">{i.term}</dt>
          <dd className="text-std-24B-150">{t('import.rowsCount', { count: i.value.toLocaleString('ja-JP') })}</dd>
          {i.hint !== undefined && <dd className="text-dns-16N-130 text-solid-gray-700">{i.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

export const sectionClass = 'flex flex-col gap-4';
export const h2Class = 'text-std-22B-150';
export const h3Class = 'text-std-18B-160';

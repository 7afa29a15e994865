import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';

export interface SecretItem {
  readonly label: string;
  readonly value: string;
  /** For the browser tests. */
  readonly testId: string;
}

/**
 * A secret the API showed this once (a client secret, a webhook's signing secret), with
 * what goes with it. Clearly marked, announced when it appears (its heading takes focus and
 * the warning is an alert), each value with a copy button. The secret lives only in the
 * memory of the component that shows it: leaving the page forgets it.
 */
export function SecretPanel({
  title,
  items,
  lost,
  children,
}: {
  title: string;
  items: readonly SecretItem[];
  /** What to do if it is lost anyway. */
  lost: string;
  /** More notes and the ways on, under the values. */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState<string>('');
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copy = async (item: SecretItem) => {
    try {
      await navigator.clipboard.writeText(item.value);
      setStatus(t('secret.copied', { label: item.label }));
    } catch {
      setStatus(t('secret.copyFailed'));
    }
  };

  return (
    <section
      aria-labelledby="secret-panel-title"
      data-testid="secret-panel"
      className="flex max-w-3xl flex-col gap-4 rounded-8 border-4 border-double border-warning-orange-2 bg-white p-4"
    >
      <h2 id="secret-panel-title" ref={heading} tabIndex={-1} className="text-std-20B-150">
        {title}
      </h2>
      <Notice tone="warning" live="assertive" title={t('secret.once')}>
        <p>{t('secret.onceBody')}</p>
        <p>{lost}</p>
      </Notice>
      <dl className="flex flex-col gap-4">
        {items.map((item) => (
          <div key={item.testId} className="flex flex-col gap-1">
            <dt className="text-std-17B-170">{item.label}</dt>
            <dd className="flex flex-wrap items-center gap-3">
              <code
                data-testid={item.testId}
                className="select-all break-all rounded-4 bg-solid-gray-50 px-2 py-1 font-mono text-std-16N-170"
              >
                {item.value}
              </code>
              <Button variant="outline" size="sm" onClick={() => void copy(item)}>
                {t('secret.copy', { label: item.label })}
              </Button>
            </dd>
          </div>
        ))}
      </dl>
      <p role="status" className="min-h-6 text-std-16N-170">
        {status}
      </p>
      {children}
    </section>
  );
}

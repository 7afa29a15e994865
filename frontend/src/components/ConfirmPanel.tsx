import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { Button } from './Button';

/**
 * "Are you sure?" for an action that cannot be undone, in place under the button that
 * asked for it. It takes focus when it appears so that it is read out; Escape cancels.
 * The caller returns focus to its button on cancel.
 */
export function ConfirmPanel({
  id,
  title,
  children,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  /** The DOM id of the panel; its title is `${id}-title`. */
  id: string;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section
      id={id}
      ref={ref}
      tabIndex={-1}
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
      className="flex flex-col gap-4 rounded-8 border-2 border-error-1 bg-white p-4 focus:outline-4"
    >
      <h3 id={`${id}-title`} className="text-std-18B-160 text-error-2">
        {title}
      </h3>
      {children !== undefined && <div className="text-std-16N-170">{children}</div>}
      <div className="flex flex-wrap items-center gap-4">
        <Button onClick={onConfirm} disabled={busy} aria-disabled={busy || undefined}>
          {busy ? t('form.saving') : confirmLabel}
        </Button>
        <Button variant="outline" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </section>
  );
}

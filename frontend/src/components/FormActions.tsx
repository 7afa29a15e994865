import { Link } from 'react-router';
import { useI18n } from '../i18n/I18nProvider';
import { Button } from './Button';

/** Submit and a way back, at the end of a form. */
export function FormActions({ submitLabel, busy, cancelTo }: { submitLabel: string; busy: boolean; cancelTo: string }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap items-center gap-6">
      <Button type="submit" disabled={busy} aria-disabled={busy || undefined}>
        {busy ? t('form.saving') : submitLabel}
      </Button>
      <Link to={cancelTo}>{t('common.cancel')}</Link>
    </div>
  );
}

export const formClass = 'flex max-w-3xl flex-col gap-6';

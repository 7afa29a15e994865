import { Link } from 'react-router';
import { Button } from '../../components/Button';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * The print view's own controls: print, and back to the record. Hidden on paper (the print
 * stylesheet drops every `data-print="hide"`), with a line saying what the paper holds.
 */
export function PrintBar({ back, backLabel, lead }: { back: string; backLabel: string; lead: string }) {
  const { t } = useI18n();
  return (
    <div data-print="hide" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 bg-solid-gray-50 p-4">
      <p className="text-std-16N-170">{lead}</p>
      <div className="flex flex-wrap items-center gap-4">
        <Button onClick={() => window.print()}>{t('print.print')}</Button>
        <Link to={back}>{backLabel}</Link>
      </div>
    </div>
  );
}

/** When and by whom the paper was printed, on the paper itself. */
export function PrintedOn({ date, by }: { date: string; by: string }) {
  const { t } = useI18n();
  return <p className="text-dns-16N-130 text-solid-gray-700">{t('print.printedOn', { date, by })}</p>;
}

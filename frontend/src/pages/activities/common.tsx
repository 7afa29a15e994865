// What the activities screens share: the fiscal-year filter and its choices.
import { SelectField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';

/** This fiscal year and the two before it, newest first. */
export function recentFiscalYears(now: Date = new Date()): number[] {
  const y = currentFiscalYear(now);
  return [y, y - 1, y - 2];
}

/** The fiscal year a list shows ('' for all). */
export function FiscalYearFilter({ value, onChange, allowAll = true }: { value: string; onChange: (v: string) => void; allowAll?: boolean }) {
  const { t } = useI18n();
  const years = recentFiscalYears().map((y) => ({ value: String(y), label: t('activities.fiscalYear', { year: String(y) }) }));
  return (
    <div className="min-w-48">
      <SelectField
        name="filter_fiscal_year"
        label={t('report.fiscalYear')}
        options={allowAll ? [{ value: '', label: t('common.all') }, ...years] : years}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

// The outreach form, one for recording an activity and for correcting it: its values (as
// typed), how they become the API's create and change bodies, and the fields.
import type { CreateOutreachActivity, OutreachActivity, UpdateOutreachActivity } from '../../api/activities';
import { fromSelect, OUTREACH_KINDS, type OutreachKind } from '../../api/enums';
import { SelectField, TextField } from '../../components/Field';
import { optionalText, readNumber } from '../../components/forms';
import type { I18n } from '../../i18n/I18nProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import type { FieldsProps } from './EditRecord';

export type OutreachForm = {
  kind: string;
  kind_other: string;
  target: string;
  held_on: string;
  quantity: string;
  unit: string;
  facility_count: string;
};

/** The number fields, refused by the form when what is typed is not a number (checkNumbers). */
export const OUTREACH_NUMBERS = ['quantity', 'facility_count'] as const;

/** A number typed in a text box, or null when empty (what is not a number the form refuses first). */
export function numberOrNull(v: string): number | null {
  const n = readNumber(v);
  return n === null || Number.isNaN(n) ? null : n;
}

const text = (v: number | null | undefined) => (v == null ? '' : String(v));

export function emptyOutreach(): OutreachForm {
  return { kind: '', kind_other: '', target: '', held_on: todayInTokyo(), quantity: '', unit: '', facility_count: '' };
}

export function outreachToForm(a: OutreachActivity): OutreachForm {
  return {
    kind: a.kind,
    kind_other: a.kind_other ?? '',
    target: a.target ?? '',
    held_on: a.held_on,
    quantity: text(a.quantity),
    unit: a.unit ?? '',
    facility_count: text(a.facility_count),
  };
}

export function outreachBody(f: OutreachForm): CreateOutreachActivity {
  return {
    kind: fromSelect<OutreachKind>(f.kind),
    kind_other: f.kind === 'other' ? optionalText(f.kind_other) : null,
    target: optionalText(f.target),
    held_on: f.held_on,
    quantity: numberOrNull(f.quantity),
    unit: optionalText(f.unit),
    facility_count: numberOrNull(f.facility_count),
  };
}

/** The changed fields as a PATCH body; a kind changed away from 「その他」 clears its text (the server refuses it with a coded kind). */
export function outreachPatch(changes: Partial<OutreachForm>): UpdateOutreachActivity {
  const full = outreachBody({ ...emptyOutreach(), ...changes });
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(changes)) out[k] = full[k as keyof CreateOutreachActivity];
  if (changes.kind !== undefined && changes.kind !== 'other') out.kind_other = null;
  return out;
}

export function outreachLabels(t: I18n['t']): Record<keyof OutreachForm, string> {
  return {
    kind: t('outreach.kind'),
    kind_other: t('outreach.kindOther'),
    target: t('outreach.target'),
    held_on: t('outreach.heldOn'),
    quantity: t('outreach.quantity'),
    unit: t('outreach.unit'),
    facility_count: t('outreach.facilityCount'),
  };
}

export function outreachDisplay(i: I18n, f: OutreachForm): Record<keyof OutreachForm, string> {
  return { ...f, kind: f.kind ? i.t(`referralSource.${f.kind as OutreachKind}`) : '', held_on: f.held_on ? i.date(f.held_on) : '' };
}

export function OutreachFields({ values, set, errorsFor }: FieldsProps<OutreachForm>) {
  const { t } = useI18n();
  const labels = outreachLabels(t);
  return (
    <>
      <SelectField
        name="kind"
        label={labels.kind}
        required
        placeholder={t('common.selectPlaceholder')}
        options={OUTREACH_KINDS.map((k) => ({ value: k, label: t(`referralSource.${k}`) }))}
        value={values.kind}
        onChange={(e) => set('kind', e.target.value)}
        errors={errorsFor('kind')}
      />
      {values.kind === 'other' && (
        <TextField name="kind_other" label={labels.kind_other} required value={values.kind_other} onChange={(e) => set('kind_other', e.target.value)} errors={errorsFor('kind_other')} />
      )}
      <TextField name="target" label={labels.target} hint={t('outreach.targetHint')} value={values.target} onChange={(e) => set('target', e.target.value)} errors={errorsFor('target')} />
      <TextField name="held_on" type="date" label={labels.held_on} required value={values.held_on} onChange={(e) => set('held_on', e.target.value)} errors={errorsFor('held_on')} />
      <div className="flex flex-wrap gap-4">
        <TextField name="quantity" inputMode="numeric" label={labels.quantity} value={values.quantity} onChange={(e) => set('quantity', e.target.value)} errors={errorsFor('quantity')} />
        <TextField name="unit" label={labels.unit} hint={t('outreach.unitHint')} value={values.unit} onChange={(e) => set('unit', e.target.value)} errors={errorsFor('unit')} />
        <TextField
          name="facility_count"
          inputMode="numeric"
          label={labels.facility_count}
          value={values.facility_count}
          onChange={(e) => set('facility_count', e.target.value)}
          errors={errorsFor('facility_count')}
        />
      </div>
    </>
  );
}

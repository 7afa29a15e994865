import { AGENCY_TYPES } from '../../api/enums';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';

export interface AgencyForm {
  agency_type: string;
  name: string;
  phone: string;
  address: string;
  notes: string;
  active: boolean;
}

export const emptyAgency: AgencyForm = { agency_type: '', name: '', phone: '', address: '', notes: '', active: true };

export function useAgencyLabels() {
  const { t } = useI18n();
  return {
    agency_type: t('agency.type'),
    name: t('agency.name'),
    phone: t('agency.phone'),
    address: t('agency.address'),
    notes: t('agency.notes'),
    active: t('agency.active'),
  } satisfies Record<keyof AgencyForm, string>;
}

export function AgencyFields({
  values,
  set,
  errorsFor,
  mode,
}: {
  values: AgencyForm;
  set: <K extends keyof AgencyForm>(key: K, value: AgencyForm[K]) => void;
  errorsFor: (field: string) => string[];
  mode: 'create' | 'edit';
}) {
  const { t } = useI18n();
  const labels = useAgencyLabels();
  return (
    <>
      <SelectField
        name="agency_type"
        label={labels.agency_type}
        required
        placeholder={t('common.selectPlaceholder')}
        options={AGENCY_TYPES.map((a) => ({ value: a, label: t(`agencyType.${a}`) }))}
        value={values.agency_type}
        onChange={(e) => set('agency_type', e.target.value)}
        errors={errorsFor('agency_type')}
      />
      <TextField
        name="name"
        label={labels.name}
        hint={t('agency.name.hint')}
        required
        value={values.name}
        onChange={(e) => set('name', e.target.value)}
        errors={errorsFor('name')}
      />
      <TextField
        name="phone"
        label={labels.phone}
        type="tel"
        autoComplete="off"
        value={values.phone}
        onChange={(e) => set('phone', e.target.value)}
        errors={errorsFor('phone')}
      />
      <TextField
        name="address"
        label={labels.address}
        autoComplete="off"
        value={values.address}
        onChange={(e) => set('address', e.target.value)}
        errors={errorsFor('address')}
      />
      <TextAreaField
        name="notes"
        label={labels.notes}
        hint={t('agency.notes.hint')}
        value={values.notes}
        onChange={(e) => set('notes', e.target.value)}
        errors={errorsFor('notes')}
      />
      {mode === 'edit' && (
        <CheckboxField
          name="active"
          label={labels.active}
          checked={values.active}
          onChange={(e) => set('active', e.target.checked)}
          errors={errorsFor('active')}
        />
      )}
    </>
  );
}

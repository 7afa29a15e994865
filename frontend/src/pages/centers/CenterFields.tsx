import { OPERATING_TYPES } from '../../api/enums';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { PREFECTURES } from '../../lib/prefectures';

export interface CenterForm {
  code: string;
  name: string;
  prefecture_code: string;
  operating_type: string;
  active: boolean;
}

export const emptyCenter: CenterForm = { code: '', name: '', prefecture_code: '', operating_type: '', active: true };

export function useCenterLabels() {
  const { t } = useI18n();
  return {
    code: t('center.code'),
    name: t('center.name'),
    prefecture_code: t('center.prefecture'),
    operating_type: t('center.operatingType'),
    active: t('center.active'),
  } satisfies Record<keyof CenterForm, string>;
}

/** The center's fields. The code is fixed once created, so editing shows it read-only elsewhere. */
export function CenterFields({
  values,
  set,
  errorsFor,
  mode,
}: {
  values: CenterForm;
  set: <K extends keyof CenterForm>(key: K, value: CenterForm[K]) => void;
  errorsFor: (field: string) => string[];
  mode: 'create' | 'edit';
}) {
  const { t, lang } = useI18n();
  const labels = useCenterLabels();
  return (
    <>
      {mode === 'create' && (
        <TextField
          name="code"
          label={labels.code}
          hint={t('center.code.hint')}
          required
          autoCapitalize="none"
          spellCheck={false}
          maxLength={32}
          value={values.code}
          onChange={(e) => set('code', e.target.value)}
          errors={errorsFor('code')}
        />
      )}
      <TextField
        name="name"
        label={labels.name}
        required
        value={values.name}
        onChange={(e) => set('name', e.target.value)}
        errors={errorsFor('name')}
      />
      <SelectField
        name="prefecture_code"
        label={labels.prefecture_code}
        required
        placeholder={t('common.selectPlaceholder')}
        options={PREFECTURES.map((p) => ({ value: p.code, label: `${p.code} ${p[lang]}` }))}
        value={values.prefecture_code}
        onChange={(e) => set('prefecture_code', e.target.value)}
        errors={errorsFor('prefecture_code')}
      />
      <SelectField
        name="operating_type"
        label={labels.operating_type}
        required
        placeholder={t('common.selectPlaceholder')}
        options={OPERATING_TYPES.map((o) => ({ value: o, label: t(`operatingType.${o}`) }))}
        value={values.operating_type}
        onChange={(e) => set('operating_type', e.target.value)}
        errors={errorsFor('operating_type')}
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

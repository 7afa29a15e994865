// Correcting a recorded outreach activity (e.g. the number of leaflets) on the form it was recorded with.
import { useParams } from 'react-router';
import { getOutreach, updateOutreach, type OutreachActivity } from '../../api/activities';
import { useI18n } from '../../i18n/I18nProvider';
import { EditRecordPage } from './EditRecord';
import { OUTREACH_KEY } from './OutreachPage';
import { OUTREACH_NUMBERS, outreachDisplay, OutreachFields, outreachLabels, outreachPatch, outreachToForm, type OutreachForm } from './outreachForm';

export function OutreachEditPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  return (
    <EditRecordPage<OutreachActivity, OutreachForm>
      key={id}
      title={i.t('outreach.editTitle')}
      resource={i.t('outreach.resource')}
      queryKey={[...OUTREACH_KEY, 'one', id]}
      invalidate={OUTREACH_KEY}
      load={() => getOutreach(id)}
      save={(changes, etag) => updateOutreach(id, outreachPatch(changes), etag)}
      toForm={outreachToForm}
      labels={outreachLabels(i.t)}
      display={(f) => outreachDisplay(i, f)}
      back="/activities/outreach"
      fields={(p) => <OutreachFields {...p} />}
      numbers={OUTREACH_NUMBERS}
    />
  );
}

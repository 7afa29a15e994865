// Correcting a recorded training (its hours, days…) on the form it was recorded with.
import { useParams } from 'react-router';
import { getTraining, updateTraining, type Training } from '../../api/activities';
import { useMe } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { EditRecordPage } from './EditRecord';
import { TRAINING_KEY } from './TrainingsPage';
import { TRAINING_NUMBERS, trainingDisplay, TrainingFields, trainingLabels, trainingPatch, trainingToForm, type TrainingForm } from './trainingForm';

export function TrainingEditPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const me = useMe();
  const staffName = useStaffName();
  return (
    <EditRecordPage<Training, TrainingForm>
      key={id}
      title={i.t('training.editTitle')}
      resource={i.t('training.resource')}
      queryKey={[...TRAINING_KEY, 'one', id]}
      invalidate={TRAINING_KEY}
      load={() => getTraining(id)}
      save={(changes, etag) => updateTraining(id, trainingPatch(changes, me.id), etag)}
      toForm={(x) => trainingToForm(x, me.id)}
      labels={trainingLabels(i.t)}
      display={(f) => trainingDisplay(i, f, staffName, me.display_name)}
      back="/activities/trainings"
      fields={(p) => <TrainingFields {...p} />}
      numbers={TRAINING_NUMBERS}
    />
  );
}

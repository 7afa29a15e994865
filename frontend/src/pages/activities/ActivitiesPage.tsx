// センター活動: the center's work beside case work, one link each.
import { Link } from 'react-router';
import { PageTitle } from '../../app/PageTitle';
import { useI18n } from '../../i18n/I18nProvider';

export function ActivitiesPage() {
  const { t } = useI18n();
  const links = [
    ['/activities/supporter-sessions', t('supporter.listTitle'), t('supporter.lead')],
    ['/activities/outreach', t('outreach.listTitle'), t('outreach.lead')],
    ['/activities/trainings', t('training.listTitle'), t('training.lead')],
    ['/activities/events', t('event.listTitle'), t('event.lead')],
  ] as const;
  return (
    <>
      <PageTitle>{t('activities.title')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('activities.lead')}</p>
      <ul className="flex flex-col gap-4">
        {links.map(([to, title, lead]) => (
          <li key={to} className="flex flex-col gap-1">
            <Link to={to} className="text-std-18B-160">
              {title}
            </Link>
            <span className="text-std-16N-170">{lead}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

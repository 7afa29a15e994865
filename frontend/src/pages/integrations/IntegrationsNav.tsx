import { NavLink } from 'react-router';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { useI18n } from '../../i18n/I18nProvider';

const PAGES = [
  { to: '/integrations/api-clients', key: 'integrations.apiClients' },
  { to: '/integrations/webhooks', key: 'integrations.webhooks' },
] as const;

/** The integration pages, one click apart. */
export function IntegrationsNav() {
  const { t } = useI18n();
  const can = capabilities(useAuth().role);
  // Webhooks announce a center's records: an administration has none to announce.
  const pages = PAGES.filter((p) => p.to !== '/integrations/webhooks' || can.manageIntegrations);
  return (
    <nav aria-label={t('integrations.nav')}>
      <ul className="flex flex-wrap gap-x-6 gap-y-2 border-b border-solid-gray-420 pb-2 text-std-16N-170">
        {pages.map((p) => (
          <li key={p.to}>
            <NavLink
              to={p.to}
              className={({ isActive }) => (isActive ? 'font-bold underline decoration-2 underline-offset-4' : '')}
            >
              {t(p.key)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

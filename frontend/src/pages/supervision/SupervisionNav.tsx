import { NavLink } from 'react-router';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { useI18n } from '../../i18n/I18nProvider';

const PAGES = [
  { to: '/supervision', key: 'supervision.queue' },
  { to: '/supervision/summary', key: 'supervision.summary' },
  { to: '/supervision/audit', key: 'supervision.audit' },
  { to: '/supervision/exports', key: 'supervision.exports' },
] as const;

/** The supervision pages, one click apart. */
export function SupervisionNav() {
  const { t } = useI18n();
  const { role } = useAuth();
  // An administrator reads only the audit trail: no tabs to screens they cannot open.
  if (!capabilities(role).supervise) return null;
  return (
    <nav aria-label={t('supervision.nav')}>
      <ul className="flex flex-wrap gap-x-6 gap-y-2 border-b border-solid-gray-420 pb-2 text-std-16N-170">
        {PAGES.map((p) => (
          <li key={p.to}>
            <NavLink
              to={p.to}
              end
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

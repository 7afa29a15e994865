import { useEffect, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { capabilities, navItems } from '../auth/permissions';
import { Button, ButtonLink } from '../components/Button';
import { TWO_FACTOR_PATH } from './guards';
import { Notice } from '../components/Notice';
import { useOwnPrograms } from './useOwnCenter';
import { useI18n } from '../i18n/I18nProvider';
import { NotificationBadge } from '../pages/Notifications';
import { LanguageSwitch } from './LanguageSwitch';
import { SkipLink } from './SkipLink';
import { useRouteFocus } from './useRouteFocus';

function Brand() {
  const { t } = useI18n();
  return (
    <Link to="/" className="flex flex-col no-underline text-solid-gray-900 hover:text-solid-gray-900">
      <span className="text-std-24B-150">{t('app.name')}</span>
      <span className="text-dns-16N-130 text-solid-gray-700">{t('app.tagline')}</span>
    </Link>
  );
}

function Main({ children }: { children: ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="mx-auto flex w-full max-w-6xl flex-1 flex-col gap-6 px-4 py-8 outline-none">
      {children}
    </main>
  );
}

function Footer() {
  const { t } = useI18n();
  return (
    <footer data-print="hide" className="border-t border-solid-gray-420 bg-solid-gray-50">
      <p className="mx-auto max-w-6xl px-4 py-4 text-dns-16N-130 text-solid-gray-700">{t('app.title')}</p>
    </footer>
  );
}

/** The sign-in screen's frame: no menu, no account. */
export function PublicLayout({ children }: { children: ReactNode }) {
  useRouteFocus();
  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      <header className="border-b border-solid-gray-420">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-3">
          <Brand />
          <LanguageSwitch />
        </div>
      </header>
      <Main>{children}</Main>
      <Footer />
    </div>
  );
}

function IdleWarning() {
  const { idleWarning, stayActive } = useAuth();
  const { t } = useI18n();
  if (idleWarning === null) return null;
  return (
    <div data-print="hide" className="mx-auto w-full max-w-6xl px-4 pt-4">
      <Notice tone="warning" live="assertive" title={t('auth.idleWarning', { seconds: idleWarning })}>
        <Button size="sm" className="mt-2" onClick={stayActive}>
          {t('auth.stay')}
        </Button>
      </Notice>
    </div>
  );
}

/** The signed-in frame: header with the user and language, the menu for the role, main. */
export function AppShell() {
  const { me, role, signOut } = useAuth();
  const { t } = useI18n();
  useRouteFocus();
  const roleLabel = role ? t(`role.${role}`) : (me?.role ?? '');
  // Until a user whose center requires two factors has enrolled, nothing else works: no menu.
  const mustEnrol = me?.totp_required === true;
  const worksCases = capabilities(role).workCases && !mustEnrol;
  // A ピア・サポーター records consultations too (of their patients, or anonymous ones).
  const reachesPatients = capabilities(role).reachPatients && !mustEnrol;
  // Staff may read their own center: its programs decide whether 小慢 screens are offered.
  const programs = useOwnPrograms(me?.center_id, worksCases);

  // On a phone the menu and the account fold behind one button; opening a page folds them again.
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  const [menuPath, setMenuPath] = useState(pathname);
  if (pathname !== menuPath) {
    setMenuPath(pathname);
    setMenuOpen(false);
  }
  const folded = menuOpen ? '' : 'max-md:hidden';
  const menuItems = mustEnrol ? [] : navItems(role, programs);

  // Case workers will open the case screens: fetch their code while they read home.
  useEffect(() => {
    if (reachesPatients) void import('../pages/cases/routes');
  }, [reachesPatients]);

  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      <header data-print="hide" className="border-b border-solid-gray-420">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2 md:py-3">
          <Brand />
          <Button
            variant="outline"
            size="sm"
            className="md:hidden"
            aria-expanded={menuOpen}
            aria-controls="app-menu app-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? t('app.menuClose') : t('app.menu')}
          </Button>
          <div id="app-menu" className={`flex w-full flex-wrap items-center gap-4 md:w-auto ${folded}`}>
            {worksCases && <NotificationBadge />}
            {reachesPatients && (
              <ButtonLink to="/consultations/new" size="sm" data-testid="record-consultation">
                {t('action.recordConsultation')}
              </ButtonLink>
            )}
            <LanguageSwitch />
            <section aria-label={t('landmark.account')} className="flex flex-wrap items-center gap-3">
              <p className="text-dns-16N-130" data-testid="current-user">
                {t('auth.signedInAs', { name: me?.display_name ?? '', role: roleLabel })}
              </p>
              {!mustEnrol && (
                <Link to={TWO_FACTOR_PATH} className="text-dns-16N-130">
                  {t('twoFactor.menu')}
                </Link>
              )}
              <Button variant="outline" size="sm" onClick={() => void signOut()}>
                {t('auth.signOut')}
              </Button>
            </section>
          </div>
        </div>
        <nav id="app-nav" aria-label={t('landmark.primaryNav')} className={`bg-blue-1000 ${folded}`} hidden={mustEnrol}>
          <ul className="mx-auto flex max-w-6xl flex-wrap gap-1 px-4">
            {menuItems.map((item) => {
              // An item whose address holds another item's (the queue and its calendar) is not current there.
              const shadowed = menuItems.some(
                (other) =>
                  other.to !== item.to &&
                  other.to.startsWith(`${item.to}/`) &&
                  (pathname === other.to || pathname.startsWith(`${other.to}/`)),
              );
              return (
                <li key={item.key}>
                  <NavLink
                    to={item.to}
                    end={item.to === '/'}
                    // Folds the phone's menu even when the page chosen is the one open already.
                    onClick={() => setMenuOpen(false)}
                    aria-current={shadowed ? false : 'page'}
                    className={({ isActive }) =>
                      'inline-block px-4 py-3 text-oln-16B-100 text-white no-underline hover:text-white hover:underline focus-visible:outline-white ' +
                      (isActive && !shadowed ? 'underline decoration-4 underline-offset-8' : '')
                    }
                  >
                    {t(`nav.${item.key}`)}
                  </NavLink>
                </li>
              );
            })}
          </ul>
        </nav>
      </header>
      <IdleWarning />
      <Main>
        <Outlet />
      </Main>
      <Footer />
    </div>
  );
}

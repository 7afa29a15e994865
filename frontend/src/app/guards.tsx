import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { capabilities, type Capabilities } from '../auth/permissions';
import { Loading } from '../components/QueryState';
import { useI18n } from '../i18n/I18nProvider';
import { PageTitle } from './PageTitle';

/** The two-factor page: enrolment, and where a user whose center requires it is kept until done. */
export const TWO_FACTOR_PATH = '/two-factor';

/**
 * パスワードの変更: anyone's own, and where a user whose password an administrator set is
 * kept until they have changed it.
 */
export const PASSWORD_PATH = '/password';

/**
 * Sends signed-out visitors to sign-in, remembering where they were going; a user whose
 * password an administrator set to the password change first, and a user who must enrol
 * in two-factor sign-in to enrolment (every other call would be refused until then).
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, ended, restoring } = useAuth();
  const location = useLocation();
  if (!me && restoring) return <Loading />;
  if (!me) {
    // After a deliberate sign-out the next person starts at home; after an expiry or idle
    // sign-out the same person usually comes back to where they were.
    const state = ended === 'signed_out' ? null : { from: location.pathname + location.search };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  // The password first: the server refuses enrolment too until it is changed.
  if (me.must_change_password) {
    return location.pathname === PASSWORD_PATH ? children : <Navigate to={PASSWORD_PATH} replace />;
  }
  if (me.totp_required && location.pathname !== TWO_FACTOR_PATH && location.pathname !== PASSWORD_PATH) {
    return <Navigate to={TWO_FACTOR_PATH} replace />;
  }
  return children;
}

/** Shows a clear refusal instead of a screen the role cannot use. */
export function RequireCapability({ cap, children }: { cap: keyof Capabilities; children: ReactNode }) {
  const { role } = useAuth();
  const { t } = useI18n();
  if (!capabilities(role)[cap]) {
    return (
      <>
        <PageTitle>{t('forbidden.title')}</PageTitle>
        <p className="text-std-16N-170">{t('problem.forbidden')}</p>
      </>
    );
  }
  return children;
}

import { useLocation } from 'react-router';
import { useI18n } from '../i18n/I18nProvider';
import { Notice } from './Notice';

export type FlashKind = 'created' | 'saved' | 'deleted' | 'passwordChanged' | 'merged' | 'linked' | 'mergedAway';

/** Navigation state that carries a one-line confirmation to the next page. */
export function flash(kind: FlashKind): { state: { flash: FlashKind } } {
  return { state: { flash: kind } };
}

/** Shows the confirmation a form left when it navigated here. */
export function FlashNotice() {
  const location = useLocation();
  const { t } = useI18n();
  const state = location.state as { flash?: FlashKind } | null;
  if (!state?.flash) return null;
  const title = {
    created: t('common.created'),
    saved: t('common.saved'),
    deleted: t('common.deleted'),
    passwordChanged: t('password.changed'),
    merged: t('merge.done'),
    linked: t('link.done'),
    mergedAway: t('merge.mergedAway'),
  }[state.flash];
  return <Notice tone={state.flash === 'mergedAway' ? 'info' : 'success'} live="polite" title={title} />;
}

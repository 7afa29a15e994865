import { useEffect } from 'react';
import { useI18n } from '../i18n/I18nProvider';

/**
 * The page's h1, which also names the browser tab. It can take focus (tabIndex -1) so that
 * after an in-app navigation, screen-reader and keyboard users start at the new page.
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${children}｜${t('app.name')}`;
  }, [children, t]);
  return (
    <h1 tabIndex={-1} className="text-std-28B-150 md:text-std-32B-150">
      {children}
    </h1>
  );
}

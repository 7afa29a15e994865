import { useI18n } from '../i18n/I18nProvider';

export function SkipLink() {
  const { t } = useI18n();
  return (
    <a
      href="#main"
      onClick={(e) => {
        const main = document.getElementById('main');
        if (main) {
          e.preventDefault();
          main.focus();
        }
      }}
      className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-6 focus:bg-white focus:px-4 focus:py-2"
    >
      {t('skip.toMain')}
    </a>
  );
}

import { useI18n } from '../i18n/I18nProvider';
import { LANGS } from '../i18n/translate';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div role="group" aria-label={t('lang.label')} className="flex gap-1">
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={lang === l}
          onClick={() => setLang(l)}
          className={
            'min-h-9 rounded-6 px-2 text-oln-16N-100 underline-offset-[3px] hover:underline ' +
            (lang === l ? 'bg-blue-900 text-white' : 'border border-solid-gray-420 bg-white text-solid-gray-800')
          }
        >
          {t(l === 'ja' ? 'lang.ja' : 'lang.en')}
        </button>
      ))}
    </div>
  );
}

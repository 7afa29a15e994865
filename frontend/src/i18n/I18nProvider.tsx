import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { formatDate, formatDateTime } from '../lib/datetime';
import { fiscalYearLabelEn, fiscalYearLabelJa } from '../lib/wareki';
import { DEFAULT_LANG, isLang, translate, type Lang, type MessageKey, type Params } from './translate';

export interface I18n {
  readonly lang: Lang;
  readonly setLang: (lang: Lang) => void;
  readonly t: (key: MessageKey, params?: Params) => string;
  /** An RFC 3339 instant, shown in Asia/Tokyo. */
  readonly dateTime: (instant: string) => string;
  /** A YYYY-MM-DD date (with the era in Japanese unless `era: false`). */
  readonly date: (date: string, options?: { era?: boolean }) => string;
  /** 2025 → 令和7年度（2025年度） / FY2025 (Reiwa 7). */
  readonly fiscalYear: (year: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

const STORAGE_KEY = 'tsunagu.lang';

// Only the language preference is ever stored in the browser; tokens and data stay in memory.
function storedLang(): Lang {
  try {
    // eslint-disable-next-line no-restricted-globals
    const v = localStorage.getItem(STORAGE_KEY);
    return isLang(v) ? v : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

function storeLang(lang: Lang): void {
  try {
    // eslint-disable-next-line no-restricted-globals
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    storeLang(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      dateTime: (instant) => formatDateTime(instant, lang),
      date: (d, options) => formatDate(d, lang, options),
      // 令和7年度（2025年度）: the era year as officials write it, and the year everyone else counts in.
      fiscalYear: (y) => (lang === 'ja' ? `${fiscalYearLabelJa(y)}（${y}年度）` : fiscalYearLabelEn(y)),
    }),
    [lang, setLang],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

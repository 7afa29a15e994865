import { describe, expect, it } from 'vitest';
import type { I18n } from '../../i18n/I18nProvider';
import { translate, type Lang } from '../../i18n/translate';
import { formatDate, formatDateTime } from '../../lib/datetime';
import { activityLabel, needKindLabel, needStatusLabel, participantRoleLabel, projectKindLabel, projectPeriod } from './shomanLabels';
import { NEED_KINDS, NEED_STATUSES, PARTICIPANT_ROLES, PROJECT_KINDS, SESSION_ACTIVITIES } from './shomanModel';

function i18n(lang: Lang): I18n {
  return {
    lang,
    setLang: () => undefined,
    t: (key, params) => translate(lang, key, params),
    dateTime: (x) => formatDateTime(x, lang),
    date: (d, options) => formatDate(d, lang, options),
    fiscalYear: (y) => String(y),
  };
}

const maps: [readonly string[], (i: I18n, v: string) => string][] = [
  [PROJECT_KINDS, projectKindLabel],
  [SESSION_ACTIVITIES, activityLabel],
  [PARTICIPANT_ROLES, participantRoleLabel],
  [NEED_KINDS, needKindLabel],
  [NEED_STATUSES, needStatusLabel],
];

describe('the 小慢 label maps', () => {
  it('name every value differently, in both languages', () => {
    for (const lang of ['ja', 'en'] as const) {
      for (const [values, label] of maps) {
        const words = values.map((v) => label(i18n(lang), v));
        expect(new Set(words).size, words.join(', ')).toBe(values.length);
        for (const [n, w] of words.entries()) expect(w).not.toBe(values[n]);
      }
    }
  });
  it('use the paper\'s words for the project kinds', () => {
    expect(PROJECT_KINDS.map((k) => projectKindLabel(i18n('ja'), k))).toEqual([
      '療養生活支援',
      '相互交流支援',
      '就職支援',
      '介護者支援',
      'その他',
    ]);
  });
  it('show a value this version does not know as the API sent it', () => {
    expect(projectKindLabel(i18n('ja'), 'mentoring')).toBe('mentoring');
    expect(needStatusLabel(i18n('en'), 'archived')).toBe('archived');
  });
  it('write a running project as open-ended', () => {
    expect(projectPeriod(i18n('ja'), '2026-04-01', null)).toBe('2026年4月1日〜');
    expect(projectPeriod(i18n('ja'), '2026-04-01', '2027-03-31')).toBe('2026年4月1日〜2027年3月31日');
  });
});

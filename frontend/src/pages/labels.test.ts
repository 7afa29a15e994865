import { describe, expect, it } from 'vitest';
import * as enums from '../api/enums';
import type { I18n } from '../i18n/I18nProvider';
import { translate, type Lang } from '../i18n/translate';
import { formatDate, formatDateTime } from '../lib/datetime';
import {
  birthWithAge,
  channelLabel,
  consentScopeLabel,
  contactedLabel,
  employmentStatusLabel,
  followUpMethodLabel,
  joinLabels,
  labelled,
  levelLabel,
  outcomeLabel,
  patientKana,
  patientName,
  programLabel,
  purposeLabel,
  referralStatusLabel,
  requesterLabel,
  sexLabel,
  sharedItemLabel,
  supportAwarenessLabel,
  topicLabel,
  withNote,
} from './labels';

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

const cases: [readonly string[], (i: I18n, v: string) => string][] = [
  [enums.PROGRAMS, programLabel],
  [enums.SEXES, sexLabel],
  [enums.EMPLOYMENT_STATUSES, employmentStatusLabel],
  [enums.SUPPORT_AWARENESS, supportAwarenessLabel],
  [enums.CONSENT_SCOPES, consentScopeLabel],
  [enums.CHANNELS, channelLabel],
  [enums.REQUESTERS, requesterLabel],
  [enums.TOPICS, topicLabel],
  [enums.PURPOSES, purposeLabel],
  [enums.LEVELS, levelLabel],
  [enums.SHARED_ITEMS, sharedItemLabel],
  [enums.FOLLOW_UP_METHODS, followUpMethodLabel],
  [enums.CONTACTED, contactedLabel],
  [enums.CASE_OUTCOMES, outcomeLabel],
  [enums.REFERRAL_STATUSES, referralStatusLabel],
];

describe('enum labels', () => {
  it('label every value in both languages, never showing the raw code', () => {
    for (const lang of ['ja', 'en'] as const) {
      const i = i18n(lang);
      for (const [values, label] of cases) {
        for (const v of values) expect(label(i, v), `${lang} ${v}`).not.toBe(v);
      }
    }
  });

  it('show a value this version does not know as it is', () => {
    expect(channelLabel(i18n('ja'), 'carrier_pigeon')).toBe('carrier_pigeon');
    expect(sexLabel(i18n('ja'), null)).toBe('回答なし');
  });

  it('speak the domain’s Japanese', () => {
    const ja = i18n('ja');
    expect(channelLabel(ja, 'outreach')).toBe('出張相談');
    expect(purposeLabel(ja, 'job_retention')).toBe('就労継続');
    expect(outcomeLabel(ja, 'left_job')).toBe('離職');
    expect(joinLabels(ja, ['illness', 'employment'], topicLabel)).toBe('病気・療養、就労');
    expect(joinLabels(i18n('en'), ['illness', 'employment'], topicLabel)).toBe('Illness and care, Work');
  });
});

describe('names, notes and ages', () => {
  const p = { family_name: '山田', given_name: '花子', family_name_kana: 'ヤマダ', given_name_kana: 'ハナコ' };

  it('writes the family name first', () => {
    expect(patientName(p)).toBe('山田 花子');
    expect(patientKana(p)).toBe('ヤマダ ハナコ');
  });

  it('uses the parentheses and colons of each language', () => {
    expect(withNote(i18n('ja'), '山田 花子', '2026-0001')).toBe('山田 花子（2026-0001）');
    expect(withNote(i18n('en'), 'Yamada', '2026-0001')).toBe('Yamada (2026-0001)');
    expect(labelled(i18n('ja'), '撤回日', '2026年5月1日')).toBe('撤回日：2026年5月1日');
    expect(labelled(i18n('en'), 'Withdrawn on', '1 May 2026')).toBe('Withdrawn on: 1 May 2026');
  });

  it('gives the birth date with the age, and the era in Japanese when asked', () => {
    expect(birthWithAge(i18n('ja'), '1985-04-12', '2026-11-24')).toBe('1985年4月12日・41歳');
    expect(birthWithAge(i18n('ja'), '1985-04-12', '2026-11-24', { era: true })).toBe('1985年4月12日（昭和60年4月12日）・41歳');
    expect(birthWithAge(i18n('en'), '1985-04-12', '2026-04-11')).toBe('12 Apr 1985 (age 40)');
  });
});

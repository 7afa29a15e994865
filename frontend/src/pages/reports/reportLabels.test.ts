import { describe, expect, it } from 'vitest';
import { REPORT_NAMES } from '../../api/reports';
import type { I18n } from '../../i18n/I18nProvider';
import { translate, type Lang } from '../../i18n/translate';
import { formatDate, formatDateTime } from '../../lib/datetime';
import { REPORT_TITLES, answerLabel, bandLabel, countShare, describeLevels, seriesLabel } from './reportLabels';
import { BANDS, LEVEL_SERIES, levelFigure } from './reportModel';

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

const ja = i18n('ja');
const en = i18n('en');

describe("the figure's legend", () => {
  it("uses the survey's wording, numbered, with 全くできていない first", () => {
    expect(LEVEL_SERIES.map((s) => seriesLabel(ja, s))).toEqual([
      '全くできていない',
      '1 相談先として患者に案内のみ',
      '2 電話仲介の上、患者を誘導',
      '3 就労支援機関への相談に同席',
      '4 就労支援機関の相談に同席し、その後もフォローアップ',
    ]);
  });

  it('has every entry in English too, each different', () => {
    const labels = LEVEL_SERIES.map((s) => seriesLabel(en, s));
    expect(labels[0]).toBe('No referral at all');
    expect(labels[1]).toBe('1 Information only: the patient is told where to go');
    expect(new Set(labels).size).toBe(LEVEL_SERIES.length);
    expect(labels.every((l) => !/[\u3040-\u30ff\u4e00-\u9fff]/.test(l))).toBe(true);
  });

  it("names a center's answer, and shows one it does not know as it is", () => {
    expect(answerLabel(ja, 'none')).toBe('全くできていない');
    expect(answerLabel(ja, 'phone_mediation')).toBe('2 電話仲介の上、患者を誘導');
    expect(answerLabel(en, 'accompanied')).toBe("3 Accompanied the patient to the agency's consultation");
    expect(answerLabel(ja, 'level_five')).toBe('level_five');
    expect(answerLabel(ja, null)).toBe('—');
  });
});

describe('bands, counts and titles', () => {
  it("names the survey's bands in both languages", () => {
    expect(['none', ...BANDS].map((b) => bandLabel(ja, b))).toEqual(['0件', '1～9件', '10～49件', '50～99件', '100件以上']);
    expect(['none', ...BANDS].map((b) => bandLabel(en, b))).toEqual(['None', '1–9', '10–49', '50–99', '100 or more']);
    expect(bandLabel(en, '1000+')).toBe('1000+');
  });

  it('writes a count with its share', () => {
    expect(countShare(ja, 7, 0.7)).toBe('7（70.0%）');
    expect(countShare(en, 1234, null)).toBe('1,234 (—)');
  });

  it('titles every report in both languages', () => {
    for (const i of [ja, en]) {
      const titles = REPORT_NAMES.map((n) => i.t(REPORT_TITLES[n]));
      expect(new Set(titles).size).toBe(REPORT_NAMES.length);
    }
  });
});

describe("the chart's description", () => {
  const center = levelFigure({
    period: { from: '2025-04-01', to: '2026-03-31' },
    rows: [
      {
        agency_type: 'hello_work',
        counts: { information_only: 2, phone_mediation: 1, accompanied: 0, accompanied_with_follow_up: 0 },
        total: 3,
        answer: 'information_only',
      },
    ],
  });

  it("says each agency type's shares in words", () => {
    expect(describeLevels(ja, center)).toEqual(['ハローワーク（公共職業安定所）（合計 3）：1 66.7%、2 33.3%、3 0.0%、4 0.0%']);
    expect(describeLevels(en, center)).toEqual(['Hello Work (public employment security office) (Total 3): 1 66.7%, 2 33.3%, 3 0.0%, 4 0.0%']);
  });

  it('counts centers across centers, 全くできていない included', () => {
    const across = levelFigure({
      period: { from: '2025-04-01', to: '2026-03-31' },
      n: 2,
      rows: [
        {
          agency_type: 'other',
          answers: { none: 1, information_only: 1, phone_mediation: 0, accompanied: 0, accompanied_with_follow_up: 0 },
        },
      ],
    });
    expect(describeLevels(ja, across)).toEqual(['その他の就労等関係機関（施設数 2）：全くできていない 50.0%、1 50.0%、2 0.0%、3 0.0%、4 0.0%']);
  });
});

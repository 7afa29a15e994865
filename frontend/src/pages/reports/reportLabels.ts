// The words of the Reports screen built from the figures: the survey's legend, bands,
// answers, and the chart's summary in sentences. Pure: tested in both languages.
import { isLevel } from '../../api/enums';
import type { ReportName } from '../../api/reports';
import type { I18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import { agencyTypeLabel } from '../labels';
import { formatCount, formatPercent, seriesNumber, type LevelFigure, type LevelSeries } from './reportModel';

/** Each report's heading (also its entry in the page's contents). */
export const REPORT_TITLES: Readonly<Record<ReportName, MessageKey>> = {
  'referral-levels': 'report.levels.title',
  'cooperation-counts': 'report.coop.title',
  consultations: 'report.cons.title',
  'employment-outcomes': 'report.outcomes.title',
  'support-awareness': 'report.awareness.title',
};

const BAND_LABELS: Readonly<Record<string, MessageKey>> = {
  none: 'report.band.none',
  '1-9': 'report.band.1-9',
  '10-49': 'report.band.10-49',
  '50-99': 'report.band.50-99',
  '100+': 'report.band.100+',
};

/** 1～9件 / 1–9; a band this version does not know is shown as it is. */
export function bandLabel(i: I18n, band: string): string {
  const key = BAND_LABELS[band];
  return key ? i.t(key) : band;
}

/** The survey's legend: 全くできていない, or the level's number and wording ("1 相談先として患者に案内のみ"). */
export function seriesLabel(i: I18n, s: LevelSeries): string {
  return isLevel(s) ? `${seriesNumber(s)} ${i.t(`level.${s}`)}` : i.t('report.levelNone');
}

/** A center's survey answer (`none` or a level) as the legend names it. */
export function answerLabel(i: I18n, answer: string | null): string {
  if (answer === null) return i.t('common.none');
  if (answer === 'none') return i.t('report.levelNone');
  return isLevel(answer) ? seriesLabel(i, answer) : answer;
}

/** A count with its share: 7（70.0%） / 7 (70.0%). */
export function countShare(i: I18n, count: number, rate: number | null): string {
  return i.t('report.countShare', { count: formatCount(count, i.lang), share: formatPercent(rate, i.lang) });
}

/**
 * The figure in sentences, one per agency type, for screen readers (the chart's
 * description): "ハローワーク（合計 10）：1 70.0%、2 20.0%、3 10.0%、4 0.0%".
 */
export function describeLevels(i: I18n, figure: LevelFigure): string[] {
  const totalLabel = i.t(figure.scope === 'centers' ? 'report.centers' : 'report.total');
  return figure.rows.map((r) =>
    i.t('report.levels.summaryRow', {
      type: agencyTypeLabel(i, r.agencyType),
      total: `${totalLabel} ${formatCount(r.total, i.lang)}`,
      parts: figure.series
        .map((s, k) =>
          i.t('report.levels.summaryPart', {
            label: isLevel(s) ? seriesNumber(s) : i.t('report.levelNone'),
            share: formatPercent(r.shares[k] ?? null, i.lang),
          }),
        )
        .join(i.lang === 'ja' ? '、' : ', '),
    }),
  );
}

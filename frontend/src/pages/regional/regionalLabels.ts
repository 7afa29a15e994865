// Labels for the regional enums; a value this version does not know is shown as it is.
import { ADMINISTRATION_KINDS, FIGURE_KINDS, ISSUE_CATEGORIES, ISSUE_STAGES, MEASURE_STATUSES } from '../../api/enums';
import type { I18n } from '../../i18n/I18nProvider';
import { stageNumber } from './regionalModel';

function known<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

/** ①課題の抽出 … ④対策の評価. */
export function stageLabel(i: I18n, stage: string): string {
  return known(ISSUE_STAGES, stage) ? `${stageNumber(stage)}${i.t(`issueStage.${stage}`)}` : stage;
}

export function categoryLabel(i: I18n, category: string): string {
  return known(ISSUE_CATEGORIES, category) ? i.t(`issueCategory.${category}`) : category;
}

export function measureStatusLabel(i: I18n, status: string): string {
  return known(MEASURE_STATUSES, status) ? i.t(`measureStatus.${status}`) : status;
}

export function figureKindLabel(i: I18n, kind: string): string {
  return known(FIGURE_KINDS, kind) ? i.t(`figureKind.${kind}`) : kind;
}

export function administrationKindLabel(i: I18n, kind: string): string {
  return known(ADMINISTRATION_KINDS, kind) ? i.t(`administrationKind.${kind}`) : kind;
}

const COUNCIL_KINDS = ['intractable', 'pediatric', 'joint'] as const;
const COUNCIL_SCOPES = ['prefecture', 'secondary_medical_area', 'health_center'] as const;

export function councilKindLabel(i: I18n, kind: string): string {
  return known(COUNCIL_KINDS, kind) ? i.t(`councilKind.${kind}`) : kind;
}

export function councilScopeLabel(i: I18n, scope: string): string {
  return known(COUNCIL_SCOPES, scope) ? i.t(`councilScope.${scope}`) : scope;
}

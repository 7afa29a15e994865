// The Japanese and English names of the council enumerations, as literal message keys.
import type { MessageKey } from '../../i18n/translate';

export const councilKindKey: Record<string, MessageKey> = {
  intractable: 'council.kind.intractable',
  pediatric: 'council.kind.pediatric',
  joint: 'council.kind.joint',
};

export const councilScopeKey: Record<string, MessageKey> = {
  prefecture: 'council.scope.prefecture',
  secondary_medical_area: 'council.scope.secondary_medical_area',
  health_center: 'council.scope.health_center',
};

export const memberCategoryKey: Record<string, MessageKey> = {
  medical: 'council.member.category.medical',
  welfare: 'council.member.category.welfare',
  public_health: 'council.member.category.public_health',
  consultation: 'council.member.category.consultation',
  community: 'council.member.category.community',
  employment: 'council.member.category.employment',
  education: 'council.member.category.education',
  patients_families: 'council.member.category.patients_families',
  other: 'council.member.category.other',
};

export const councilRoleKey: Record<string, MessageKey> = {
  chair: 'council.member.role.chair',
  vice_chair: 'council.member.role.vice_chair',
  member: 'council.member.role.member',
  secretariat: 'council.member.role.secretariat',
};

export const meetingKindKey: Record<string, MessageKey> = {
  plenary: 'meeting.kind.plenary',
  subcommittee: 'meeting.kind.subcommittee',
  secretariat: 'meeting.kind.secretariat',
};

export const meetingStatusKey: Record<string, MessageKey> = {
  planned: 'meeting.status.planned',
  held: 'meeting.status.held',
  cancelled: 'meeting.status.cancelled',
};

export const issueStageKey: Record<string, MessageKey> = {
  extraction: 'council.issue.stage.extraction',
  planning: 'council.issue.stage.planning',
  implementation: 'council.issue.stage.implementation',
  evaluation: 'council.issue.stage.evaluation',
};

/** A label from one of the maps above, or the raw value when this version does not know it. */
export function labelOf(t: (key: MessageKey) => string, map: Record<string, MessageKey>, value: string): string {
  const key = map[value];
  return key ? t(key) : value;
}

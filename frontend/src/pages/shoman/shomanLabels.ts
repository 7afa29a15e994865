// Words for the 小慢 enums on screen (the API's value when one is new to this version).
import type { I18n } from '../../i18n/I18nProvider';
import { isOneOf, NEED_KINDS, NEED_STATUSES, PARTICIPANT_ROLES, PROJECT_KINDS, SESSION_ACTIVITIES } from './shomanModel';

export function projectKindLabel(i: I18n, v: string): string {
  return isOneOf(PROJECT_KINDS, v) ? i.t(`projectKind.${v}`) : v;
}
export function activityLabel(i: I18n, v: string): string {
  return isOneOf(SESSION_ACTIVITIES, v) ? i.t(`sessionActivity.${v}`) : v;
}
export function participantRoleLabel(i: I18n, v: string): string {
  return isOneOf(PARTICIPANT_ROLES, v) ? i.t(`participantRole.${v}`) : v;
}
export function needKindLabel(i: I18n, v: string): string {
  return isOneOf(NEED_KINDS, v) ? i.t(`needKind.${v}`) : v;
}
export function needStatusLabel(i: I18n, v: string): string {
  return isOneOf(NEED_STATUSES, v) ? i.t(`needStatus.${v}`) : v;
}

/** "2026年4月1日〜" while running, "〜2027年3月31日" once ended. */
export function projectPeriod(i: I18n, from: string, to: string | null | undefined): string {
  return i.t('project.periodValue', {
    from: i.date(from, { era: false }),
    to: to ? i.date(to, { era: false }) : '',
  });
}

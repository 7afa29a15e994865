import {
  isAgencyType,
  isCaseOutcome,
  isChannel,
  isConsentScope,
  isContacted,
  isEmploymentStatus,
  isFollowUpMethod,
  isLevel,
  isOperatingType,
  isProgram,
  isPurpose,
  isReferralStatus,
  isRequester,
  isRole,
  isSex,
  isSharedItem,
  isSupportAwareness,
  isTopic,
} from '../api/enums';
import type { I18n } from '../i18n/I18nProvider';
import { ageOn } from '../lib/datetime';
import { prefectureName } from '../lib/prefectures';

// Labels for API enum values; a value this version does not know is shown as it is.

export function roleLabel(i: I18n, role: string): string {
  return isRole(role) ? i.t(`role.${role}`) : role;
}

export function operatingTypeLabel(i: I18n, value: string): string {
  return isOperatingType(value) ? i.t(`operatingType.${value}`) : value;
}

export function agencyTypeLabel(i: I18n, value: string): string {
  return isAgencyType(value) ? i.t(`agencyType.${value}`) : value;
}

export function prefectureLabel(i: I18n, code: string): string {
  return prefectureName(code, i.lang);
}

export function programLabel(i: I18n, v: string): string {
  return isProgram(v) ? i.t(`program.${v}`) : v;
}

export function sexLabel(i: I18n, v: string | null | undefined): string {
  if (v == null) return i.t('patient.sex.unanswered');
  return isSex(v) ? i.t(`sex.${v}`) : v;
}

export function employmentStatusLabel(i: I18n, v: string): string {
  return isEmploymentStatus(v) ? i.t(`employmentStatus.${v}`) : v;
}

export function supportAwarenessLabel(i: I18n, v: string): string {
  return isSupportAwareness(v) ? i.t(`supportAwareness.${v}`) : v;
}

export function consentScopeLabel(i: I18n, v: string): string {
  return isConsentScope(v) ? i.t(`consentScope.${v}`) : v;
}

export function channelLabel(i: I18n, v: string): string {
  return isChannel(v) ? i.t(`channel.${v}`) : v;
}

export function requesterLabel(i: I18n, v: string): string {
  return isRequester(v) ? i.t(`requester.${v}`) : v;
}

export function topicLabel(i: I18n, v: string): string {
  return isTopic(v) ? i.t(`topic.${v}`) : v;
}

export function purposeLabel(i: I18n, v: string): string {
  return isPurpose(v) ? i.t(`purpose.${v}`) : v;
}

export function levelLabel(i: I18n, v: string): string {
  return isLevel(v) ? i.t(`level.${v}`) : v;
}

export function sharedItemLabel(i: I18n, v: string): string {
  return isSharedItem(v) ? i.t(`sharedItem.${v}`) : v;
}

export function followUpMethodLabel(i: I18n, v: string): string {
  return isFollowUpMethod(v) ? i.t(`followUpMethod.${v}`) : v;
}

export function contactedLabel(i: I18n, v: string): string {
  return isContacted(v) ? i.t(`contacted.${v}`) : v;
}

export function outcomeLabel(i: I18n, v: string): string {
  return isCaseOutcome(v) ? i.t(`outcome.${v}`) : v;
}

export function referralStatusLabel(i: I18n, v: string): string {
  return isReferralStatus(v) ? i.t(`referralStatus.${v}`) : v;
}

/** A list of enum values as one line: 就労、日常生活 / Work, Daily life. */
export function joinLabels(i: I18n, values: readonly string[], label: (i: I18n, v: string) => string): string {
  return values.map((v) => label(i, v)).join(i.lang === 'ja' ? '、' : ', ');
}

/** 氏名, family name first, as the API's patient_name. */
export function patientName(p: { family_name: string; given_name: string }): string {
  return `${p.family_name} ${p.given_name}`;
}

export function patientKana(p: { family_name_kana: string; given_name_kana: string }): string {
  return `${p.family_name_kana} ${p.given_name_kana}`;
}

/** A date of birth with the age today: 1985年4月12日（41歳） / 12 Apr 1985 (age 41). */
export function birthWithAge(i: I18n, birthDate: string, today: string, { era = false }: { era?: boolean } = {}): string {
  const age = i.t('patient.age', { age: ageOn(birthDate, today) });
  const date = i.date(birthDate, { era });
  return i.lang === 'ja' ? `${date}・${age}` : `${date} (${age})`;
}

/** A note after a text in parentheses, full-width in Japanese: 名前（補足） / name (note). */
export function withNote(i: I18n, main: string, note: string): string {
  return i.lang === 'ja' ? `${main}（${note}）` : `${main} (${note})`;
}

/** A label before a value: 撤回日：… / Withdrawn on: … */
export function labelled(i: I18n, label: string, value: string): string {
  return i.lang === 'ja' ? `${label}：${value}` : `${label}: ${value}`;
}

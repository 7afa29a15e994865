import { isAgencyType, isOperatingType, isRole } from '../api/enums';
import type { I18n } from '../i18n/I18nProvider';
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

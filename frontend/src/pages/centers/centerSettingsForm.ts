// The center settings form (days to the first follow-up, roles that sign in with two
// factors, the age from which a minor's own assent is recorded) and its mapping to the API.
import type { Center, UpdateCenter } from '../../api/client';
import { readNumber } from '../../components/forms';

/**
 * The center roles a center can require two-factor sign-in for, in the order shown. A
 * ピア・サポーター reads their patients' records too, so a center may require it of them.
 */
export const TOTP_ROLES = ['center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter'] as const;
export type TotpRole = (typeof TOTP_ROLES)[number];

export interface SettingsForm {
  follow_up_days: string;
  /**
   * The ticked roles as one canonical string ("center_admin,supervisor", in TOTP_ROLES
   * order), so that "changed" and "reapply my changes" compare values, not arrays.
   */
  totp_roles: string;
  /** From this age a minor's consent needs the child's own assent too ('0': never). */
  child_assent_age: string;
}

/** Roles as the form keeps them: known center roles only, in TOTP_ROLES order, comma-joined. */
export function rolesField(roles: readonly string[]): string {
  return TOTP_ROLES.filter((r) => roles.includes(r)).join(',');
}

/** The form's roles back as a list. */
export function rolesOf(field: string): TotpRole[] {
  const parts = field.split(',');
  return TOTP_ROLES.filter((r) => parts.includes(r));
}

export function toSettingsForm(c: Center): SettingsForm {
  return {
    follow_up_days: String(c.follow_up_days),
    totp_roles: rolesField(c.totp_roles),
    child_assent_age: String(c.child_assent_age),
  };
}

/** The number fields, refused by the form when what is typed is not a number (checkNumbers). */
export const SETTINGS_NUMBERS = ['follow_up_days', 'child_assent_age'] as const;

/** The PATCH body for the changed fields only. */
export function settingsPatch(changes: Partial<SettingsForm>): UpdateCenter {
  const body: UpdateCenter = {};
  if (changes.follow_up_days !== undefined) body.follow_up_days = readNumber(changes.follow_up_days) ?? Number.NaN;
  if (changes.totp_roles !== undefined) body.totp_roles = rolesOf(changes.totp_roles);
  // Empty is sent as not-a-number (null on the wire) for the server to name the field.
  if (changes.child_assent_age !== undefined) {
    body.child_assent_age = readNumber(changes.child_assent_age);
  }
  return body;
}

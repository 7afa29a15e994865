// The enum values of the public API contract. The spec types them as enums too (the
// generated `components['schemas']`); these lists give the screens their order and guards.

export const ROLES = ['system_admin', 'center_admin', 'supervisor', 'consultant'] as const;
export type Role = (typeof ROLES)[number];

export const OPERATING_TYPES = ['medical_institution', 'municipality', 'patient_organization', 'other'] as const;
export type OperatingType = (typeof OPERATING_TYPES)[number];

export const AGENCY_TYPES = ['hello_work', 'employment_life_support_center', 'vocational_center', 'other'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

function guard<T extends string>(values: readonly T[]) {
  return (value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
}

export const isRole = guard(ROLES);
export const isOperatingType = guard(OPERATING_TYPES);
export const isAgencyType = guard(AGENCY_TYPES);

/** Roles a center administrator gives to its own staff (never system_admin). */
export const CENTER_ROLES: readonly Role[] = ['center_admin', 'supervisor', 'consultant'];

/**
 * A select's value on its way to the API. Selects start unchosen (`''`); rather than
 * duplicating the server's rules, the form sends what the user chose and the API's
 * validation problem names the field, which the form shows there. Only use it for values
 * that come from a select of the matching list (or its empty choice).
 */
export function fromSelect<T extends string>(value: string): T {
  return value as T;
}

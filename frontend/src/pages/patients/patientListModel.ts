// The patient list's question, kept in the address (so "back" from a patient returns to the
// same list, and a list can be shared): the search box, the filters and the order.
import { EMPLOYMENT_STATUSES, PROGRAMS } from '../../api/enums';
import type { PatientListQuery } from '../../api/resources';

export const PATIENT_SORTS = ['registered', 'registered_desc', 'kana'] as const;
export type PatientSort = (typeof PATIENT_SORTS)[number];

/** The filters the list offers, by their names in the address and the API. */
export const PATIENT_FILTERS = [
  'program',
  'disease_number',
  'employment_status',
  'consultant',
  'open_referral',
  'overdue',
  'sort',
] as const;
export type PatientFilterName = (typeof PATIENT_FILTERS)[number];

const isOneOf = <T extends string>(list: readonly T[], v: string | null): v is T =>
  v !== null && (list as readonly string[]).includes(v);

/**
 * The API's query from the address; what the address holds that the API would refuse (a
 * hand-edited link) is left out rather than turned into an error page.
 */
export function patientListQuery(params: URLSearchParams): PatientListQuery {
  const out: PatientListQuery = {};
  const q = params.get('q')?.trim();
  if (q) out.q = q;
  const program = params.get('program');
  if (isOneOf(PROGRAMS, program)) out.program = program;
  const disease = Number(params.get('disease_number'));
  if (Number.isInteger(disease) && disease >= 1 && disease <= 348) out.disease_number = disease;
  const employment = params.get('employment_status');
  if (isOneOf(EMPLOYMENT_STATUSES, employment)) out.employment_status = employment;
  const consultant = params.get('consultant');
  if (consultant && /^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(consultant)) {
    out.consultant = consultant;
  }
  if (params.get('open_referral') === 'true') out.open_referral = true;
  if (params.get('overdue') === 'true') out.overdue = true;
  const sort = params.get('sort');
  if (isOneOf(PATIENT_SORTS, sort) && sort !== 'registered') out.sort = sort;
  return out;
}

/** Whether anything narrows the list (the order alone does not). */
export function isNarrowed(query: PatientListQuery): boolean {
  return PATIENT_FILTERS.some((n) => n !== 'sort' && query[n] !== undefined) || Boolean(query.q);
}

/** The address with one filter changed (an empty value removes it). */
export function withFilter(params: URLSearchParams, name: PatientFilterName | 'q', value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value) next.set(name, value);
  else next.delete(name);
  return next;
}

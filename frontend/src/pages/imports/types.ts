// The import's wire types (issue 19), from the generated spec under the names the screens
// use; the enum lists (checked against the spec) live in src/api/enums.ts.
import type { components } from '../../api/schema';

export {
  DUPLICATE_ACTIONS,
  IMPORT_ENCODINGS,
  IMPORT_KINDS,
  IMPORT_STATES,
  type DuplicateAction,
  type ImportEncoding,
  type ImportKind,
  type ImportState,
  type ImportValueKind,
} from '../../api/enums';

type S = components['schemas'];

/**
 * Follow-ups (which this server does not import yet): what a past one without outcome
 * becomes. Not in the spec's mapping; sent only for a follow-ups import.
 */
export const PAST_FOLLOW_UPS = ['not_recorded', 'open'] as const;
export type PastFollowUps = (typeof PAST_FOLLOW_UPS)[number];

export type ImportCode = S['ImportCode'];
export type ImportField = S['ImportField'];
export type ImportMapping = S['ImportMappingDto'];
export type ImportProgress = S['ImportProgress'];
export type ImportCounts = S['ImportCountsDto'];
export type Import = S['ImportDto'];
export type ImportList = S['ListOf_ImportDto'];
export type ImportProblem = S['ImportProblem'];
export type ImportProblemList = S['ListOf_ImportProblem'];
export type DuplicateReason = S['DuplicateReason'];
export type ImportCandidate = S['ImportCandidate'];
export type ImportDuplicate = S['ImportDuplicate'];
export type ImportDuplicateList = S['ListOf_ImportDuplicate'];
export type ImportDecision = S['ImportDecision'];
export type UpdateImport = S['ReviseImport'];
export type CommitImport = S['CommitImport'];

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
 * Referrals and follow-ups: what a past follow-up with nothing recorded becomes (the
 * mapping's `past_follow_ups`; sent only for those kinds).
 */
export type PastFollowUps = NonNullable<S['ImportMappingDto']['past_follow_ups']>;

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

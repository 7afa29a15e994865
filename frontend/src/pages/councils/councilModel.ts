// Pure helpers of the council screens: ordering councils with their 部会, labels of the
// enumerations, the stage marks ①〜④, what a refused upload means, and whether a refusal
// asks for the confidentiality pledge.
import type { Council, CouncilMember, Meeting } from '../../api/councils';
import type { Problem } from '../../api/problem';
import type { MessageKey } from '../../i18n/translate';

export const COUNCIL_KINDS = ['intractable', 'pediatric', 'joint'] as const;
export const COUNCIL_SCOPES = ['prefecture', 'secondary_medical_area', 'health_center'] as const;
export const MEMBER_CATEGORIES = [
  'medical',
  'welfare',
  'public_health',
  'consultation',
  'community',
  'employment',
  'education',
  'patients_families',
  'other',
] as const;
export const COUNCIL_ROLES = ['chair', 'vice_chair', 'member', 'secretariat'] as const;
export const MEETING_KINDS = ['plenary', 'subcommittee', 'secretariat'] as const;
export const MEETING_STATUSES = ['planned', 'held', 'cancelled'] as const;
export const ISSUE_STAGES = ['extraction', 'planning', 'implementation', 'evaluation'] as const;

/** Where a council member is sent when the server asks for the pledge first. */
export const PLEDGE_PATH = '/pledge';

/** A council with its 部会, in the order the list shows them. */
export interface CouncilTree {
  readonly council: Council;
  readonly subs: readonly Council[];
}

/**
 * Councils with their 部会 nested under them, both by name. A 部会 whose parent is not in
 * the list (a council member who sits on the 部会 only) stands on its own.
 */
export function nestCouncils(councils: readonly Council[]): CouncilTree[] {
  const byName = (a: Council, b: Council) => a.name.localeCompare(b.name, 'ja');
  const ids = new Set(councils.map((c) => c.id));
  const tops = councils.filter((c) => !c.parent_id || !ids.has(c.parent_id)).sort(byName);
  return tops.map((council) => ({
    council,
    subs: councils.filter((c) => c.parent_id === council.id).sort(byName),
  }));
}

/** Members as a list shows them: 会長, 副会長, 委員, 事務局, then by name. */
export function sortMembers(members: readonly CouncilMember[]): CouncilMember[] {
  const rank = (m: CouncilMember) => COUNCIL_ROLES.indexOf(m.council_role);
  return [...members].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'ja'));
}

/** Meetings newest first. */
export function sortMeetings(meetings: readonly Meeting[]): Meeting[] {
  return [...meetings].sort((a, b) => b.held_on.localeCompare(a.held_on) || a.title.localeCompare(b.title, 'ja'));
}

/** The stage mark ①〜④ of a regional issue. */
export function stageMark(stage: string): string {
  const i = (ISSUE_STAGES as readonly string[]).indexOf(stage);
  return i < 0 ? '' : '①②③④'.charAt(i);
}

/** Whether a refusal says the council member has not pledged confidentiality yet. */
export function needsPledge(problem: Problem | null | undefined): boolean {
  return problem?.status === 403 && problem.code === 'pledge_required';
}

/** The message for a refused upload (413 too big, 415 a kind of file not accepted), else null. */
export function uploadProblemKey(problem: Problem | null | undefined): MessageKey | null {
  if (!problem) return null;
  if (problem.status === 413 || problem.code === 'too_large') return 'meeting.upload.tooLarge';
  if (problem.status === 415 || problem.code === 'unsupported_media_type') return 'meeting.upload.unsupported';
  return null;
}

/** A file's size for people: bytes, KB or MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

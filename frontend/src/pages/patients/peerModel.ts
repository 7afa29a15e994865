// ピア・サポーター on a patient's page, without React: who looks after the patient now,
// who may still be assigned, and the server's refusals said for this form.
import type { User } from '../../api/client';
import type { PeerAssignment } from '../../api/peerSupport';
import type { Problem } from '../../api/problem';

/** Current assignments first (newest first within each group, as the API lists them). */
export function currentFirst(items: readonly PeerAssignment[]): PeerAssignment[] {
  return [...items.filter((a) => a.ended_on == null), ...items.filter((a) => a.ended_on != null)];
}

/**
 * The peer supporters a supervisor may assign: active staff with the role, not looking
 * after the patient now, by name. The server checks again (422, 409); this keeps the list
 * to choices that can succeed.
 */
export function assignable(staff: readonly User[], items: readonly PeerAssignment[]): User[] {
  const current = new Set(items.filter((a) => a.ended_on == null).map((a) => a.user_id));
  return staff
    .filter((u) => u.active && u.role === 'peer_supporter' && !current.has(u.id))
    .sort((a, b) => a.display_name.localeCompare(b.display_name, 'ja'));
}

/**
 * The API says `unknown_user` for anyone who is not an active member of the center; the
 * shared message for that code names consultants, so on this form it becomes its own code
 * (`unknown_peer_supporter`) whose message speaks of peer supporters.
 */
export function forAssignForm(problem: Problem | null): Problem | null {
  if (!problem) return null;
  return {
    ...problem,
    errors: problem.errors.map((e) => (e.field === 'user_id' && e.code === 'unknown_user' ? { ...e, code: 'unknown_peer_supporter' } : e)),
  };
}

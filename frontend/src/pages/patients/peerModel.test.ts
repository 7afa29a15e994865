import { describe, expect, it } from 'vitest';
import type { User } from '../../api/client';
import type { PeerAssignment } from '../../api/peerSupport';
import { toProblem } from '../../api/problem';
import { assignable, currentFirst, forAssignForm } from './peerModel';

function user(id: string, display_name: string, role: User['role'], active = true): User {
  return { id, display_name, role, active, login: id, center_id: 'c', totp_enabled: false, must_change_password: false, created_at: '', updated_at: '' };
}

function assignment(id: string, user_id: string, ended_on: string | null = null): PeerAssignment {
  return { id, patient_id: 'p', user_id, started_on: '2026-04-01', ended_on, assigned_by: 's', ended_by: null, created_at: '' };
}

describe('peer supporters of a patient', () => {
  it('lists the current assignments before the ended ones, keeping the API order within each', () => {
    const items = [assignment('a3', 'u1', '2026-06-01'), assignment('a2', 'u2'), assignment('a1', 'u3', '2026-05-01'), assignment('a0', 'u4')];
    expect(currentFirst(items).map((a) => a.id)).toEqual(['a2', 'a0', 'a3', 'a1']);
  });

  it('offers only active peer supporters who do not look after the patient now, by name', () => {
    const staff = [
      user('u1', 'Sato', 'peer_supporter'),
      user('u2', 'Aoki', 'peer_supporter'),
      user('u3', 'Inoue', 'peer_supporter', false),
      user('u4', 'Ueda', 'consultant'),
      user('u5', 'Ito', 'peer_supporter'),
    ];
    // u1 is assigned now; u5's assignment ended, so they may be assigned again.
    const items = [assignment('a1', 'u1'), assignment('a0', 'u5', '2026-05-01')];
    expect(assignable(staff, items).map((u) => u.id)).toEqual(['u2', 'u5']);
    expect(assignable(staff, []).map((u) => u.id).sort()).toEqual(['u1', 'u2', 'u5']);
  });

  it("speaks of peer supporters, not consultants, when the server does not know the user", () => {
    const p = toProblem(422, { code: 'validation_failed', errors: [{ field: 'user_id', code: 'unknown_user', message: 'not an active user' }] });
    expect(forAssignForm(p)?.errors).toEqual([{ field: 'user_id', code: 'unknown_peer_supporter', message: 'not an active user' }]);
    const other = toProblem(422, { code: 'validation_failed', errors: [{ field: 'user_id', code: 'not_a_peer_supporter', message: 'x' }] });
    expect(forAssignForm(other)?.errors[0]?.code).toBe('not_a_peer_supporter');
    expect(forAssignForm(null)).toBeNull();
  });
});

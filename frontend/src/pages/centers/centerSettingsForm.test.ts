import { describe, expect, it } from 'vitest';
import type { Center } from '../../api/client';
import { changedFields, reapplyChanges } from '../../components/forms';
import { rolesField, rolesOf, settingsPatch, toSettingsForm } from './centerSettingsForm';

const center = { follow_up_days: 14, totp_roles: ["supervisor", "center_admin"], child_assent_age: 15 } as unknown as Center;

describe('center settings form', () => {
  it('keeps the roles as one canonical value, in the order shown', () => {
    expect(toSettingsForm(center)).toEqual({ follow_up_days: '14', totp_roles: 'center_admin,supervisor', child_assent_age: '15' });
    expect(rolesField(['consultant', 'supervisor', 'system_admin'])).toBe('supervisor,consultant');
    expect(rolesField([])).toBe('');
    expect(rolesOf('')).toEqual([]);
    expect(rolesOf('consultant,center_admin')).toEqual(['center_admin', 'consultant']);
    expect(rolesField(['peer_supporter', 'center_admin'])).toBe('center_admin,peer_supporter');
  });

  it('sees no change when the same roles come back in another order', () => {
    const again = toSettingsForm({ ...center, totp_roles: ['center_admin', 'supervisor'] });
    expect(changedFields(toSettingsForm(center), again)).toEqual({});
  });

  it('sends only what changed', () => {
    expect(settingsPatch({})).toEqual({});
    expect(settingsPatch({ follow_up_days: '10' })).toEqual({ follow_up_days: 10 });
    expect(settingsPatch({ follow_up_days: '１４' })).toEqual({ follow_up_days: 14 });
    expect(settingsPatch({ child_assent_age: '0' })).toEqual({ child_assent_age: 0 });
    expect(settingsPatch({ child_assent_age: ' ' })).toEqual({ child_assent_age: null });
    expect(settingsPatch({ totp_roles: '' })).toEqual({ totp_roles: [] });
    expect(settingsPatch({ totp_roles: 'center_admin,consultant' })).toEqual({ totp_roles: ['center_admin', 'consultant'] });
  });

  it('reapplies a change of roles over someone else’s change of days', () => {
    const base = toSettingsForm(center);
    const mine = { ...base, totp_roles: '' };
    const current = { ...base, follow_up_days: '7' };
    expect(reapplyChanges(base, mine, current)).toEqual({ follow_up_days: '7', totp_roles: '', child_assent_age: '15' });
  });
});

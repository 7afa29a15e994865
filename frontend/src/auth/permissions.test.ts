import { describe, expect, it } from 'vitest';
import { capabilities, navItems } from './permissions';

describe('navigation by role', () => {
  it('gives the system administrator centers and staff, never patient-side screens', () => {
    expect(navItems('system_admin').map((i) => i.key)).toEqual(['home', 'centers', 'users']);
    expect(capabilities('system_admin').viewAgencies).toBe(false);
  });

  it('gives a center administrator staff and agencies', () => {
    expect(navItems('center_admin').map((i) => i.key)).toEqual(['home', 'users', 'agencies']);
    expect(capabilities('center_admin')).toMatchObject({ manageUsers: true, manageAgencies: true, manageCenters: false });
  });

  it('lets supervisors and consultants read agencies only', () => {
    for (const role of ['supervisor', 'consultant'] as const) {
      expect(navItems(role).map((i) => i.key)).toEqual(['home', 'agencies']);
      expect(capabilities(role)).toMatchObject({ viewAgencies: true, manageAgencies: false, manageUsers: false });
    }
  });

  it('offers nothing but home to an unknown role', () => {
    expect(navItems(null).map((i) => i.key)).toEqual(['home']);
  });
});

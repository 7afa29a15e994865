import { describe, expect, it } from 'vitest';
import { capabilities, mayResetTwoFactor, navItems, PEER_SUPPORT_REPORT_PATH } from './permissions';

describe('navigation by role', () => {
  it('gives the system administrator centers and staff, never patient-side screens', () => {
    expect(navItems('system_admin').map((i) => i.key)).toEqual(['home', 'centers', 'administrations', 'users', 'reports', 'auditTrail', 'councils']);
    expect(capabilities('system_admin').viewAgencies).toBe(false);
  });

  it('gives a center administrator staff and agencies', () => {
    expect(navItems('center_admin').map((i) => i.key)).toEqual(['home', 'users', 'agencies', 'reports', 'auditTrail', 'integrations']);
    expect(capabilities('center_admin')).toMatchObject({
      manageUsers: true,
      manageAgencies: true,
      manageCenters: false,
      configureCenter: true,
    });
    expect(capabilities('supervisor').configureCenter).toBe(false);
  });

  it('gives supervisors and consultants the case screens, and agencies to read', () => {
    expect(navItems('supervisor').map((i) => i.key)).toEqual(['home', 'patients', 'followUps', 'followUpCalendar', 'activities', 'agencies', 'reports', 'supervision', 'imports']);
    expect(navItems('consultant').map((i) => i.key)).toEqual(['home', 'patients', 'followUps', 'followUpCalendar', 'activities', 'agencies']);
    for (const role of ['supervisor', 'consultant'] as const) {
      expect(capabilities(role)).toMatchObject({
        workCases: true,
        viewAgencies: true,
        manageAgencies: false,
        manageUsers: false,
      });
    }
    expect(capabilities('supervisor').supervise).toBe(true);
    expect(capabilities('consultant').supervise).toBe(false);
  });

  it('offers supervision to supervisors only', () => {
    for (const role of ['system_admin', 'center_admin', 'consultant', null] as const) {
      expect(capabilities(role).supervise).toBe(false);
      expect(navItems(role).map((i) => i.key)).not.toContain('supervision');
    }
    expect(navItems('supervisor').find((i) => i.key === 'supervision')?.to).toBe('/supervision');
  });

  it('offers 台帳の取込 to supervisors only', () => {
    expect(navItems('supervisor').find((i) => i.key === 'imports')?.to).toBe('/imports');
    for (const role of ['system_admin', 'center_admin', 'consultant', 'self_reliance_worker', 'peer_supporter', 'municipal_officer', 'council_member', null] as const) {
      expect(capabilities(role).importRecords).toBe(false);
      expect(navItems(role).map((i) => i.key)).not.toContain('imports');
    }
  });

  it('keeps patients away from administrators', () => {
    expect(capabilities('center_admin').workCases).toBe(false);
    expect(capabilities('system_admin').workCases).toBe(false);
    expect(capabilities(null).workCases).toBe(false);
  });

  it('gives reports to supervisors and administrators, never to consultants', () => {
    expect(capabilities('supervisor').viewReports).toBe(true);
    expect(capabilities('center_admin').viewReports).toBe(true);
    expect(capabilities('system_admin').viewReports).toBe(true);
    expect(capabilities('consultant').viewReports).toBe(false);
    expect(capabilities(null).viewReports).toBe(false);
  });

  it("offers the integrations to the center administrator, and API clients also to an administration's officer", () => {
    expect(capabilities('center_admin').manageIntegrations).toBe(true);
    expect(capabilities('center_admin').manageApiClients).toBe(true);
    expect(navItems('center_admin').find((i) => i.key === 'integrations')?.to).toBe('/integrations');
    // An officer's applications, but no webhooks: those announce a center's records.
    expect(capabilities('municipal_officer').manageApiClients).toBe(true);
    expect(capabilities('municipal_officer').manageIntegrations).toBe(false);
    expect(navItems('municipal_officer').find((i) => i.key === 'integrations')?.to).toBe('/integrations');
    for (const role of ['system_admin', 'supervisor', 'consultant', 'council_member', null] as const) {
      expect(capabilities(role).manageIntegrations).toBe(false);
      expect(capabilities(role).manageApiClients).toBe(false);
      expect(navItems(role).map((i) => i.key)).not.toContain('integrations');
    }
  });

  it('offers support plans to case workers only where the center runs 小慢', () => {
    for (const role of ['supervisor', 'consultant', 'self_reliance_worker'] as const) {
      expect(navItems(role, ['nanbyo', 'shoman']).find((i) => i.key === 'supportPlans')?.to).toBe('/support-plans');
      expect(navItems(role, ['nanbyo', 'shoman']).find((i) => i.key === 'projects')?.to).toBe('/projects');
      expect(navItems(role, ['nanbyo']).map((i) => i.key)).not.toContain('supportPlans');
      expect(navItems(role, ['nanbyo']).map((i) => i.key)).not.toContain('projects');
      expect(navItems(role).map((i) => i.key)).not.toContain('supportPlans');
    }
    expect(navItems('center_admin', ['shoman']).map((i) => i.key)).not.toContain('supportPlans');
    expect(navItems('self_reliance_worker', ['shoman']).map((i) => i.key)).toEqual([
      'home',
      'patients',
      'followUps',
      'followUpCalendar',
      'supportPlans',
      'transition',
      'projects',
      'activities',
      'agencies',
    ]);
  });

  it('offers the transition list (移行期) beside support plans, where the center runs 小慢', () => {
    for (const role of ['supervisor', 'consultant', 'self_reliance_worker'] as const) {
      expect(navItems(role, ['shoman']).find((i) => i.key === 'transition')?.to).toBe('/transition');
      expect(navItems(role, ['nanbyo']).map((i) => i.key)).not.toContain('transition');
    }
    expect(navItems('center_admin', ['shoman']).map((i) => i.key)).not.toContain('transition');
  });

  it('gives a peer supporter their patients, their own evidence and agencies, nothing else of a case', () => {
    expect(navItems('peer_supporter').map((i) => i.key)).toEqual(['home', 'patients', 'peerSupport', 'agencies']);
    expect(navItems('peer_supporter').find((i) => i.key === 'peerSupport')?.to).toBe(PEER_SUPPORT_REPORT_PATH);
    // 小慢 screens stay with the case workers even where the center runs 小慢.
    expect(navItems('peer_supporter', ['nanbyo', 'shoman']).map((i) => i.key)).toEqual(['home', 'patients', 'peerSupport', 'agencies']);
    expect(capabilities('peer_supporter')).toEqual({
      manageCenters: false,
      viewUsers: false,
      manageUsers: false,
      viewAgencies: true,
      manageAgencies: false,
      workCases: false,
      reachPatients: true,
      peerSupport: true,
      viewPeerSupportReport: true,
      recordTrainings: true,
      supervise: false,
      configureCenter: false,
      viewReports: false,
      manageIntegrations: false,
      manageApiClients: false,
      readAuditTrail: false,
      manageAdministrations: false,
      workRegionalIssues: false,
      runCouncils: false,
      readCouncils: false,
      pledgeCouncil: false,
      importRecords: false,
    });
  });

  it("gives an administration's officer their dashboard, issues, councils, publication and figures, and no patient", () => {
    expect(navItems('municipal_officer').map((i) => i.key)).toEqual(['dashboard', 'regionalIssues', 'councils', 'publication', 'regionalFigures', 'integrations']);
    const can = capabilities('municipal_officer');
    expect(can.workRegionalIssues).toBe(true);
    expect(can.runCouncils).toBe(true);
    expect(can.viewReports).toBe(true);
    expect(can.workCases || can.reachPatients || can.viewAgencies || can.manageUsers || can.readAuditTrail).toBe(false);
    expect(capabilities('system_admin').workRegionalIssues).toBe(false);
  });

  it('lets the system administrator register administrations', () => {
    expect(capabilities('system_admin').manageAdministrations).toBe(true);
    expect(navItems('system_admin').map((i) => i.key)).toContain('administrations');
    for (const role of ['center_admin', 'supervisor', 'municipal_officer'] as const) {
      expect(capabilities(role).manageAdministrations).toBe(false);
    }
  });

  it('gives a council member their councils and no patient screens', () => {
    expect(navItems('council_member').map((i) => i.key)).toEqual(['home', 'councils']);
    expect(capabilities('council_member')).toMatchObject({ runCouncils: false, readCouncils: true, pledgeCouncil: true, reachPatients: false });
    expect(capabilities('system_admin')).toMatchObject({ runCouncils: false, readCouncils: true });
  });

  it('opens the audit trail to supervisors and administrators, the rest of supervision to supervisors', () => {
    for (const role of ['supervisor', 'center_admin', 'system_admin'] as const) {
      expect(capabilities(role).readAuditTrail).toBe(true);
    }
    for (const role of ['consultant', 'self_reliance_worker', 'peer_supporter'] as const) {
      expect(capabilities(role).readAuditTrail).toBe(false);
    }
    expect(navItems('supervisor').map((i) => i.key)).not.toContain('auditTrail');
  });

  it('reaches patients for case workers and peer supporters only; peer support is the peer supporter alone', () => {
    for (const role of ['supervisor', 'consultant', 'self_reliance_worker'] as const) {
      expect(capabilities(role).reachPatients).toBe(true);
      expect(capabilities(role).peerSupport).toBe(false);
      expect(navItems(role).map((i) => i.key)).not.toContain('peerSupport');
    }
    for (const role of ['system_admin', 'center_admin', null] as const) {
      expect(capabilities(role).reachPatients).toBe(false);
      expect(capabilities(role).peerSupport).toBe(false);
    }
  });

  it("shows the peer support evidence to a center's supervisor and administrator and to peer supporters, not across centers", () => {
    expect(capabilities('supervisor').viewPeerSupportReport).toBe(true);
    expect(capabilities('center_admin').viewPeerSupportReport).toBe(true);
    expect(capabilities('peer_supporter').viewPeerSupportReport).toBe(true);
    for (const role of ['system_admin', 'consultant', 'self_reliance_worker', null] as const) {
      expect(capabilities(role).viewPeerSupportReport).toBe(false);
    }
  });

  it('lets case workers and peer supporters record their trainings, not administrators', () => {
    for (const role of ['supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter'] as const) {
      expect(capabilities(role).recordTrainings).toBe(true);
    }
    for (const role of ['system_admin', 'center_admin', null] as const) {
      expect(capabilities(role).recordTrainings).toBe(false);
    }
  });

  it('offers nothing but home to an unknown role', () => {
    expect(navItems(null).map((i) => i.key)).toEqual(['home']);
  });
});

describe('resetting two-factor sign-in', () => {
  it('is for administrators, for others than themselves', () => {
    expect(mayResetTwoFactor('center_admin', false, 'consultant')).toBe(true);
    expect(mayResetTwoFactor('center_admin', false, 'supervisor')).toBe(true);
    expect(mayResetTwoFactor('system_admin', false, 'center_admin')).toBe(true);
    expect(mayResetTwoFactor('system_admin', false, 'consultant')).toBe(true);
    expect(mayResetTwoFactor('center_admin', true, 'center_admin')).toBe(false);
    expect(mayResetTwoFactor('system_admin', true, 'system_admin')).toBe(false);
  });

  it("leaves a fellow center administrator's to the system administrator", () => {
    expect(mayResetTwoFactor('center_admin', false, 'center_admin')).toBe(false);
    expect(mayResetTwoFactor('center_admin', false, 'system_admin')).toBe(false);
  });

  it('is never for staff without administration', () => {
    for (const r of ['supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter'] as const) {
      expect(mayResetTwoFactor(r, false, 'consultant')).toBe(false);
    }
    expect(mayResetTwoFactor(null, false, 'consultant')).toBe(false);
  });
});

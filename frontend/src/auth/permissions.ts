// What each role may reach in the interface. The server decides for real; this only keeps
// people from being offered what they cannot do.
import type { Role } from '../api/enums';

export interface Capabilities {
  /** List, create and edit centers (the installation's administrator). */
  readonly manageCenters: boolean;
  /** See the staff list. */
  readonly viewUsers: boolean;
  /** Create staff, change roles, deactivate. */
  readonly manageUsers: boolean;
  /** See the center's employment agencies. */
  readonly viewAgencies: boolean;
  /** Create, edit and deactivate agencies. */
  readonly manageAgencies: boolean;
  /** Patients, consultations, referrals and follow-ups: the center's case workers only. */
  readonly workCases: boolean;
  /**
   * Find patients, open their page and record consultations: the case workers (every
   * patient of the center) and a ピア・サポーター (the patients assigned to them; the server
   * narrows the lists).
   */
  readonly reachPatients: boolean;
  /**
   * A ピア・サポーター: their reach is limited to the patients assigned to them, the
   * consultations of those and their own anonymous ones. The rest of a case (consents,
   * referrals, follow-ups, events, support plans) stays with the consultants, so screens
   * leave those parts out rather than asking and being refused.
   */
  readonly peerSupport: boolean;
  /**
   * ピア・サポーターの活動実績: a center's supervisor and administrator read every
   * supporter's line, a peer supporter their own. It names staff: never across centers.
   */
  readonly viewPeerSupportReport: boolean;
  /**
   * 研修: read the center's trainings and record one's own. The case workers, and a
   * ピア・サポーター for their 養成講習会 (the evidence page names its completion).
   */
  readonly recordTrainings: boolean;
  /**
   * Lower a referral's level, record work for someone else; and supervision: the audit
   * queue, reviews of referrals, the follow-up summary and the audit trail.
   */
  readonly supervise: boolean;
  /** The own center's settings (days to the first follow-up). */
  readonly configureCenter: boolean;
  /**
   * The ministry's figures: a center's supervisor and administrator for their center, the
   * system administrator across centers. Consultants record; they do not report.
   */
  readonly viewReports: boolean;
  /**
   * Third-party integration: the center's API clients (their scopes and secrets) and
   * webhooks. The center's administrator only.
   */
  readonly manageIntegrations: boolean;
  /** Register API clients: a center's administrator, or an administration's officer. */
  readonly manageApiClients: boolean;
  /**
   * The audit trail (who did and saw what): a center's supervisor and administrator, the
   * system administrator across centers. Administrators see patients by id only.
   */
  readonly readAuditTrail: boolean;
  /**
   * 自治体: register administrations, assign centers to them, set their threshold; and the
   * ministry's part-2 tables (地域協議会の設置・開催状況). The system administrator.
   */
  readonly manageAdministrations: boolean;
  /**
   * An administration's officer (自治体担当): the regional issues (PDCA), the publication and
   * their centers' combined figures. Never a patient: no case screen is theirs.
   */
  readonly workRegionalIssues: boolean;
  /** 協議会: an administration's officer runs its councils, members and meetings. */
  readonly runCouncils: boolean;
  /** 協議会 read: the officer, the system administrator, and a council member (their own councils). */
  readonly readCouncils: boolean;
  /** A council member: the confidentiality pledge and the issues of their councils. */
  readonly pledgeCouncil: boolean;
  /**
   * 台帳の取込: move the center's existing records (Excel, CSV) in. A center's supervisor
   * only: it writes patients in bulk and decides which are the same person.
   */
  readonly importRecords: boolean;
}

/** The center's case workers: the 自立支援員 has a consultant's reach. */
function isCaseWorker(role: Role | null): boolean {
  return role === 'supervisor' || role === 'consultant' || role === 'self_reliance_worker';
}

export function capabilities(role: Role | null): Capabilities {
  const peer = role === 'peer_supporter';
  return {
    manageCenters: role === 'system_admin',
    viewUsers: role === 'system_admin' || role === 'center_admin',
    manageUsers: role === 'system_admin' || role === 'center_admin',
    viewAgencies: role === 'center_admin' || isCaseWorker(role) || peer,
    manageAgencies: role === 'center_admin',
    workCases: isCaseWorker(role),
    reachPatients: isCaseWorker(role) || peer,
    peerSupport: peer,
    viewPeerSupportReport: role === 'supervisor' || role === 'center_admin' || peer,
    recordTrainings: isCaseWorker(role) || peer,
    supervise: role === 'supervisor',
    configureCenter: role === 'center_admin',
    // An officer reads their administration's centers combined.
    viewReports: role === 'supervisor' || role === 'center_admin' || role === 'system_admin' || role === 'municipal_officer',
    manageIntegrations: role === 'center_admin',
    // An officer registers their administration's applications (no webhooks: those
    // announce a center's case records).
    manageApiClients: role === 'center_admin' || role === 'municipal_officer',
    readAuditTrail: role === 'supervisor' || role === 'center_admin' || role === 'system_admin',
    manageAdministrations: role === 'system_admin',
    workRegionalIssues: role === 'municipal_officer',
    runCouncils: role === 'municipal_officer',
    readCouncils: role === 'municipal_officer' || role === 'system_admin' || role === 'council_member',
    pledgeCouncil: role === 'council_member',
    importRecords: role === 'supervisor',
  };
}

export type NavKey =
  | 'home'
  | 'centers'
  | 'users'
  | 'patients'
  | 'followUps'
  | 'followUpCalendar'
  | 'supportPlans'
  | 'transition'
  | 'projects'
  | 'activities'
  | 'agencies'
  | 'reports'
  | 'peerSupport'
  | 'supervision'
  | 'auditTrail'
  | 'integrations'
  | 'administrations'
  | 'dashboard'
  | 'regionalIssues'
  | 'publication'
  | 'regionalFigures'
  | 'councils'
  | 'imports';

/** 地域の課題: the officer's board of regional issues. */
export const REGIONAL_ISSUES_PATH = '/regional-issues';
/** 公表: the officer's yearly publication. */
export const PUBLICATION_PATH = '/publication';
/** 地域協議会の設置・開催状況: the system administrator's part-2 tables. */
export const REGIONAL_COUNCILS_REPORT_PATH = '/reports/regional-councils';

/** ピア・サポーターの活動実績: among the reports for those who read them all, a peer supporter's own page. */
export const PEER_SUPPORT_REPORT_PATH = '/reports/peer-support';

/** フォローアップの予定表: under the queue's address, a menu item of its own. */
export const FOLLOW_UP_CALENDAR_PATH = '/follow-ups/calendar';

export interface NavItem {
  readonly key: NavKey;
  readonly to: string;
}

/**
 * The main menu for a role, in order. `programs` are those of the user's center (unknown
 * until read): 支援計画, 移行期 and 任意事業 show to its case workers only where the center runs 小慢.
 */
export function navItems(role: Role | null, programs: readonly string[] = []): NavItem[] {
  const can = capabilities(role);
  if (can.workRegionalIssues) {
    // An administration's officer: their dashboard, the issues, the publication and the
    // figures; never a patient's screen.
    return [
      { key: 'dashboard', to: '/' },
      { key: 'regionalIssues', to: REGIONAL_ISSUES_PATH },
      { key: 'councils', to: '/councils' },
      { key: 'publication', to: PUBLICATION_PATH },
      { key: 'regionalFigures', to: '/reports' },
      { key: 'integrations', to: '/integrations' },
    ];
  }
  const items: NavItem[] = [{ key: 'home', to: '/' }];
  if (can.manageCenters) items.push({ key: 'centers', to: '/centers' });
  if (can.manageAdministrations) items.push({ key: 'administrations', to: '/administrations' });
  if (can.viewUsers) items.push({ key: 'users', to: '/users' });
  if (can.workCases) {
    items.push({ key: 'patients', to: '/patients' });
    items.push({ key: 'followUps', to: '/follow-ups' });
    items.push({ key: 'followUpCalendar', to: FOLLOW_UP_CALENDAR_PATH });
    if (programs.includes('shoman')) {
      items.push({ key: 'supportPlans', to: '/support-plans' });
      items.push({ key: 'transition', to: '/transition' });
      items.push({ key: 'projects', to: '/projects' });
    }
    items.push({ key: 'activities', to: '/activities' });
  }
  if (can.peerSupport) {
    // A peer supporter's own menu: their patients, then the evidence of their work.
    items.push({ key: 'patients', to: '/patients' });
    items.push({ key: 'peerSupport', to: PEER_SUPPORT_REPORT_PATH });
  }
  if (can.viewAgencies) items.push({ key: 'agencies', to: '/agencies' });
  if (can.viewReports) items.push({ key: 'reports', to: '/reports' });
  if (can.supervise) items.push({ key: 'supervision', to: '/supervision' });
  // Administrators read the trail without the supervisor's other screens.
  else if (can.readAuditTrail) items.push({ key: 'auditTrail', to: '/supervision/audit' });
  if (can.importRecords) items.push({ key: 'imports', to: '/imports' });
  if (can.manageIntegrations) items.push({ key: 'integrations', to: '/integrations' });
  if (can.readCouncils) items.push({ key: 'councils', to: '/councils' });
  return items;
}

/**
 * Whether the viewer may reset this staff member's two-factor sign-in (the server's
 * `policy::reset_second_factor`): a center administrator their center's staff but not a
 * fellow administrator, the system administrator anyone; nobody their own.
 */
export function mayResetTwoFactor(viewer: Role | null, self: boolean, target: string): boolean {
  if (self) return false;
  if (viewer === 'system_admin') return true;
  return viewer === 'center_admin' && target !== 'center_admin' && target !== 'system_admin';
}

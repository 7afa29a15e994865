// The regional councils' screens (自治体, 地域の課題, 公表, the part-2 tables), loaded on first
// use as one chunk: only the system administrator and the administrations' officers open them.
import { RequireCapability } from '../../app/guards';
import type { Capabilities } from '../../auth/permissions';
import { AdministrationPage } from './AdministrationPage';
import { AdministrationNewPage, AdministrationsPage } from './AdministrationsPage';
import { IssueNewPage } from './IssueNewPage';
import { IssuePage } from './IssuePage';
import { IssuesBoardPage } from './IssuesBoardPage';
import { PublicationPage } from './PublicationPage';
import { RegionalCouncilsReportPage } from './RegionalCouncilsReportPage';

const pages = {
  administrations: AdministrationsPage,
  administrationNew: AdministrationNewPage,
  administration: AdministrationPage,
  issues: IssuesBoardPage,
  issueNew: IssueNewPage,
  issue: IssuePage,
  publication: PublicationPage,
  councilsReport: RegionalCouncilsReportPage,
};

export type RegionalScreen = keyof typeof pages;

const CAPS: Record<RegionalScreen, keyof Capabilities> = {
  administrations: 'manageAdministrations',
  administrationNew: 'manageAdministrations',
  administration: 'manageAdministrations',
  issues: 'workRegionalIssues',
  issueNew: 'workRegionalIssues',
  issue: 'workRegionalIssues',
  publication: 'workRegionalIssues',
  councilsReport: 'manageAdministrations',
};

/** The route element of a regional screen, behind the capability it needs. */
export function regionalElement(page: RegionalScreen) {
  const Page = pages[page];
  return (
    <RequireCapability cap={CAPS[page]}>
      <Page />
    </RequireCapability>
  );
}

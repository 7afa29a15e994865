// The council screens (協議会, 委員, 会議, 守秘義務の誓約, a member's view of an issue): their
// code loads with the first visit to any of them.
import type { ReactNode } from 'react';
import { RequireCapability } from '../../app/guards';
import { CouncilEditPage, CouncilNewPage } from './CouncilFormPage';
import { CouncilPage } from './CouncilPage';
import { CouncilsPage } from './CouncilsPage';
import { IssuePage } from './IssuePage';
import { MeetingNewPage, MeetingPage } from './MeetingPages';
import { MemberEditPage, MemberNewPage } from './MemberFormPage';
import { PledgePage } from './PledgePage';

export type CouncilScreen =
  | 'councils'
  | 'councilNew'
  | 'council'
  | 'councilEdit'
  | 'memberNew'
  | 'member'
  | 'meetingNew'
  | 'meeting'
  | 'pledge'
  | 'issue';

const screens: Record<CouncilScreen, { page: ReactNode; cap: 'readCouncils' | 'runCouncils' | 'pledgeCouncil' }> = {
  councils: { page: <CouncilsPage />, cap: 'readCouncils' },
  councilNew: { page: <CouncilNewPage />, cap: 'runCouncils' },
  council: { page: <CouncilPage />, cap: 'readCouncils' },
  councilEdit: { page: <CouncilEditPage />, cap: 'runCouncils' },
  memberNew: { page: <MemberNewPage />, cap: 'runCouncils' },
  member: { page: <MemberEditPage />, cap: 'runCouncils' },
  meetingNew: { page: <MeetingNewPage />, cap: 'runCouncils' },
  meeting: { page: <MeetingPage />, cap: 'readCouncils' },
  pledge: { page: <PledgePage />, cap: 'pledgeCouncil' },
  issue: { page: <IssuePage />, cap: 'pledgeCouncil' },
};

export function councilElement(screen: CouncilScreen): ReactNode {
  const { page, cap } = screens[screen];
  return <RequireCapability cap={cap}>{page}</RequireCapability>;
}

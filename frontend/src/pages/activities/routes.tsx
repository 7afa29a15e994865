// The center's other work: 出張相談 with the employment supporter, outreach (周知), staff training (研修), events and the outreach
// report, loaded on first use as one chunk.
import { RequireCapability } from '../../app/guards';
import type { Capabilities } from '../../auth/permissions';
import { ActivitiesPage } from './ActivitiesPage';
import { EventEditPage } from './EventEditPage';
import { EventPage } from './EventPage';
import { EventsPage } from './EventsPage';
import { OutreachEditPage } from './OutreachEditPage';
import { OutreachPage } from './OutreachPage';
import { OutreachReportPage } from './OutreachReportPage';
import { SupporterReportPage } from './SupporterReportPage';
import { SupporterSessionPage } from './SupporterSessionPage';
import { SupporterSessionsPage } from './SupporterSessionsPage';
import { TrainingEditPage } from './TrainingEditPage';
import { TrainingsPage } from './TrainingsPage';

const pages = {
  index: ActivitiesPage,
  outreach: OutreachPage,
  outreachEdit: OutreachEditPage,
  trainings: TrainingsPage,
  trainingEdit: TrainingEditPage,
  events: EventsPage,
  event: EventPage,
  eventEdit: EventEditPage,
  outreachReport: OutreachReportPage,
  supporterSessions: SupporterSessionsPage,
  supporterSession: SupporterSessionPage,
  supporterReport: SupporterReportPage,
};

export type ActivitiesScreen = keyof typeof pages;

/** The route element of an activities screen: the report behind the reporters' capability, trainings also a peer supporter's, the rest the case workers'. */
export function activitiesElement(page: ActivitiesScreen) {
  const Page = pages[page];
  const cap: keyof Capabilities =
    page === 'outreachReport' || page === 'supporterReport' ? 'viewReports' : page === 'trainings' || page === 'trainingEdit' ? 'recordTrainings' : 'workCases';
  return (
    <RequireCapability cap={cap}>
      <Page />
    </RequireCapability>
  );
}

// The supervisor's screens, loaded on first use as one chunk: only supervisors download them.
import { RequireCapability } from '../../app/guards';
import { AuditQueuePage } from './AuditQueuePage';
import { AuditTrailPage } from './AuditTrailPage';
import { SummaryPage } from './SummaryPage';

const pages = {
  queue: AuditQueuePage,
  summary: SummaryPage,
  audit: AuditTrailPage,
};

export type SupervisionPage = keyof typeof pages;

/** The route element of a supervision screen, behind the supervisor's capability. */
export function supervisionElement(page: SupervisionPage) {
  const Page = pages[page];
  return (
    <RequireCapability cap="supervise">
      <Page />
    </RequireCapability>
  );
}

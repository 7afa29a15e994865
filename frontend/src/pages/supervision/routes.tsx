// The supervisor's screens (and the administrators' audit trail), loaded on first use as one chunk.
import { RequireCapability } from '../../app/guards';
import { AuditQueuePage } from './AuditQueuePage';
import { AuditTrailPage } from './AuditTrailPage';
import { ExportsPage } from './ExportsPage';
import { SummaryPage } from './SummaryPage';

const pages = {
  queue: AuditQueuePage,
  summary: SummaryPage,
  audit: AuditTrailPage,
  exports: ExportsPage,
};

export type SupervisionPage = keyof typeof pages;

/** The route element of a supervision screen, behind the supervisor's capability (the
 * audit trail: also the administrators'). */
export function supervisionElement(page: SupervisionPage) {
  const Page = pages[page];
  return (
    <RequireCapability cap={page === 'audit' ? 'readAuditTrail' : 'supervise'}>
      <Page />
    </RequireCapability>
  );
}

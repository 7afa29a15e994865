// The 小慢 support-plan screens, loaded on first use as one chunk: only the center's case
// workers download them.
import { RequireCapability } from '../../app/guards';
import { SupportPlanNewPage } from './SupportPlanNewPage';
import { SupportPlanPage } from './SupportPlanPage';
import { SupportPlansPage } from './SupportPlansPage';
import { TransitionPage } from '../transition/TransitionPage';

const pages = {
  list: SupportPlansPage,
  create: SupportPlanNewPage,
  plan: SupportPlanPage,
  transition: TransitionPage,
};

export type SupportPlanScreen = keyof typeof pages;

/** The route element of a support-plan screen, behind the case workers' capability. */
export function supportPlanElement(page: SupportPlanScreen) {
  const Page = pages[page];
  return (
    <RequireCapability cap="workCases">
      <Page />
    </RequireCapability>
  );
}

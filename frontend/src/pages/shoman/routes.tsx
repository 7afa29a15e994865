// The 小慢 optional projects, needs and figures screens, loaded on first use as one chunk:
// only the centers that run 小慢 download them.
import { RequireCapability } from '../../app/guards';
import type { Capabilities } from '../../auth/permissions';
import { NeedsPage } from './NeedsPage';
import { ProjectEditPage, ProjectNewPage } from './ProjectFormPage';
import { ProjectPage } from './ProjectPage';
import { ProjectsPage } from './ProjectsPage';
import { ShomanFiguresPage } from './ShomanFiguresPage';

const pages = {
  projects: ProjectsPage,
  projectNew: ProjectNewPage,
  project: ProjectPage,
  projectEdit: ProjectEditPage,
  needs: NeedsPage,
  figures: ShomanFiguresPage,
};

export type ShomanScreen = keyof typeof pages;

/** The route element of a 小慢 screen: the figures behind the reporters' capability, the rest the case workers'. */
export function shomanElement(page: ShomanScreen) {
  const Page = pages[page];
  const cap: keyof Capabilities = page === 'figures' ? 'viewReports' : 'workCases';
  return (
    <RequireCapability cap={cap}>
      <Page />
    </RequireCapability>
  );
}

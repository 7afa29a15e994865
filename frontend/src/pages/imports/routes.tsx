// 台帳の取込, loaded on first visit as one chunk: only a center's supervisors download it.
import { RequireCapability } from '../../app/guards';
import { ImportPage } from './ImportPage';
import { ImportsPage } from './ImportsPage';

const pages = { imports: ImportsPage, import: ImportPage };

export type ImportScreen = keyof typeof pages;

/** The route element of an import screen, behind the capability it needs. */
export function importElement(page: ImportScreen) {
  const Page = pages[page];
  return (
    <RequireCapability cap="importRecords">
      <Page />
    </RequireCapability>
  );
}

// Report files (CSV, Excel, the annual workbook) fetched with the bearer token and handed to
// the browser as a download. A plain link cannot work: the token lives in memory only.
import { useRef, useState, type ReactNode } from 'react';
import { asProblem, networkProblem, type Problem } from '../../api/problem';
import type { DownloadedFile } from '../../api/reports';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';
import { fieldErrorMessage, problemMessage } from '../../i18n/translate';

/** Hands a fetched file to the browser's downloads. */
function saveFile({ blob, fileName }: DownloadedFile): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click() returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface DownloadChoice {
  /** Identifies the button, e.g. 'csv'. */
  readonly id: string;
  /** The visible label, e.g. "Download CSV". */
  readonly label: string;
  /** The kind of file, for the progress message ("Preparing the CSV file…"). */
  readonly format: string;
  readonly fetch: () => Promise<DownloadedFile>;
}

/** Kept as facts, not sentences, so a change of language rewrites the status line too. */
interface State {
  /** The choice being fetched. */
  readonly busy: DownloadChoice | null;
  /** The name of the last file handed to the browser. */
  readonly saved: string | null;
  readonly problem: Problem | null;
}

function Spinner() {
  return (
    <span
      aria-hidden="true"
      className="inline-block size-4 animate-spin rounded-full border-2 border-current border-t-transparent motion-reduce:animate-none"
    />
  );
}

/**
 * A row of download buttons with one status line: "preparing…" while the server makes the
 * file, then its name, both announced politely; a failure shows the problem and is
 * announced at once. One download at a time per row.
 */
export function DownloadButtons({
  choices,
  groupLabel,
  context,
  testId,
}: {
  choices: readonly DownloadChoice[];
  /** Names the group for assistive technology: "Downloads of …". */
  groupLabel: string;
  /** Read after each button's label by screen readers, so "Download CSV" says of what. */
  context?: ReactNode;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<State>({ busy: null, saved: null, problem: null });
  const running = useRef(false);

  const run = async (choice: DownloadChoice) => {
    if (running.current) return;
    running.current = true;
    setState({ busy: choice, saved: null, problem: null });
    try {
      const file = await choice.fetch();
      saveFile(file);
      setState({ busy: null, saved: file.fileName, problem: null });
    } catch (e) {
      setState({ busy: null, saved: null, problem: asProblem(e) ?? networkProblem(e) });
    } finally {
      running.current = false;
    }
  };

  return (
    <div className="flex flex-col gap-2" data-testid={testId}>
      <div role="group" aria-label={groupLabel} className="flex flex-wrap items-center gap-3">
        {choices.map((c) => {
          const busy = state.busy?.id === c.id;
          return (
            <Button
              key={c.id}
              variant="outline"
              size="sm"
              aria-disabled={state.busy !== null || undefined}
              aria-busy={busy || undefined}
              className={state.busy !== null && !busy ? 'opacity-60' : ''}
              onClick={() => void run(c)}
            >
              {busy && <Spinner />}
              {c.label}
              {context !== undefined && <span className="sr-only">{context}</span>}
            </Button>
          );
        })}
      </div>
      {/* Always in the page, so screen readers announce what is written into it. */}
      <p role="status" className="min-h-[1lh] text-dns-16N-130 text-solid-gray-700">
        {state.busy
          ? t('report.preparing', { format: state.busy.format })
          : state.saved !== null
            ? t('report.downloaded', { name: state.saved })
            : ''}
      </p>
      {state.problem && (
        <Notice tone="error" live="assertive" title={t('report.downloadFailed')}>
          <p>{problemMessage(state.problem, lang)}</p>
          {state.problem.errors.length > 0 && (
            <ul className="list-disc pl-6">
              {state.problem.errors.map((e, i) => (
                <li key={`${e.field}-${i}`}>{fieldErrorMessage(e, lang)}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
    </div>
  );
}

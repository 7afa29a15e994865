// Shared parts of the council screens: reading the role, sending a council member to the
// pledge when the server asks for it, load errors, and saving a fetched file.
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { asProblem } from '../../api/problem';
import type { DownloadedFile } from '../../api/reports';
import { useAuth } from '../../auth/AuthProvider';
import { LoadError } from '../../components/QueryState';
import { needsPledge, PLEDGE_PATH } from './councilModel';

/** Whether the signed-in user runs councils (an administration's officer); others read only. */
export function useRunsCouncils(): boolean {
  return useAuth().role === 'municipal_officer';
}

/** A failed read: a council member who has not pledged yet goes to the pledge. */
export function CouncilLoadError({ error, retry }: { error: unknown; retry?: () => void }) {
  const navigate = useNavigate();
  const pledge = needsPledge(asProblem(error));
  useEffect(() => {
    if (pledge) void navigate(PLEDGE_PATH, { replace: true });
  }, [pledge, navigate]);
  return <LoadError error={error} retry={retry} />;
}

/** Hands a fetched file to the browser's downloads. */
export function saveFile({ blob, fileName }: DownloadedFile): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const sectionClass = 'flex flex-col gap-3';
export const h2Class = 'text-std-22B-150';

// One import, after its upload: polled every second while the server checks or writes it;
// once checked, the wizard's steps 2–4 (`?step=mapping|check|commit`); then its result.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { getImport, importFields, importKeys } from '../../api/imports';
import { PageTitle } from '../../app/PageTitle';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { CheckStep } from './Check';
import { CommitStep, ImportFailure, ImportResult } from './Commit';
import { importEncodingKey, importKindKey, labelOr } from './importLabels';
import { isRunning, stepFrom, type Step } from './importModel';
import { MappingStep } from './Mapping';
import { ProgressPanel, Steps } from './parts';
import type { Import, ImportState } from './types';

/** The sentence announced when the server finishes a run while the page is open. */
function useFinishedAnnouncement(imp: Import | undefined): string {
  const { t } = useI18n();
  const [seen, setSeen] = useState<ImportState | undefined>(imp?.state);
  const [message, setMessage] = useState('');
  if (imp && imp.state !== seen) {
    setSeen(imp.state);
    if (seen !== undefined && isRunning(seen)) {
      if (imp.state === 'checked') {
        setMessage(t('import.checkedAnnounce', { invalid: imp.counts.invalid, duplicates: imp.counts.duplicates }));
      } else if (imp.state === 'committed') {
        setMessage(t('import.result.done'));
      } else if (imp.state === 'failed') {
        setMessage(t('import.failed'));
      }
    } else if (isRunning(imp.state)) {
      setMessage('');
    }
  }
  return message;
}

function Meta({ imp }: { imp: Import }) {
  const { t, dateTime } = useI18n();
  const items = [
    { term: t('import.kind'), value: labelOr(t, importKindKey, imp.kind) },
    { term: t('import.fileName'), value: imp.file_name },
    { term: t('import.encoding'), value: labelOr(t, importEncodingKey, imp.encoding) },
    { term: t('import.uploadedAt'), value: dateTime(imp.created_at) },
  ];
  return (
    <dl className="facts max-w-3xl gap-x-4 gap-y-1 text-std-16N-170" data-testid="import-meta">
      {items.map((i) => (
        <div key={i.term} className="contents">
          <dt className="text-solid-gray-700">{i.term}</dt>
          <dd className="break-all">{i.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ImportPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const q = useQuery({
    queryKey: importKeys.one(id),
    queryFn: () => getImport(id),
    // While the server works, once a second: the progress bar and the end of the run.
    refetchInterval: (query) => (query.state.data && isRunning(query.state.data.state) ? 1000 : false),
  });
  const imp = q.data;
  const fields = useQuery({
    queryKey: importKeys.fields(imp?.kind ?? 'patients'),
    queryFn: () => importFields(imp?.kind ?? 'patients'),
    enabled: imp !== undefined,
    staleTime: 5 * 60_000,
  });
  const announcement = useFinishedAnnouncement(imp);

  if (q.isPending) return <Loading />;
  if (q.error || !imp) return <LoadError error={q.error} retry={() => void q.refetch()} />;

  const step: Step = imp.state === 'committing' || imp.state === 'committed' ? 'commit' : stepFrom(params.get('step'));
  const showSteps = imp.state === 'checked' || imp.state === 'checking';

  let body;
  if (imp.state === 'checking') {
    body = <ProgressPanel title={t('import.progress.checking')} done={imp.progress.done} total={imp.progress.total} />;
  } else if (imp.state === 'committing') {
    body = <ProgressPanel title={t('import.progress.committing')} done={imp.progress.done} total={imp.progress.total} />;
  } else if (imp.state === 'committed') {
    body = <ImportResult imp={imp} />;
  } else if (imp.state === 'failed') {
    body = <ImportFailure imp={imp} />;
  } else if (step === 'mapping') {
    body = fields.isPending ? (
      <Loading />
    ) : fields.error ? (
      <LoadError error={fields.error} retry={() => void fields.refetch()} />
    ) : (
      <MappingStep imp={imp} fields={fields.data} />
    );
  } else if (step === 'check') {
    body = <CheckStep imp={imp} />;
  } else {
    body = <CommitStep imp={imp} />;
  }

  return (
    <>
      <PageTitle>{t('import.titleOf', { name: imp.file_name })}</PageTitle>
      {showSteps && <Steps current={step} importId={imp.id} />}
      <Meta imp={imp} />
      {/* Always in the page, so screen readers announce the end of a run written into it. */}
      <p role="status" className="min-h-[1lh] text-std-16N-170" data-testid="import-announcement">
        {announcement}
      </p>
      {body}
    </>
  );
}

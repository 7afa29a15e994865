// 台帳の取込, the start: choose what kind of 台帳 and the file, upload it (the server checks it
// at once in the background), and the center's past imports.
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { importFields, importKeys, listImports, uploadImport } from '../../api/imports';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { fieldId, RadioGroupField } from '../../components/Field';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { importKindKey, importStateKey, labelOr } from './importLabels';
import { Steps } from './parts';
import { IMPORT_KINDS, type ImportKind } from './types';

/** The file types the server reads: CSV (UTF-8 or Shift_JIS) and Excel's .xlsx. */
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A local problem for the start form (nothing chosen), shaped like the server's. */
function localProblem(errors: { field: string; code: string }[]): Problem {
  return {
    status: 422,
    code: 'validation_failed',
    title: 'Unprocessable Content',
    detail: null,
    type: null,
    errors: errors.map((e) => ({ ...e, message: e.code })),
    retryAfterSeconds: null,
  };
}

/**
 * The kinds the server imports: those whose fields it answers. A kind it does not import
 * (yet) answers 422 (`kind_not_supported`, or `unknown_kind` from an older server) or no
 * fields, and is not offered.
 */
function useAvailableKinds() {
  const results = useQueries({
    queries: IMPORT_KINDS.map((kind) => ({
      queryKey: importKeys.fields(kind),
      queryFn: () => importFields(kind),
      retry: false,
      staleTime: 5 * 60_000,
    })),
  });
  const pending = results.some((r) => r.isPending);
  const kinds = IMPORT_KINDS.filter((_, i) => (results[i]?.data?.length ?? 0) > 0);
  // Any other failure (the network, a refusal) is a failure to say, not a kind to hide.
  const error = results.map((r) => r.error).find((e) => e && asProblem(e)?.status !== 422) ?? null;
  return { pending, kinds, error, retry: () => results.forEach((r) => void r.refetch()) };
}

function StartForm() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const available = useAvailableKinds();
  const [kind, setKind] = useState<ImportKind | ''>('');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const errorsFor = useFieldErrors(problem);

  const upload = useMutation({
    mutationFn: ({ k, f }: { k: ImportKind; f: File }) => uploadImport(k, f),
    onSuccess: (imp) => {
      queryClient.setQueryData(importKeys.one(imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
      void navigate(`/imports/${imp.id}`);
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  if (available.pending) return <Loading />;
  if (available.error) return <LoadError error={available.error} retry={available.retry} />;
  if (available.kinds.length === 0) return <Notice tone="info" title={t('import.noKinds')} />;

  const labels = { kind: t('import.kind'), file: t('import.file') };
  const fileErrors = errorsFor('file');
  return (
    <form
      noValidate
      className="flex max-w-3xl flex-col gap-6"
      onSubmit={(e) => {
        e.preventDefault();
        const missing = [
          ...(kind === '' ? [{ field: 'kind', code: 'import_choose_kind' }] : []),
          ...(file === null ? [{ field: 'file', code: 'import_choose_file' }] : []),
        ];
        if (missing.length > 0 || kind === '' || file === null) {
          setProblem(localProblem(missing));
          return;
        }
        setProblem(null);
        if (!upload.isPending) upload.mutate({ k: kind, f: file });
      }}
    >
      <ErrorSummary problem={problem} fields={labels} />
      <RadioGroupField
        name="kind"
        label={labels.kind}
        required
        choices={available.kinds.map((k) => ({ value: k, label: t(importKindKey[k]) }))}
        value={kind}
        onChange={(v) => setKind(v as ImportKind)}
        errors={errorsFor('kind')}
      />
      <div className="flex flex-col gap-2">
        <label htmlFor={fieldId('file')} className="text-std-17B-170">
          {labels.file}
          <span className="ml-2 text-dns-16N-130 text-error-1">{t('common.required')}</span>
        </label>
        <p id={`${fieldId('file')}-hint`} className="text-dns-16N-130 text-solid-gray-700">
          {t('import.file.hint')}
        </p>
        <input
          ref={input}
          id={fieldId('file')}
          name="file"
          type="file"
          accept={ACCEPT}
          aria-invalid={fileErrors.length > 0 || undefined}
          aria-describedby={[`${fieldId('file')}-hint`, fileErrors.length > 0 ? `${fieldId('file')}-error` : null].filter(Boolean).join(' ')}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          className="text-std-16N-170"
        />
        {fileErrors.length > 0 && (
          <ul id={`${fieldId('file')}-error`} className="text-dns-16N-130 text-error-1">
            {fileErrors.map((m) => (
              <li key={m}>＊{m}</li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <Button type="submit" disabled={upload.isPending} aria-disabled={upload.isPending || undefined}>
          {upload.isPending ? t('import.uploading') : t('import.upload')}
        </Button>
      </div>
    </form>
  );
}

/** The center's imports, newest first. */
function PastImports() {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList(importKeys.list, (after) => listImports(after), { alwaysRefetch: true });
  if (list.isPending) return <Loading />;
  if (list.error) return <LoadError error={list.error} retry={list.refetch} />;
  if (list.items.length === 0) return <p className="text-std-16N-170">{t('import.pastEmpty')}</p>;
  return (
    <>
      <Table
        caption={t('import.past')}
        head={[t('import.fileName'), t('import.kind'), t('common.status'), t('import.list.figures'), t('import.uploadedAt'), t('import.committedAt')]}
      >
        {list.items.map((imp) => (
          <Row key={imp.id}>
            <Cell header>
              <Link to={`/imports/${imp.id}`} className="break-all">
                {imp.file_name}
              </Link>
            </Cell>
            <Cell>{labelOr(t, importKindKey, imp.kind)}</Cell>
            <Cell>{labelOr(t, importStateKey, imp.state)}</Cell>
            <Cell>
              {/* A committed import is told by what it wrote; before that, by its rows. */}
              {imp.state === 'committed'
                ? t('import.list.result', { created: imp.counts.created, merged: imp.counts.merged, skipped: imp.counts.skipped })
                : t('import.rowsCount', { count: imp.counts.rows.toLocaleString('ja-JP') })}
            </Cell>
            <Cell>
              <span className="whitespace-nowrap">{i.dateTime(imp.created_at)}</span>
            </Cell>
            <Cell>
              <span className="whitespace-nowrap">{imp.committed_at ? i.dateTime(imp.committed_at) : t('common.none')}</span>
            </Cell>
          </Row>
        ))}
      </Table>
      <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
    </>
  );
}

export function ImportsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('import.title')}</PageTitle>
      <Steps current="file" />
      <p className="max-w-3xl text-std-16N-170">{t('import.lead')}</p>
      <StartForm />
      <section aria-labelledby="past-imports" className="flex flex-col gap-3">
        <h2 id="past-imports" className="text-std-22B-150">
          {t('import.past')}
        </h2>
        <PastImports />
      </section>
    </>
  );
}

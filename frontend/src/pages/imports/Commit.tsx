// Step 4, 取込: what will be written, a confirmation in the page, the commit (all or
// nothing on the server), and its result.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { allImportDuplicates, commitImport, importKeys } from '../../api/imports';
import { asProblem, type Problem } from '../../api/problem';
import { Button, ButtonLink } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { CheckboxField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { ImportFigures } from './Check';
import { commitBlockers, undecided } from './importModel';
import { Figures, h2Class, sectionClass } from './parts';
import type { Import } from './types';

export function CommitStep({ imp }: { imp: Import }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The duplicates still without a decision: the commit is refused while there are any.
  const duplicates = useQuery({
    queryKey: [...importKeys.duplicates(imp.id, imp.version), 'all'],
    queryFn: () => allImportDuplicates(imp.id),
    enabled: imp.counts.duplicates > 0,
  });
  const open = undecided(duplicates.data ?? [], new Map());
  const blockers = commitBlockers(imp, skipInvalid, open);
  const commit = useMutation({
    mutationFn: () => commitImport(imp.id, skipInvalid),
    onSuccess: (updated) => {
      setConfirming(false);
      queryClient.setQueryData(importKeys.one(imp.id), updated);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });
  const toWrite = imp.counts.valid;

  return (
    <section aria-labelledby="commit-title" className={sectionClass}>
      <h2 id="commit-title" className={h2Class}>
        {t('import.step.commit')}
      </h2>
      <ImportFigures imp={imp} />
      <p className="max-w-3xl text-std-16N-170">{t('import.commit.lead')}</p>
      {imp.counts.invalid > 0 && (
        <CheckboxField
          name="skip_invalid"
          label={t('import.commit.skipInvalid', { count: imp.counts.invalid })}
          hint={t('import.commit.skipInvalid.hint')}
          checked={skipInvalid}
          onChange={(e) => setSkipInvalid(e.target.checked)}
        />
      )}
      {blockers.length > 0 && (
        <Notice tone="warning" title={t('import.commit.notYet')}>
          <ul className="list-disc pl-6">
            {blockers.includes('has_errors') && <li>{t('import.commit.hasErrors')}</li>}
            {blockers.includes('duplicates_undecided') && (
              <li>
                {t('import.commit.undecided', { count: open })}{' '}
                <Link to={`/imports/${imp.id}?step=check`}>{t('import.commit.toDuplicates')}</Link>
              </li>
            )}
          </ul>
        </Notice>
      )}
      {problem && <Notice tone="error" live="assertive" title={problemMessage(problem, lang)} />}
      <div>
        <Button
          id="commit-import"
          disabled={blockers.length > 0 || commit.isPending}
          aria-expanded={confirming}
          aria-controls={confirming ? 'confirm-commit' : undefined}
          onClick={() => {
            setProblem(null);
            setConfirming(true);
          }}
        >
          {t('import.commit.button')}
        </Button>
      </div>
      {confirming && (
        <ConfirmPanel
          id="confirm-commit"
          title={t('import.commit.confirmTitle', { count: toWrite.toLocaleString('ja-JP') })}
          confirmLabel={t('import.commit.confirm')}
          busy={commit.isPending}
          onConfirm={() => commit.mutate()}
          onCancel={() => {
            setConfirming(false);
            document.getElementById('commit-import')?.focus();
          }}
        >
          <p>{t('import.commit.confirmBody')}</p>
          {skipInvalid && imp.counts.invalid > 0 && <p>{t('import.commit.confirmSkipped', { count: imp.counts.invalid })}</p>}
        </ConfirmPanel>
      )}
    </section>
  );
}

/** A committed import: what it wrote, and where to see it. */
export function ImportResult({ imp }: { imp: Import }) {
  const { t, dateTime } = useI18n();
  const c = imp.counts;
  return (
    <section aria-labelledby="result-title" className={sectionClass}>
      <h2 id="result-title" className={h2Class}>
        {t('import.result')}
      </h2>
      <Notice tone="success" title={t('import.result.done')}>
        {imp.committed_at ? <p>{t('import.result.at', { at: dateTime(imp.committed_at) })}</p> : undefined}
      </Notice>
      <Figures
        label={t('import.result')}
        items={[
          { key: 'created', term: t('import.count.created'), value: c.created },
          { key: 'merged', term: t('import.count.merged'), value: c.merged },
          { key: 'skipped', term: t('import.count.skipped'), value: c.skipped },
        ]}
      />
      <div className="flex flex-wrap gap-4">
        <ButtonLink to="/patients">{t('import.result.toPatients')}</ButtonLink>
        <ButtonLink variant="outline" to="/imports">
          {t('import.another')}
        </ButtonLink>
      </div>
    </section>
  );
}

/** A run that failed: nothing of it was written. */
export function ImportFailure({ imp }: { imp: Import }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="failure-title" className={sectionClass}>
      <h2 id="failure-title" className={h2Class}>
        {t('import.failed')}
      </h2>
      <Notice tone="error" title={imp.failure ?? t('import.failed.unknown')}>
        <p>{t('import.failed.nothing')}</p>
      </Notice>
      <div>
        <ButtonLink to="/imports">{t('import.another')}</ButtonLink>
      </div>
    </section>
  );
}

// Step 3, 確認の結果: the dry run's figures, its problems row by row (and as a spreadsheet
// beside the file's rows), and the rows that may be patients Tsunagu already has, each with
// a choice: merge into the patient, register as new, or leave out.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { allImportDuplicates, downloadImportReport, importKeys, listImportDuplicates, listImportProblems, updateImport } from '../../api/imports';
import { asProblem, type Problem } from '../../api/problem';
import { Button, ButtonLink } from '../../components/Button';
import { RadioGroupField } from '../../components/Field';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { fieldErrorMessage, problemMessage, type MessageKey } from '../../i18n/translate';
import { DownloadButtons } from '../reports/Downloads';
import { duplicateReasonKey, labelOr } from './importLabels';
import { bulkChoice, changedDecisions, choiceValue, currentChoice, mergeTargets, undecided, type ChoiceValue } from './importModel';
import { Figures, h2Class, h3Class, sectionClass } from './parts';
import type { DuplicateAction, Import, ImportDuplicate } from './types';

export function ImportFigures({ imp }: { imp: Import }) {
  const { t } = useI18n();
  const c = imp.counts;
  return (
    <Figures
      label={t('import.counts')}
      items={[
        { key: 'rows', term: t('import.count.rows'), value: c.rows },
        { key: 'valid', term: t('import.count.valid'), value: c.valid },
        { key: 'invalid', term: t('import.count.invalid'), value: c.invalid },
        { key: 'duplicates', term: t('import.count.duplicates'), value: c.duplicates },
        { key: 'already_imported', term: t('import.count.already_imported'), value: c.already_imported, hint: t('import.count.already_imported.hint') },
      ]}
    />
  );
}

function Problems({ imp }: { imp: Import }) {
  const { t } = useI18n();
  const list = useCursorList(importKeys.problems(imp.id, imp.version), (after) => listImportProblems(imp.id, after));
  if (list.isPending) return <Loading />;
  if (list.error) return <LoadError error={list.error} retry={list.refetch} />;
  if (list.items.length === 0) return <p className="text-std-16N-170">{t('import.problemsEmpty')}</p>;
  return (
    <>
      <p className="max-w-3xl text-dns-16N-130 text-solid-gray-700">{t('import.problems.rowHint')}</p>
      <Table caption={t('import.problems')} head={[t('import.problem.row'), t('import.problem.column'), t('import.problem.message')]}>
        {list.items.map((p, i) => (
          <Row key={`${p.row}-${p.column ?? ''}-${p.code}-${i}`}>
            <Cell header>{t('import.rowNumber', { row: p.row })}</Cell>
            <Cell>{p.column ?? t('common.none')}</Cell>
            <Cell>
              {p.message}
              {p.value !== undefined && p.value !== null && p.value !== '' && (
                <span className="block text-dns-16N-130 text-solid-gray-700">{t('import.problem.value', { value: p.value })}</span>
              )}
            </Cell>
          </Row>
        ))}
      </Table>
      <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
    </>
  );
}

function reasonsText(t: (key: MessageKey) => string, reasons: readonly string[]): string {
  return reasons.map((r) => labelOr(t, duplicateReasonKey, r)).join('、');
}

function DuplicateRow({ d, value, onChange }: { d: ImportDuplicate; value: ChoiceValue | null; onChange: (v: ChoiceValue) => void }) {
  const { t, date } = useI18n();
  const who = [d.name, d.kana, d.birth_date ? date(d.birth_date) : null].filter(Boolean).join('　');
  const earlier = d.candidates.filter((c) => typeof c.patient_id !== 'string');
  const choices = [
    ...mergeTargets(d).map((c) => ({
      value: choiceValue('merge', c.patient_id),
      label: t('import.dup.mergeInto', { patient: [c.case_number, c.name].filter(Boolean).join(' ') }),
      description: t('import.dup.because', { reasons: reasonsText(t, c.reasons) }),
    })),
    { value: 'create', label: t('import.dup.create') },
    { value: 'skip', label: t('import.dup.skip') },
  ];
  return (
    <li className="flex flex-col gap-2 border-b border-solid-gray-420 pb-4" data-testid={`duplicate-${d.row}`}>
      <RadioGroupField
        name={`decision-${d.row}`}
        label={t('import.dup.legend', { row: d.row, who })}
        choices={choices}
        value={value ?? ''}
        onChange={onChange}
        columns={choices.length > 3 ? 2 : 3}
      />
      {earlier.length > 0 && (
        <ul className="list-disc pl-6 text-dns-16N-130 text-solid-gray-700">
          {earlier.map((c, i) => (
            <li key={`${c.row ?? ''}-${i}`}>
              {t('import.dup.earlierRow', { row: c.row ?? '?', name: c.name, reasons: reasonsText(t, c.reasons) })}
            </li>
          ))}
        </ul>
      )}
      {mergeTargets(d).length > 0 && (
        <p className="text-dns-16N-130">
          {mergeTargets(d).map((c) => (
            <Link key={c.patient_id} to={`/patients/${c.patient_id}`} target="_blank" rel="noopener" className="mr-4">
              {t('import.dup.openPatient', { patient: c.case_number ?? c.name })}
            </Link>
          ))}
        </p>
      )}
    </li>
  );
}

const BULK: readonly { action: DuplicateAction; key: 'import.dup.allMerge' | 'import.dup.allCreate' | 'import.dup.allSkip' }[] = [
  { action: 'merge', key: 'import.dup.allMerge' },
  { action: 'create', key: 'import.dup.allCreate' },
  { action: 'skip', key: 'import.dup.allSkip' },
];

/** A choice's name, as the status line after "all rows: …" says it. */
const choiceLabel = {
  merge: 'import.dup.merge',
  create: 'import.dup.create',
  skip: 'import.dup.skip',
} as const;

function Duplicates({ imp }: { imp: Import }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useCursorList(importKeys.duplicates(imp.id, imp.version), (after) => listImportDuplicates(imp.id, after));
  const [chosen, setChosen] = useState<Map<number, ChoiceValue>>(new Map());
  // Rows fetched for "all rows: …" beyond the pages shown, so their decisions are sent too.
  const [extra, setExtra] = useState<ImportDuplicate[]>([]);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);

  const known = (() => {
    const byRow = new Map<number, ImportDuplicate>();
    for (const d of [...extra, ...list.items]) byRow.set(d.row, d);
    return [...byRow.values()];
  })();

  const bulk = useMutation({
    mutationFn: (action: DuplicateAction) => allImportDuplicates(imp.id).then((all) => ({ action, all })),
    onSuccess: ({ action, all }) => {
      const next = new Map(chosen);
      let applied = 0;
      for (const d of all) {
        const v = bulkChoice(d, action);
        if (v === null) continue;
        next.set(d.row, v);
        applied += 1;
      }
      setExtra(all);
      setChosen(next);
      const label = t(choiceLabel[action]);
      setStatus(
        applied === all.length
          ? t('import.dup.bulkDone', { count: applied, choice: label })
          : t('import.dup.bulkPartly', { count: applied, choice: label, left: all.length - applied }),
      );
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const save = useMutation({
    mutationFn: () => updateImport(imp.id, { decisions: changedDecisions(known, chosen) }),
    onSuccess: (updated) => {
      queryClient.setQueryData(importKeys.one(imp.id), updated);
      void navigate(`/imports/${imp.id}?step=check`);
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  if (list.isPending) return <Loading />;
  if (list.error) return <LoadError error={list.error} retry={list.refetch} />;
  if (list.items.length === 0) return <p className="text-std-16N-170">{t('import.dupEmpty')}</p>;

  const open = undecided(known, chosen);
  const changes = changedDecisions(known, chosen).length;
  return (
    <form
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        setProblem(null);
        if (changes === 0 || save.isPending) return;
        save.mutate();
      }}
    >
      <p className="max-w-3xl text-std-16N-170">{t('import.dup.lead')}</p>
      <div role="group" aria-label={t('import.dup.bulk')} className="flex flex-wrap gap-3">
        {BULK.map((b) => (
          <Button key={b.action} size="sm" variant="outline" disabled={bulk.isPending} onClick={() => bulk.mutate(b.action)}>
            {t(b.key)}
          </Button>
        ))}
      </div>
      <p role="status" className="min-h-[1lh] text-dns-16N-130 text-solid-gray-700">
        {status}
      </p>
      <ul className="flex flex-col gap-4">
        {list.items.map((d) => (
          <DuplicateRow
            key={d.row}
            d={d}
            value={currentChoice(d, chosen)}
            onChange={(v) => {
              setChosen((m) => new Map(m).set(d.row, v));
              setStatus('');
            }}
          />
        ))}
      </ul>
      <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
      {problem && (
        <Notice tone="error" live="assertive" title={problemMessage(problem, lang)}>
          {problem.errors.length > 0 ? (
            <ul className="list-disc pl-6">
              {problem.errors.map((e, i) => (
                <li key={`${e.field}-${i}`}>{fieldErrorMessage(e, lang)}</li>
              ))}
            </ul>
          ) : undefined}
        </Notice>
      )}
      <p className="text-std-16N-170" data-testid="undecided">
        {open > 0 ? t('import.dup.undecided', { count: open }) : t('import.dup.allDecided')}
      </p>
      <div>
        <Button type="submit" disabled={save.isPending || changes === 0} aria-disabled={save.isPending || changes === 0 || undefined}>
          {save.isPending ? t('import.rechecking') : t('import.dup.save', { count: changes })}
        </Button>
      </div>
    </form>
  );
}

export function CheckStep({ imp }: { imp: Import }) {
  const { t } = useI18n();
  const c = imp.counts;
  return (
    <>
      <section aria-labelledby="check-title" className={sectionClass}>
        <h2 id="check-title" className={h2Class}>
          {t('import.step.check')}
        </h2>
        <ImportFigures imp={imp} />
        {c.invalid === 0 && c.duplicates === 0 && <Notice tone="success" title={t('import.clean')} />}
      </section>
      <section aria-labelledby="problems-title" className={sectionClass}>
        <h3 id="problems-title" className={h3Class}>
          {t('import.problems')}
        </h3>
        {c.invalid > 0 && (
          <>
            <p className="max-w-3xl text-std-16N-170">
              {t('import.problems.fix')} <Link to={`/imports/${imp.id}?step=mapping`}>{t('import.problems.toMapping')}</Link>
            </p>
            <DownloadButtons
              testId="import-report"
              groupLabel={t('import.report')}
              choices={[
                {
                  id: 'report',
                  label: t('import.report.download'),
                  format: 'Excel',
                  fetch: () => downloadImportReport(imp.id, `${imp.file_name.replace(/\.[^.]+$/, '')}-errors.xlsx`),
                },
              ]}
            />
          </>
        )}
        <Problems imp={imp} />
      </section>
      <section aria-labelledby="duplicates-title" className={sectionClass}>
        <h3 id="duplicates-title" className={h3Class}>
          {t('import.duplicates')}
        </h3>
        <Duplicates key={imp.version} imp={imp} />
      </section>
      <div>
        <ButtonLink to={`/imports/${imp.id}?step=commit`}>{t('import.toCommit')}</ButtonLink>
      </div>
    </>
  );
}

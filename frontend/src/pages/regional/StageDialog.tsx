// The small dialog that moves an issue to another stage: it asks why (required), sends the
// change with the issue's version, and says in Japanese why the server refused (a skipped
// stage, no measure yet, the same stage, or someone else's change first).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { IssueStage } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { changeStage, type RegionalIssue } from '../../api/regional';
import { Button } from '../../components/Button';
import { TextAreaField, fieldId } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';
import { fieldErrorMessage, problemMessage } from '../../i18n/translate';
import { stageLabel } from './regionalLabels';

export interface StageMove {
  readonly issue: Pick<RegionalIssue, 'id' | 'title' | 'stage'>;
  readonly to: IssueStage;
  /** The issue's ETag (from its read, or its listed version). */
  readonly etag: string;
}

/** The messages of a refused move: the field errors' own codes, else the problem's. */
function refusal(problem: Problem, lang: 'ja' | 'en'): string[] {
  if (problem.errors.length > 0) return problem.errors.map((e) => fieldErrorMessage(e, lang));
  return [problemMessage(problem, lang)];
}

export function StageDialog({
  move,
  onMoved,
  onClose,
  onStale,
}: {
  move: StageMove;
  /** After the server accepted: the issue at its new stage. */
  onMoved: (issue: RegionalIssue) => void;
  /** Closed without a move (cancel, Escape). */
  onClose: () => void;
  /** Someone else changed the issue first (412): read it again before another try. */
  onStale: () => void;
}) {
  const i = useI18n();
  const { t, lang } = i;
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (reason.trim() === '') {
      setMissing(true);
      document.getElementById(fieldId('stage-reason'))?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      const { issue } = await changeStage(move.issue.id, move.to, reason.trim(), move.etag);
      onMoved(issue.data);
    } catch (err) {
      const p = asProblem(err);
      setProblem(p);
      if (p?.status === 412) onStale();
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby="stage-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-8 border border-solid-gray-420 p-0 backdrop:bg-black/50"
    >
      <form onSubmit={(e) => void submit(e)} noValidate className="flex flex-col gap-4 p-6">
        <h2 id="stage-dialog-title" className="text-std-20B-150">
          {t('issue.moveTitle', { to: stageLabel(i, move.to) })}
        </h2>
        <p className="text-std-16N-170">
          {t('issue.moveLead', { title: move.issue.title, from: stageLabel(i, move.issue.stage), to: stageLabel(i, move.to) })}
        </p>
        {problem && (
          <Notice tone="error" live="assertive" title={t('issue.moveRefused')}>
            <ul className="list-disc pl-6">
              {refusal(problem, lang).map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </Notice>
        )}
        <TextAreaField
          name="stage-reason"
          label={t('issue.reason')}
          hint={t('issue.reasonHint')}
          required
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          errors={missing ? [t('fieldError.required')] : []}
          // The dialog opens on the one thing to do.
          autoFocus
        />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" aria-disabled={busy || undefined}>
            {busy ? t('form.saving') : t('issue.moveSubmit')}
          </Button>
          <Button variant="outline" onClick={onClose}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}

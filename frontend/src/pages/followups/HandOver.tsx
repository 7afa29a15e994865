// 担当の引き継ぎ: a supervisor hands every open follow-up of a consultant who is away or
// leaving to a colleague, in one step (the server moves all or none).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { reassignFollowUps } from '../../api/resources';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaff } from '../cases/useCaseData';

const CASE_ROLES = ['consultant', 'supervisor', 'self_reliance_worker'];

export function HandOver() {
  const { t } = useI18n();
  const staff = useStaff();
  const queryClient = useQueryClient();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const errorsFor = useFieldErrors(problem);
  const button = useRef<HTMLButtonElement>(null);
  const workers = (staff.data ?? []).filter((u) => CASE_ROLES.includes(u.role));
  const name = (id: string) => workers.find((u) => u.id === id)?.display_name ?? '';
  const move = useMutation({
    mutationFn: () => reassignFollowUps(from, to),
    onSuccess: async (count) => {
      setConfirming(false);
      setProblem(null);
      setDone(t('handOver.done', { count, from: name(from), to: name(to) }));
      setFrom('');
      setTo('');
      await queryClient.invalidateQueries({ queryKey: keys.cases });
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (from === '' || to === '' || from === to) {
      setProblem({
        status: 422,
        code: 'validation_failed',
        title: 'The input is not valid',
        detail: null,
        type: null,
        errors: [
          from === ''
            ? { field: 'from_assignee_id', code: 'required', message: 'choose whose follow-ups move' }
            : { field: 'assignee_id', code: to === '' ? 'required' : 'same_person', message: 'choose someone else' },
        ],
        retryAfterSeconds: null,
      });
      return;
    }
    setProblem(null);
    setConfirming(true);
  };
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="hand-over-title"
      className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4"
    >
      <h2 id="hand-over-title" className="text-std-20B-150">
        {t('handOver.title')}
      </h2>
      <p className="text-std-16N-170">{t('handOver.lead')}</p>
      <ErrorSummary
        id="hand-over-errors"
        problem={problem}
        fields={{ from_assignee_id: t('handOver.from'), assignee_id: t('handOver.to') }}
      />
      {done && (
        <Notice tone="success" live="polite">
          {done}
        </Notice>
      )}
      <div className="flex flex-wrap items-end gap-4">
        <div className="min-w-60">
          <SelectField
            name="from_assignee_id"
            label={t('handOver.from')}
            placeholder={t('handOver.choose')}
            options={workers.map((u) => ({ value: u.id, label: u.display_name }))}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            errors={errorsFor('from_assignee_id')}
          />
        </div>
        <div className="min-w-60">
          <SelectField
            name="assignee_id"
            label={t('handOver.to')}
            placeholder={t('handOver.choose')}
            options={workers.filter((u) => u.active && u.id !== from).map((u) => ({ value: u.id, label: u.display_name }))}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            errors={errorsFor('assignee_id')}
          />
        </div>
        <Button ref={button} type="submit" variant="outline" disabled={move.isPending}>
          {t('handOver.submit')}
        </Button>
      </div>
      {confirming && (
        <ConfirmPanel
          id="hand-over-confirm"
          title={t('handOver.confirmTitle', { from: name(from), to: name(to) })}
          confirmLabel={t('handOver.confirm')}
          busy={move.isPending}
          onConfirm={() => move.mutate()}
          onCancel={() => {
            setConfirming(false);
            button.current?.focus();
          }}
        >
          <p className="text-std-16N-170">{t('handOver.confirmBody')}</p>
        </ConfirmPanel>
      )}
    </form>
  );
}

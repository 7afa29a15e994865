import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys } from '../../api/client';
import { ISSUE_CATEGORIES, fromSelect, type IssueCategory } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createRegionalIssue } from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { optionalText } from '../../components/forms';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { categoryLabel } from './regionalLabels';

export function useIssueLabels() {
  const { t } = useI18n();
  return {
    title: t('issue.title'),
    category: t('issue.category'),
    description: t('issue.description'),
    evidence: t('issue.evidence'),
    evaluation: t('issue.evaluation'),
  };
}

/** 地域の課題の登録: it starts at ①課題の抽出. */
export function IssueNewPage() {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useIssueLabels();
  const [values, setValues] = useState({ title: '', category: '', description: '', evidence: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const set = (k: keyof typeof values, v: string) => setValues((old) => ({ ...old, [k]: v }));
  const body = {
    title: values.title.trim(),
    category: fromSelect<IssueCategory>(values.category),
    description: optionalText(values.description),
    evidence: optionalText(values.evidence),
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createRegionalIssue(body, idempotencyKey),
    onSuccess: async (issue) => {
      await queryClient.invalidateQueries({ queryKey: keys.regionalIssues });
      void navigate(`/regional-issues/${issue.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('issue.newTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('issue.newLead')}</p>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <TextField
          name="title"
          label={labels.title}
          hint={t('issue.titleHint')}
          required
          maxLength={200}
          value={values.title}
          onChange={(e) => set('title', e.target.value)}
          errors={errorsFor('title')}
        />
        <SelectField
          name="category"
          label={labels.category}
          required
          placeholder={t('common.selectPlaceholder')}
          options={ISSUE_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(i, c) }))}
          value={values.category}
          onChange={(e) => set('category', e.target.value)}
          errors={errorsFor('category')}
        />
        <TextAreaField
          name="description"
          label={labels.description}
          value={values.description}
          onChange={(e) => set('description', e.target.value)}
          errors={errorsFor('description')}
        />
        <TextAreaField
          name="evidence"
          label={labels.evidence}
          hint={t('issue.evidenceHint')}
          value={values.evidence}
          onChange={(e) => set('evidence', e.target.value)}
          errors={errorsFor('evidence')}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/regional-issues" />
      </form>
    </>
  );
}

// A regional issue as a council member reads it: its stage ①〜④, description, the meetings
// that discussed it, and the comments, with one of their own to add.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { councilKeys, createComment, getRegionalIssue, listComments } from '../../api/councils';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { ReadOnlyField, TextAreaField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { issueStageKey, labelOf } from './councilLabels';
import { CouncilLoadError, h2Class, sectionClass } from './common';

export function IssuePage() {
  const { id = '' } = useParams();
  const { t, date } = useI18n();
  const q = useQuery({ queryKey: councilKeys.issue(id), queryFn: () => getRegionalIssue(id) });
  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <>
        <PageTitle>{t('council.issue.title')}</PageTitle>
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      </>
    );
  }
  const issue = q.data;
  return (
    <>
      <PageTitle>{issue.title}</PageTitle>
      <div className="grid gap-4">
        <ReadOnlyField label={t('council.issue.stage')} value={labelOf(t, issueStageKey, issue.stage)} />
        <ReadOnlyField
          label={t('council.issue.description')}
          value={<span className="whitespace-pre-wrap">{issue.description || t('common.none')}</span>}
        />
        <ReadOnlyField label={t('council.issue.evidence')} value={<span className="whitespace-pre-wrap">{issue.evidence || t('common.none')}</span>} />
      </div>
      <section aria-labelledby="issue-meetings" className={sectionClass}>
        <h2 id="issue-meetings" className={h2Class}>
          {t('council.issue.meetings')}
        </h2>
        {issue.meetings.length === 0 ? (
          <p className="text-std-16N-170">{t('common.none')}</p>
        ) : (
          <ul className="list-disc pl-6 text-std-16N-170">
            {issue.meetings.map((m) => (
              <li key={m.meeting_id}>
                <Link to={`/meetings/${m.meeting_id}`}>
                  {date(m.held_on)} {m.title}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Comments issueId={id} />
    </>
  );
}

function Comments({ issueId }: { issueId: string }) {
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: councilKeys.comments(issueId), queryFn: () => listComments(issueId) });
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [posted, setPosted] = useState(false);
  const errorsFor = useFieldErrors(problem);
  const key = useIdempotencyKey({ issueId, body });
  const mutation = useMutation({
    mutationFn: () => createComment(issueId, body.trim(), key),
    onSuccess: () => {
      setBody('');
      setProblem(null);
      setPosted(true);
      void queryClient.invalidateQueries({ queryKey: councilKeys.comments(issueId) });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <section aria-labelledby="issue-comments" className={sectionClass}>
      <h2 id="issue-comments" className={h2Class}>
        {t('council.issue.comments')}
      </h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('council.issue.commentsEmpty')}</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {q.data.map((c) => (
            <li key={c.id} className="rounded-8 border border-solid-gray-420 p-3">
              <p className="text-dns-16N-130 text-solid-gray-700">
                {c.author_name}・{dateTime(c.created_at)}
              </p>
              <p className="whitespace-pre-wrap text-std-16N-170">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
      {posted && <Notice tone="success" live="polite" title={t('council.issue.comment.posted')} />}
      <ErrorSummary problem={problem} fields={{ body: t('council.issue.comment') }} id="comment-errors" />
      <form
        noValidate
        className="flex max-w-3xl flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setPosted(false);
          if (!mutation.isPending) mutation.mutate();
        }}
      >
        <TextAreaField
          name="body"
          label={t('council.issue.comment')}
          required
          value={body}
          onChange={(e) => setBody(e.target.value)}
          errors={errorsFor('body')}
        />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {t('council.issue.comment.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}

// 地域の課題: the officer's board, a column per PDCA stage (①課題の抽出 ②対策の検討 ③対策の
// 実施 ④対策の評価). A card moves with buttons, never by dragging, so a keyboard and a
// screen reader move it as well as a mouse: the reason is asked in a dialog, the move is
// announced, and focus follows the card to its new column. The columns stack on a phone.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { ISSUE_CATEGORIES, ISSUE_STAGES, isIssueCategory, type IssueStage } from '../../api/enums';
import { allRegionalIssues, etagOfVersion, type RegionalIssue } from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { Button, ButtonLink } from '../../components/Button';
import { SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { categoryLabel, stageLabel } from './regionalLabels';
import { byStage, nextStage, previousStage } from './regionalModel';
import { StageDialog, type StageMove } from './StageDialog';

function cardLinkId(id: string): string {
  return `issue-card-${id}`;
}

export function IssuesBoardPage() {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const rawCategory = params.get('category') ?? '';
  const category = isIssueCategory(rawCategory) ? rawCategory : undefined;
  const filter = category ? { category } : {};
  const q = useQuery({ queryKey: [...keys.regionalIssues, filter], queryFn: () => allRegionalIssues(filter) });
  const [move, setMove] = useState<StageMove | null>(null);
  const [announcement, setAnnouncement] = useState('');
  // The button that opened the dialog, to return to when it closes without a move.
  const opener = useRef<HTMLElement | null>(null);
  // The card that moved, to take focus in its new column once the dialog has closed:
  // closing a modal dialog hands focus back to its opener, so this must come after.
  const moved = useRef<string | null>(null);
  useEffect(() => {
    if (move !== null || moved.current === null) return;
    document.getElementById(cardLinkId(moved.current))?.focus();
    moved.current = null;
  }, [move, q.data]);

  const open = (issue: RegionalIssue, to: IssueStage) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setAnnouncement('');
    setMove({ issue, to, etag: etagOfVersion(issue.version) });
  };

  const onMoved = (issue: RegionalIssue) => {
    setMove(null);
    queryClient.setQueryData<RegionalIssue[]>([...keys.regionalIssues, filter], (old) =>
      old?.map((x) => (x.id === issue.id ? issue : x)),
    );
    void queryClient.invalidateQueries({ queryKey: keys.regionalIssues });
    setAnnouncement(t('issue.moved', { title: issue.title, to: stageLabel(i, issue.stage) }));
    // Focus follows the card to its new column (the effect above, after the dialog's close).
    moved.current = issue.id;
  };

  const onClose = () => {
    setMove(null);
    opener.current?.focus();
  };

  const columns = byStage(q.data ?? []);

  return (
    <>
      <PageTitle>{t('issue.boardTitle')}</PageTitle>
      <FlashNotice />
      <p className="max-w-4xl text-std-16N-170">{t('issue.boardLead')}</p>
      <div className="flex flex-wrap items-end gap-6">
        <ButtonLink to="/regional-issues/new">{t('issue.new')}</ButtonLink>
        <div className="min-w-64">
          <SelectField
            name="category"
            label={t('issue.filterCategory')}
            placeholder={t('issue.allCategories')}
            options={ISSUE_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(i, c) }))}
            value={category ?? ''}
            onChange={(e) => setParams(e.target.value === '' ? {} : { category: e.target.value }, { replace: true })}
          />
        </div>
      </div>
      {/* Always in the page, so that what is written into it is read out. */}
      <p role="status" aria-live="polite" className="min-h-[1lh] text-std-16N-170" data-testid="board-status">
        {announcement}
      </p>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4" data-testid="issue-board">
          {ISSUE_STAGES.map((stage) => (
            <section
              key={stage}
              aria-labelledby={`column-${stage}`}
              className="flex flex-col gap-3 rounded-8 bg-solid-gray-50 p-3"
              data-testid={`column-${stage}`}
            >
              <h2 id={`column-${stage}`} className="text-std-18B-160">
                {stageLabel(i, stage)}
                <span className="ml-2 text-dns-16N-130 text-solid-gray-700">{t('issue.count', { count: columns[stage].length })}</span>
              </h2>
              {columns[stage].length === 0 ? (
                <p className="text-dns-16N-130 text-solid-gray-700">{t('issue.columnEmpty')}</p>
              ) : (
                <ul className="flex flex-col gap-3">
                  {columns[stage].map((issue) => {
                    const back = previousStage(issue.stage);
                    const forward = nextStage(issue.stage);
                    return (
                      <li key={issue.id} className="flex flex-col gap-2 rounded-8 border border-solid-gray-420 bg-white p-3">
                        <h3 className="text-std-16B-170">
                          <Link id={cardLinkId(issue.id)} to={`/regional-issues/${issue.id}`}>
                            {issue.title}
                          </Link>
                        </h3>
                        <p>
                          <span className="inline-block rounded-4 border border-solid-gray-600 px-2 text-dns-16N-130">
                            {categoryLabel(i, issue.category)}
                          </span>
                        </p>
                        <div className="flex flex-wrap gap-2">
                          {back && (
                            <Button variant="outline" size="sm" onClick={() => open(issue, back)}>
                              {t('issue.back')}
                              <span className="sr-only">{t('issue.moveContext', { title: issue.title, to: stageLabel(i, back) })}</span>
                            </Button>
                          )}
                          {forward && (
                            <Button size="sm" onClick={() => open(issue, forward)}>
                              {t('issue.forward')}
                              <span className="sr-only">
                                {t('issue.moveContext', { title: issue.title, to: stageLabel(i, forward) })}
                              </span>
                            </Button>
                          )}
                        </div>
                      </li>
                    );
                  })}
                </ul>
              )}
            </section>
          ))}
        </div>
      )}
      {move && (
        <StageDialog
          move={move}
          onMoved={onMoved}
          onClose={onClose}
          onStale={() => void queryClient.invalidateQueries({ queryKey: keys.regionalIssues })}
        />
      )}
    </>
  );
}

// The yearly summary (実施状況) as the officer previews it and the public reads it: the
// councils and their meetings, the issues by stage (a chart with its table), by category,
// the measures done, and the indicators before and after, with counts under the threshold
// written 「N未満」.
import { useId } from 'react';
import { ISSUE_STAGES } from '../../api/enums';
import type { PublicationSummary } from '../../api/regional';
import { useI18n } from '../../i18n/I18nProvider';
import { CountChart } from '../reports/charts';
import { FigureTable, Num, RowHead, TableRow, Text } from '../reports/sections';
import { categoryLabel, councilKindLabel, councilScopeLabel, stageLabel } from './regionalLabels';
import { isSuppressed, shownLabel } from './regionalModel';

export function SummaryView({ summary, headingLevel = 2 }: { summary: PublicationSummary; headingLevel?: 2 | 3 }) {
  const i = useI18n();
  const { t, lang } = i;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const hClass = headingLevel === 2 ? 'text-std-22B-150' : 'text-std-20B-150';
  const stageDesc = useId();
  const stages = ISSUE_STAGES.map((s) => ({ stage: s, count: summary.issues_by_stage.find((x) => x.stage === s)?.count ?? 0 }));
  return (
    <div className="flex flex-col gap-8" data-testid="summary">
      <section className="flex flex-col gap-3">
        <H className={hClass}>{t('summary.councils')}</H>
        <p className="text-std-16N-170" data-testid="meetings-held">
          {t('summary.meetingsHeld', { count: summary.meetings_held })}
        </p>
        {summary.councils.length === 0 ? (
          <p className="text-std-16N-170">{t('summary.noCouncils')}</p>
        ) : (
          <FigureTable caption={t('summary.councilsCaption')} head={[t('summary.councilName'), t('summary.councilKind'), t('summary.councilScope'), t('summary.meetings')]} numericFrom={3}>
            {summary.councils.map((c) => (
              <TableRow key={`${c.name}-${c.parent_name ?? ''}`}>
                <RowHead>
                  {c.name}
                  {c.parent_name ? `（${c.parent_name}）` : ''}
                </RowHead>
                <Text>{councilKindLabel(i, c.kind)}</Text>
                <Text>{councilScopeLabel(i, c.scope)}</Text>
                <Num>{c.meetings_held}</Num>
              </TableRow>
            ))}
          </FigureTable>
        )}
      </section>

      <section className="flex flex-col gap-3">
        <H className={hClass}>{t('summary.issuesByStage')}</H>
        <p id={stageDesc} className="text-std-16N-170">
          {stages.map((s) => `${stageLabel(i, s.stage)} ${t('issue.count', { count: s.count })}`).join(lang === 'ja' ? '、' : ', ')}
        </p>
        <CountChart
          labels={stages.map((s) => stageLabel(i, s.stage))}
          counts={stages.map((s) => s.count)}
          seriesLabel={t('summary.issues')}
          title={t('summary.issuesByStage')}
          describedBy={stageDesc}
          testId="stage-chart"
        />
        <FigureTable caption={t('summary.issuesByCategory')} head={[t('issue.category'), t('summary.issues')]}>
          {summary.issues_by_category.map((c) => (
            <TableRow key={c.category}>
              <RowHead>{categoryLabel(i, c.category)}</RowHead>
              <Num>{c.count}</Num>
            </TableRow>
          ))}
        </FigureTable>
        <p className="text-std-16N-170" data-testid="measures-done">
          {t('summary.measuresDone', { done: summary.measures_done, total: summary.measures_total })}
        </p>
      </section>

      <section className="flex flex-col gap-3">
        <H className={hClass}>{t('summary.indicators')}</H>
        {summary.indicators.length === 0 ? (
          <p className="text-std-16N-170">{t('summary.noIndicators')}</p>
        ) : (
          <FigureTable
            caption={t('summary.indicatorsCaption')}
            head={[t('summary.indicator'), t('summary.issueTitle'), t('summary.target'), t('summary.before'), t('summary.after')]}
            numericFrom={3}
            testId="indicators"
          >
            {summary.indicators.map((ind, n) => (
              <TableRow key={`${ind.issue_title}-${ind.label}-${n}`}>
                <RowHead>{ind.label}</RowHead>
                <Text>{ind.issue_title}</Text>
                <Text>{ind.target ?? t('common.none')}</Text>
                <Num>
                  <Shown label={shownLabel(ind.before, lang)} suppressed={isSuppressed(ind.before)} year={i.fiscalYear(ind.before_fiscal_year)} />
                </Num>
                <Num>
                  <Shown label={shownLabel(ind.after, lang)} suppressed={isSuppressed(ind.after)} year={i.fiscalYear(ind.after_fiscal_year)} />
                </Num>
              </TableRow>
            ))}
          </FigureTable>
        )}
      </section>
    </div>
  );
}

/** A published value with its year; a suppressed one says so in words as well as in its label. */
function Shown({ label, suppressed, year }: { label: string; suppressed: boolean; year: string }) {
  const { t } = useI18n();
  return (
    <span className="flex flex-col items-end">
      <span className={suppressed ? 'text-solid-gray-700' : ''} data-suppressed={suppressed || undefined}>
        {label}
        {suppressed && <span className="sr-only">{t('summary.suppressedNote')}</span>}
      </span>
      <span className="text-dns-16N-130 text-solid-gray-700">{year}</span>
    </span>
  );
}

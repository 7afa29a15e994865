// A council member's home: the councils they sit on, their meetings (papers are on each
// meeting's page) and the regional issues of those councils. Sends them to the pledge
// first when the server asks for it.
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { councilKeys, listCouncils, listMeetings, listRegionalIssues } from '../../api/councils';
import { Notice } from '../../components/Notice';
import { Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { issueStageKey, labelOf } from './councilLabels';
import { stageMark } from './councilModel';
import { CouncilLoadError, h2Class, sectionClass } from './common';
import { MeetingTable } from './CouncilPage';
import { CouncilTable } from './CouncilsPage';

export function MemberHome() {
  const { t } = useI18n();
  const location = useLocation();
  const pledged = (location.state as { pledged?: boolean } | null)?.pledged === true;
  const councils = useQuery({ queryKey: councilKeys.list(), queryFn: () => listCouncils() });
  const meetings = useQueries({
    queries: (councils.data ?? []).map((c) => ({ queryKey: councilKeys.meetings(c.id), queryFn: () => listMeetings(c.id) })),
  });
  const issues = useQuery({ queryKey: councilKeys.issues, queryFn: listRegionalIssues, enabled: councils.isSuccess });
  if (councils.isPending) return <Loading />;
  if (councils.error) return <CouncilLoadError error={councils.error} retry={() => void councils.refetch()} />;
  return (
    <>
      {pledged && <Notice tone="success" live="polite" title={t('pledge.done')} />}
      <section aria-labelledby="member-councils" className={sectionClass}>
        <h2 id="member-councils" className={h2Class}>
          {t('council.myHome')}
        </h2>
        {councils.data.length === 0 ? <p className="text-std-16N-170">{t('council.memberEmpty')}</p> : <CouncilTable councils={councils.data} />}
      </section>
      {councils.data.map((c, i) => {
        const m = meetings[i];
        return (
          <section key={c.id} aria-labelledby={`member-meetings-${c.id}`} className={sectionClass}>
            <h2 id={`member-meetings-${c.id}`} className={h2Class}>
              {c.name}：{t('council.meetings')}
            </h2>
            {!m || m.isPending ? (
              <Loading />
            ) : m.error ? (
              <CouncilLoadError error={m.error} />
            ) : m.data.length === 0 ? (
              <p className="text-std-16N-170">{t('council.meetingsEmpty')}</p>
            ) : (
              <MeetingTable meetings={m.data} caption={`${c.name}：${t('council.meetings')}`} />
            )}
          </section>
        );
      })}
      <section aria-labelledby="member-issues" className={sectionClass}>
        <h2 id="member-issues" className={h2Class}>
          {t('council.myIssues')}
        </h2>
        {issues.isPending ? (
          <Loading />
        ) : issues.error ? (
          <CouncilLoadError error={issues.error} retry={() => void issues.refetch()} />
        ) : issues.data.length === 0 ? (
          <p className="text-std-16N-170">{t('council.issuesEmpty')}</p>
        ) : (
          <ul className="flex flex-col gap-2 text-std-16N-170">
            {issues.data.map((i) => (
              <li key={i.id}>
                <Link to={`/council-issues/${i.id}`}>
                  <span aria-hidden="true">{stageMark(i.stage)} </span>
                  {i.title}
                </Link>
                <span className="ml-2 text-dns-16N-130 text-solid-gray-700">{labelOf(t, issueStageKey, i.stage)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

// The center's 小慢 optional projects (任意事業): each with its kind, period and the body it is
// commissioned to. Each row opens the project and its sessions.
import { Link } from 'react-router';
import { keys } from '../../api/client';
import { asProblem } from '../../api/problem';
import { listProjects } from '../../api/projects';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { projectKindLabel, projectPeriod } from './shomanLabels';

export function ProjectsPage() {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList([...keys.projects, 'list'], (cursor) => listProjects(cursor), { alwaysRefetch: true });
  const notOffered = asProblem(list.error)?.code === 'program_not_offered';
  return (
    <>
      <PageTitle>{t('project.listTitle')}</PageTitle>
      <FlashNotice />
      <p className="max-w-4xl text-std-16N-170">{t('project.lead')}</p>
      <div className="flex flex-wrap gap-3">
        <ButtonLink to="/projects/new">{t('project.new')}</ButtonLink>
        <ButtonLink variant="outline" to="/needs">
          {t('need.listTitle')}
        </ButtonLink>
      </div>
      {list.isPending ? (
        <Loading />
      ) : notOffered ? (
        <Notice tone="info" title={t('problem.program_not_offered')} />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {t('project.empty')}
        </p>
      ) : (
        <>
          <Table caption={t('project.listTitle')} head={[t('project.name'), t('project.kind'), t('project.period'), t('project.partner')]}>
            {list.items.map((p) => (
              <Row key={p.id}>
                <Cell header>
                  <Link to={`/projects/${p.id}`} data-testid="project-link">
                    {p.name}
                  </Link>
                </Cell>
                <Cell>{projectKindLabel(i, p.kind)}</Cell>
                <Cell>{projectPeriod(i, p.started_on, p.ended_on)}</Cell>
                <Cell>{p.partner ?? t('common.none')}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </>
      )}
    </>
  );
}

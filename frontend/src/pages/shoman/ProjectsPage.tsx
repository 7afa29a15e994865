// The center's 小慢 optional projects (任意事業): each with its kind, period and the body it is
// commissioned to. Each row opens the project and its sessions.
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem } from '../../api/problem';
import { listProjects } from '../../api/projects';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { projectKindLabel, projectPeriod } from './shomanLabels';
import { PROJECT_KINDS, PROJECT_VIEWS, projectFilter } from './shomanModel';

export function ProjectsPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind') ?? '';
  const view = params.get('view') ?? 'active';
  const filter = projectFilter(kind, view);
  const list = useCursorList([...keys.projects, 'list', filter], (cursor) => listProjects(filter, cursor), {
    keepPrevious: true,
    alwaysRefetch: true,
  });
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
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
      <div className="flex flex-wrap items-end gap-6">
        <div className="min-w-60">
          <SelectField
            name="filter_kind"
            label={t('project.filterKind')}
            options={[{ value: '', label: t('common.all') }, ...PROJECT_KINDS.map((k) => ({ value: k, label: projectKindLabel(i, k) }))]}
            value={kind}
            onChange={(e) => update('kind', e.target.value)}
          />
        </div>
        <div className="min-w-48">
          <SelectField
            name="filter_view"
            label={t('project.filterView')}
            options={PROJECT_VIEWS.map((v) => ({ value: v, label: t(`projectView.${v}`) }))}
            value={view}
            onChange={(e) => update('view', e.target.value)}
          />
        </div>
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
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
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
        </div>
      )}
    </>
  );
}

// One 小慢 optional project: what it is, its sessions (date, activity, place, staff, counts,
// named participants) and the form to record a session.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { keys } from '../../api/client';
import { getProject, listProjectSessions, type Project } from '../../api/projects';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { Facts } from '../patients/Timeline';
import { RecordSession } from './RecordSession';
import { activityLabel, participantRoleLabel, projectKindLabel, projectPeriod } from './shomanLabels';
import { PatientNameById } from './PatientPicker';

function Sessions({ project }: { project: Project }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const list = useCursorList(keys.projectSessions(project.id), (cursor) => listProjectSessions(project.id, cursor), {
    alwaysRefetch: true,
  });
  return (
    <section aria-labelledby="project-sessions" className="flex flex-col gap-3">
      <h2 id="project-sessions" className="text-std-22B-150">
        {t('session.title')}
      </h2>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('session.empty')}</p>
      ) : (
        <>
          <Table
            caption={t('session.title')}
            head={[
              t('session.heldOn'),
              t('session.activity'),
              t('session.place'),
              t('session.staff'),
              t('session.counts'),
              t('session.participants'),
            ]}
          >
            {list.items.map((s) => (
              <Row key={s.id}>
                <Cell header>
                  <span className="whitespace-nowrap">{i.date(s.held_on, { era: false })}</span>
                </Cell>
                <Cell>{activityLabel(i, s.activity)}</Cell>
                <Cell>
                  {s.online ? t('session.onlineShort') : (s.place ?? t('common.none'))}
                  {s.online && s.place ? `（${s.place}）` : ''}
                </Cell>
                <Cell>{s.staff_ids.length > 0 ? s.staff_ids.map((id) => staffName(id)).join('、') : t('common.none')}</Cell>
                <Cell>
                  <span className="whitespace-nowrap">
                    {t('session.countsValue', { children: s.children_count, family: s.family_count })}
                  </span>
                </Cell>
                <Cell>
                  {s.participants.length === 0 ? (
                    t('common.none')
                  ) : (
                    <ul>
                      {s.participants.map((p) => (
                        <li key={`${p.patient_id}-${p.role}`}>
                          <Link to={`/patients/${p.patient_id}`}>
                            <PatientNameById id={p.patient_id} />
                          </Link>
                          （{participantRoleLabel(i, p.role)}）
                        </li>
                      ))}
                    </ul>
                  )}
                </Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </>
      )}
    </section>
  );
}

export function ProjectPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const q = useQuery({ queryKey: keys.project(id), queryFn: () => getProject(id) });
  const [message, setMessage] = useState<string | null>(null);
  if (q.isPending || q.error) {
    return (
      <>
        <PageTitle>{t('project.resource')}</PageTitle>
        {q.isPending ? <Loading /> : <LoadError error={q.error} retry={() => void q.refetch()} />}
      </>
    );
  }
  const p = q.data.data;
  return (
    <>
      <PageTitle>{p.name}</PageTitle>
      <FlashNotice />
      {message && <Notice tone="success" live="polite" title={message} />}
      <p>
        <Link to="/projects">{t('project.backToList')}</Link>
      </p>
      <section aria-labelledby="project-summary" className="flex flex-col gap-3">
        <h2 id="project-summary" className="text-std-22B-150">
          {t('project.summary')}
        </h2>
        <Facts
          items={[
            [t('project.kind'), projectKindLabel(i, p.kind)],
            [t('project.period'), projectPeriod(i, p.started_on, p.ended_on)],
            [t('project.partner'), p.partner ?? t('common.none')],
            [t('project.description'), p.description ?? t('common.none')],
          ]}
        />
        <div>
          <ButtonLink variant="outline" to={`/projects/${p.id}/edit`}>
            {t('project.edit')}
          </ButtonLink>
        </div>
      </section>
      <Sessions project={p} />
      <RecordSession project={p} onDone={setMessage} />
    </>
  );
}

import { useQueries, useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { keys } from '../api/client';
import { getCenter, getPatient, listConsultations, listFollowUps, listFollowUpsDue, listPatients } from '../api/resources';
import { PageTitle } from '../app/PageTitle';
import { useAuth, useMe } from '../auth/AuthProvider';
import { capabilities, PEER_SUPPORT_REPORT_PATH } from '../auth/permissions';
import { FlashNotice } from '../components/Flash';
import { Notice } from '../components/Notice';
import { LoadError, Loading } from '../components/QueryState';
import { Cell, Row, Table } from '../components/Table';
import { useI18n, type I18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/translate';
import { addDays, currentFiscalYear, todayInTokyo } from '../lib/datetime';
import { FollowUpTable } from './followups/FollowUpTable';
import { NotificationList } from './Notifications';
import { MemberHome } from './councils/MemberHome';
import { showsPlansDue } from './supportPlans/planDue';
import { PlansDue } from './supportPlans/PlansDue';
import { useOwnPrograms } from '../app/useOwnCenter';
import { channelLabel, joinLabels, patientName, prefectureLabel, roleLabel, topicLabel, withNote } from './labels';

interface Task {
  readonly to: string;
  readonly title: MessageKey;
  readonly desc: MessageKey;
}

const HOME_FOLLOW_UPS = 20;
const HOME_CONSULTATIONS = 5;

function useTasks(programs: readonly string[]): Task[] {
  const { role } = useAuth();
  const can = capabilities(role);
  const tasks: Task[] = [];
  if (can.workCases) {
    tasks.push({ to: '/consultations/new', title: 'home.task.consultation', desc: 'home.task.consultation.desc' });
    tasks.push({ to: '/patients', title: 'home.task.patients', desc: 'home.task.patients.desc' });
    if (programs.includes('shoman')) tasks.push({ to: '/projects', title: 'home.task.projects', desc: 'home.task.projects.desc' });
  }
  if (can.peerSupport) {
    tasks.push({ to: '/consultations/new', title: 'home.task.consultation', desc: 'peer.task.consultation.desc' });
    tasks.push({ to: '/patients', title: 'peer.task.patients', desc: 'peer.task.patients.desc' });
    tasks.push({ to: PEER_SUPPORT_REPORT_PATH, title: 'peer.task.report', desc: 'peer.task.report.desc' });
  }
  if (can.manageCenters) tasks.push({ to: '/centers', title: 'home.task.centers', desc: 'home.task.centers.desc' });
  if (can.manageAdministrations) {
    tasks.push({ to: '/administrations', title: 'home.task.administrations', desc: 'home.task.administrations.desc' });
  }
  if (can.manageUsers) {
    tasks.push(
      role === 'system_admin'
        ? { to: '/users/new', title: 'home.task.usersAdmin', desc: 'home.task.usersAdmin.desc' }
        : { to: '/users', title: 'home.task.users', desc: 'home.task.users.desc' },
    );
  }
  if (can.configureCenter) {
    tasks.push({ to: '/center-settings', title: 'home.task.centerSettings', desc: 'home.task.centerSettings.desc' });
  }
  if (can.manageAgencies) {
    tasks.push({ to: '/agencies', title: 'home.task.agencies', desc: 'home.task.agencies.desc' });
  } else if (can.viewAgencies) {
    tasks.push({ to: '/agencies', title: 'home.task.agenciesRead', desc: 'home.task.agenciesRead.desc' });
  }
  if (can.viewReports) tasks.push({ to: '/reports', title: 'home.task.reports', desc: 'home.task.reports.desc' });
  if (can.viewReports && can.viewPeerSupportReport) {
    tasks.push({ to: PEER_SUPPORT_REPORT_PATH, title: 'peerReport.title', desc: 'peerReport.task.desc' });
  }
  if (can.supervise) tasks.push({ to: '/supervision', title: 'home.task.supervision', desc: 'home.task.supervision.desc' });
  if (can.manageIntegrations) {
    tasks.push({ to: '/integrations', title: 'home.task.integrations', desc: 'home.task.integrations.desc' });
  }
  return tasks;
}

function CenterName({ id }: { id: string }) {
  const i = useI18n();
  const q = useQuery({ queryKey: keys.center(id), queryFn: () => getCenter(id) });
  if (q.isPending) return <>{i.t('common.loading')}</>;
  if (q.error) return <code>{id}</code>;
  const c = q.data.data;
  return (
    <>
      {c.name}（{prefectureLabel(i, c.prefecture_code)}）
    </>
  );
}

/** My open follow-ups, overdue first (the API's order), overdue rows highlighted. */
function MyFollowUps() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: [...keys.followUps, { state: '', assignee: 'me', limit: HOME_FOLLOW_UPS }],
    queryFn: () => listFollowUps({ state: '', assignee: 'me', limit: HOME_FOLLOW_UPS }),
    staleTime: 0,
  });
  const overdue = q.data?.items.filter((f) => f.state === 'overdue').length ?? 0;
  // Due soon, not only overdue: today's and the next seven days', each a link to where they are.
  const today = todayInTokyo();
  const week = useQuery({
    queryKey: [...keys.followUps, { due_from: today, due_to: addDays(today, 6), assignee: 'me' }],
    queryFn: () => listFollowUpsDue({ from: today, to: addDays(today, 6), assignee: 'me' }),
    staleTime: 0,
  });
  const open = (week.data ?? []).filter((f) => f.state === 'due');
  const counts = [
    {
      key: 'overdue',
      // The home list holds the first page only: when it is all overdue, there may be more.
      label: t(q.data?.next_cursor && overdue === q.data.items.length ? 'home.count.overdueMore' : 'home.count.overdue', {
        count: overdue,
      }),
      to: '/follow-ups?state=overdue',
      urgent: overdue > 0,
    },
    { key: 'today', label: t('home.count.today', { count: open.filter((f) => f.due_on === today).length }), to: '/follow-ups/calendar' },
    { key: 'week', label: t('home.count.week', { count: open.length }), to: '/follow-ups/calendar' },
  ];
  return (
    <section aria-labelledby="home-followups" className="flex flex-col gap-3" data-slot="follow-up-queue">
      <h2 id="home-followups" className="text-std-22B-150">
        {t('home.followUps')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('home.followUpsLead')}</p>
      {!q.isPending && !week.isPending && (
        <ul aria-label={t('home.counts')} className="flex flex-wrap gap-x-6 gap-y-2 text-std-16N-170" data-testid="home-counts">
          {counts.map((c) => (
            <li key={c.key} className={c.urgent ? 'font-bold text-error-2' : ''}>
              <Link to={c.to}>{c.label}</Link>
            </li>
          ))}
        </ul>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="text-std-16N-170">{t('home.followUpsEmpty')}</p>
      ) : (
        <>
          {overdue > 0 && <Notice tone="error" title={t('home.overdueCount', { count: overdue })} />}
          <FollowUpTable items={q.data.items} caption={t('home.followUps')} from="/" />
        </>
      )}
      <p>
        <Link to="/follow-ups">{t('home.followUpsAll')}</Link>
      </p>
    </section>
  );
}

/** My latest consultations, with the patient's name (anonymous ones say so). */
function MyConsultations({ myId }: { myId: string }) {
  const i = useI18n();
  const { t } = i;
  const q = useQuery({
    queryKey: [...keys.consultations, { consultantId: myId, limit: HOME_CONSULTATIONS }],
    queryFn: () => listConsultations({ consultantId: myId, limit: HOME_CONSULTATIONS }),
    staleTime: 0,
  });
  const patientIds = [...new Set((q.data?.items ?? []).flatMap((c) => (c.patient_id ? [c.patient_id] : [])))];
  // Consultations carry no patient name: read each patient once (cached with the patient pages).
  const patients = useQueries({
    queries: patientIds.map((id) => ({ queryKey: keys.patient(id), queryFn: () => getPatient(id) })),
  });
  const nameOf = (id: string) => {
    const p = patients.find((x) => x.data?.data.id === id)?.data?.data;
    return p ? withNote(i, patientName(p), p.case_number) : t('common.loading');
  };
  return (
    <section aria-labelledby="home-consultations" className="flex flex-col gap-3">
      <h2 id="home-consultations" className="text-std-22B-150">
        {t('home.recentConsultations')}
      </h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="text-std-16N-170">{t('home.recentConsultationsEmpty')}</p>
      ) : (
        <Table
          caption={t('home.recentConsultations')}
          head={[t('consultation.when'), t('followUp.patient'), t('consultation.channel'), t('consultation.topics')]}
        >
          {q.data.items.map((c) => (
            <Row key={c.id}>
              <Cell header>
                <span className="whitespace-nowrap">{i.dateTime(c.occurred_at)}</span>
              </Cell>
              <Cell>
                {c.patient_id ? (
                  <Link to={`/patients/${c.patient_id}`}>{nameOf(c.patient_id)}</Link>
                ) : (
                  t('consultation.anonymousShort')
                )}
              </Cell>
              <Cell>{channelLabel(i, c.channel)}</Cell>
              <Cell>{joinLabels(i, c.topics, topicLabel)}</Cell>
            </Row>
          ))}
        </Table>
      )}
    </section>
  );
}

/** A ピア・サポーター's patients: those a supervisor assigned to them (the server lists no others). */
function MyPatients() {
  const i = useI18n();
  const { t } = i;
  const q = useQuery({ queryKey: [...keys.patients, { q: '', home: true }], queryFn: () => listPatients(''), staleTime: 0 });
  return (
    <section aria-labelledby="home-patients" className="flex flex-col gap-3">
      <h2 id="home-patients" className="text-std-22B-150">
        {t('peer.myPatients')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('peer.myPatientsLead')}</p>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="text-std-16N-170">{t('peer.noPatients')}</p>
      ) : (
        <ul className="flex flex-col gap-2" data-testid="my-patients">
          {q.data.items.map((p) => (
            <li key={p.id} className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
              <Link to={`/patients/${p.id}`} className="text-std-17B-170">
                {patientName(p)}
              </Link>
              <Link to={`/consultations/new?patient=${p.id}`} className="text-dns-16N-130">
                {t('action.recordConsultation')}
                <span className="sr-only">{t('peer.recordFor', { name: patientName(p) })}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The name the server gives the first system administrator until someone names them. */
const DEFAULT_ADMIN_NAME = 'System administrator';

/** The greeting: the user's name, or their role where the name is only the server's default. */
export function welcome(i: I18n, me: { display_name: string; role: string }): string {
  if (me.display_name.trim() === '' || (me.role === 'system_admin' && me.display_name === DEFAULT_ADMIN_NAME)) {
    return i.t('home.welcomeRole', { role: roleLabel(i, me.role) });
  }
  return i.t('home.welcome', { name: me.display_name });
}

// An administration's officer's home, with its charts: loaded only for them.
const OfficerDashboard = lazy(async () => ({ default: (await import('./regional/OfficerDashboard')).OfficerDashboard }));

export function HomePage() {
  const { role } = useAuth();
  if (role === 'municipal_officer') {
    return (
      <Suspense fallback={<Loading />}>
        <OfficerDashboard />
      </Suspense>
    );
  }
  return <StaffHome />;
}

function StaffHome() {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const fy = currentFiscalYear();
  const worksCases = capabilities(me.roleKnown).workCases;
  const peer = capabilities(me.roleKnown).peerSupport;
  const programs = useOwnPrograms(me.center_id, worksCases);
  const plansDue = worksCases && showsPlansDue(me.roleKnown, programs);
  const tasks = useTasks(programs);

  return (
    <>
      <PageTitle>{welcome(i, me)}</PageTitle>
      <FlashNotice />

      {worksCases && (
        <>
          <NotificationList />
          {plansDue && <PlansDue />}
          <MyFollowUps />
          <MyConsultations myId={me.id} />
        </>
      )}
      {peer && (
        <>
          <MyPatients />
          <MyConsultations myId={me.id} />
        </>
      )}

      {me.roleKnown === 'council_member' && <MemberHome />}

      {tasks.length > 0 && (
        <section aria-labelledby="home-tasks" className="flex flex-col gap-3">
          <h2 id="home-tasks" className="text-std-22B-150">
            {t('home.tasks')}
          </h2>
          <ul className="grid gap-4 md:grid-cols-2">
            {tasks.map((task) => (
              <li key={task.title} className="rounded-8 border border-solid-gray-420 p-4">
                <Link to={task.to} className="text-std-18B-160">
                  {t(task.title)}
                </Link>
                <p className="mt-1 text-std-16N-170 text-solid-gray-700">{t(task.desc)}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="home-account" className="flex flex-col gap-3">
        <h2 id="home-account" className="text-std-22B-150">
          {t('home.account')}
        </h2>
        <dl className="facts max-w-3xl gap-x-6 gap-y-2 text-std-16N-170">
          <dt className="font-bold">{t('home.role')}</dt>
          <dd data-testid="home-role">{roleLabel(i, me.role)}</dd>
          <dt className="font-bold">{t('home.login')}</dt>
          <dd>
            <code>{me.login}</code>
          </dd>
          <dt className="font-bold">{t('home.center')}</dt>
          <dd>{me.center_id ? <CenterName id={me.center_id} /> : t('home.noCenter')}</dd>
          <dt className="font-bold">{t('home.fiscalYear')}</dt>
          <dd>
            {t('home.fiscalYearValue', {
              label: i.fiscalYear(fy),
              from: i.date(`${fy}-04-01`, { era: false }),
              to: i.date(`${fy + 1}-03-31`, { era: false }),
            })}
          </dd>
        </dl>
      </section>
    </>
  );
}

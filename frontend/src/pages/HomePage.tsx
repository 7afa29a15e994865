import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { keys } from '../api/client';
import { getCenter } from '../api/resources';
import { PageTitle } from '../app/PageTitle';
import { useAuth, useMe } from '../auth/AuthProvider';
import { capabilities } from '../auth/permissions';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/translate';
import { currentFiscalYear } from '../lib/datetime';
import { prefectureLabel, roleLabel } from './labels';

interface Task {
  readonly to: string;
  readonly title: MessageKey;
  readonly desc: MessageKey;
}

function useTasks(): Task[] {
  const { role } = useAuth();
  const can = capabilities(role);
  const tasks: Task[] = [];
  if (can.manageCenters) tasks.push({ to: '/centers', title: 'home.task.centers', desc: 'home.task.centers.desc' });
  if (can.manageUsers) {
    tasks.push(
      role === 'system_admin'
        ? { to: '/users/new', title: 'home.task.usersAdmin', desc: 'home.task.usersAdmin.desc' }
        : { to: '/users', title: 'home.task.users', desc: 'home.task.users.desc' },
    );
  }
  if (can.manageAgencies) {
    tasks.push({ to: '/agencies', title: 'home.task.agencies', desc: 'home.task.agencies.desc' });
  } else if (can.viewAgencies) {
    tasks.push({ to: '/agencies', title: 'home.task.agenciesRead', desc: 'home.task.agenciesRead.desc' });
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

export function HomePage() {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const tasks = useTasks();
  const fy = currentFiscalYear();
  const worksCases = me.roleKnown === 'consultant' || me.roleKnown === 'supervisor';

  return (
    <>
      <PageTitle>{t('home.welcome', { name: me.display_name })}</PageTitle>

      <section aria-labelledby="home-account" className="flex flex-col gap-3">
        <h2 id="home-account" className="text-std-22B-150">
          {t('home.account')}
        </h2>
        <dl className="grid max-w-3xl grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-std-16N-170">
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

      {worksCases && (
        <section aria-labelledby="home-followups" className="flex flex-col gap-3" data-slot="follow-up-queue">
          <h2 id="home-followups" className="text-std-22B-150">
            {t('home.followUps')}
          </h2>
          <p className="text-std-16N-170 text-solid-gray-700">{t('home.followUpsLater')}</p>
        </section>
      )}
    </>
  );
}

import { Link } from 'react-router';
import { keys } from '../../api/client';
import { listUsers } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { roleLabel } from '../labels';
import { useAllAdministrations, useAllCenters } from './useAllCenters';

export function UsersPage() {
  const i = useI18n();
  const { t } = i;
  const { role } = useAuth();
  const isSystemAdmin = role === 'system_admin';
  const list = useCursorList(keys.users, (cursor) => listUsers(cursor));
  const centers = useAllCenters(isSystemAdmin);
  const administrations = useAllAdministrations(isSystemAdmin);
  // An administration's officer belongs to their administration (自治体) rather than a center.
  const centerName = (id: string | null | undefined, administrationId: string | null | undefined) =>
    id
      ? (centers.data?.find((c) => c.id === id)?.name ?? id)
      : administrationId
        ? (administrations.data?.find((a) => a.id === administrationId)?.name ?? administrationId)
        : t('home.noCenter');

  const head = [t('user.displayName'), t('user.login'), t('user.role')];
  if (isSystemAdmin) head.push(t('user.center'));
  head.push(t('common.status'), t('common.updatedAt'));

  return (
    <>
      <PageTitle>{t('user.listTitle')}</PageTitle>
      <FlashNotice />
      {capabilities(role).manageUsers && (
        <div>
          <ButtonLink to="/users/new">{t('user.new')}</ButtonLink>
        </div>
      )}
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('common.empty')}</p>
      ) : (
        <>
          <Table caption={t('user.caption')} head={head}>
            {list.items.map((u) => (
              <Row key={u.id}>
                <Cell header>
                  <Link to={`/users/${u.id}`}>{u.display_name}</Link>
                </Cell>
                <Cell>
                  <code>{u.login}</code>
                </Cell>
                <Cell>{roleLabel(i, u.role)}</Cell>
                {isSystemAdmin && <Cell>{centerName(u.center_id, u.administration_id)}</Cell>}
                <Cell>
                  <StatusBadge active={u.active} activeLabel={t('common.active')} inactiveLabel={t('common.inactive')} />
                  {u.must_change_password && (
                    <span className="ml-2 text-dns-16N-130 text-solid-gray-700">{t('user.passwordPending')}</span>
                  )}
                </Cell>
                <Cell>{i.dateTime(u.updated_at)}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter
            count={list.items.length}
            hasMore={list.hasMore}
            loadingMore={list.loadingMore}
            loadMore={list.loadMore}
          />
        </>
      )}
    </>
  );
}

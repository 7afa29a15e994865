import { Link } from 'react-router';
import { keys } from '../../api/client';
import { listApiClients } from '../../api/integrations';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { IntegrationsNav } from './IntegrationsNav';
import { ScopeList } from './ScopeList';
import { isRevoked } from './integrationModel';

/** The center's API clients, revoked ones included (they stay for the audit trail). */
export function ApiClientsPage() {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList(keys.apiClients, (cursor) => listApiClients(cursor));

  const head = [
    t('apiClient.name'),
    t('apiClient.clientId'),
    t('apiClient.scopes'),
    t('common.status'),
    t('apiClient.lastUsed'),
  ];

  return (
    <>
      <PageTitle>{t('apiClient.listTitle')}</PageTitle>
      <IntegrationsNav />
      <FlashNotice />
      <p className="max-w-3xl text-std-16N-170">{t('apiClient.lead')}</p>
      <div>
        <ButtonLink to="/integrations/api-clients/new">{t('apiClient.new')}</ButtonLink>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('common.empty')}</p>
      ) : (
        <>
          <Table caption={t('apiClient.caption')} head={head}>
            {list.items.map((c) => (
              <Row key={c.id}>
                <Cell header>
                  <Link to={`/integrations/api-clients/${c.id}`}>{c.name}</Link>
                </Cell>
                <Cell>
                  <code className="break-all">{c.client_id}</code>
                </Cell>
                <Cell>
                  <ScopeList scopes={c.scopes} />
                </Cell>
                <Cell>
                  <StatusBadge
                    active={!isRevoked(c)}
                    activeLabel={t('common.active')}
                    inactiveLabel={t('apiClient.revokedStatus')}
                  />
                </Cell>
                <Cell>
                  <span className="whitespace-nowrap">
                    {c.last_used_at ? i.dateTime(c.last_used_at) : t('apiClient.neverUsed')}
                  </span>
                </Cell>
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

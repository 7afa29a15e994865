import { Link } from 'react-router';
import { keys } from '../../api/client';
import { listWebhooks } from '../../api/integrations';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { IntegrationsNav } from './IntegrationsNav';
import { eventLabel } from './integrationModel';

/** The center's webhook subscriptions. */
export function WebhooksPage() {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList(keys.webhooks, (cursor) => listWebhooks(cursor));

  const head = [t('webhook.url'), t('webhook.events'), t('webhook.description'), t('common.status'), t('common.updatedAt')];

  return (
    <>
      <PageTitle>{t('webhook.listTitle')}</PageTitle>
      <IntegrationsNav />
      <FlashNotice />
      <p className="max-w-3xl text-std-16N-170">{t('webhook.lead')}</p>
      <div>
        <ButtonLink to="/integrations/webhooks/new">{t('webhook.new')}</ButtonLink>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('common.empty')}</p>
      ) : (
        <>
          <Table caption={t('webhook.caption')} head={head}>
            {list.items.map((w) => (
              <Row key={w.id}>
                <Cell header>
                  <Link to={`/integrations/webhooks/${w.id}`} className="break-all">
                    {w.url}
                  </Link>
                </Cell>
                <Cell>
                  <ul className="flex flex-col gap-1 text-dns-16N-130" data-testid="events">
                    {w.events.map((e) => (
                      <li key={e}>{eventLabel(i, e)}</li>
                    ))}
                  </ul>
                </Cell>
                <Cell>{w.description ?? t('common.none')}</Cell>
                <Cell>
                  <StatusBadge
                    active={w.active}
                    activeLabel={t('webhook.status.active')}
                    inactiveLabel={t('webhook.status.paused')}
                  />
                </Cell>
                <Cell>
                  <span className="whitespace-nowrap">{i.dateTime(w.updated_at)}</span>
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

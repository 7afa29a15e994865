import { Fragment, useState } from 'react';
import { keys } from '../../api/client';
import { listDeliveries, type Delivery } from '../../api/integrations';
import { Button } from '../../components/Button';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { deliveryStateLabel, eventLabel, lastResponse, newestFirst } from './integrationModel';

const stateClass: Record<string, string> = {
  pending: 'border-blue-900 text-blue-900',
  delivered: 'border-success-2 text-success-2',
  failed: 'border-error-1 bg-red-50 text-error-2 font-bold',
};

function StateBadge({ state }: { state: string }) {
  const i = useI18n();
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${stateClass[state] ?? 'border-solid-gray-600'}`}
      data-state={state}
    >
      {deliveryStateLabel(i, state)}
    </span>
  );
}

/** The attempts at one delivery, oldest first (the order they were made). */
function Attempts({ delivery, caption }: { delivery: Delivery; caption: string }) {
  const i = useI18n();
  const { t } = i;
  if (delivery.log.length === 0) return <p className="text-std-16N-170">{t('delivery.noAttempts')}</p>;
  return (
    <Table
      caption={caption}
      captionHidden={false}
      head={[t('delivery.attemptedAt'), t('delivery.status'), t('delivery.duration'), t('delivery.error')]}
    >
      {delivery.log.map((a, n) => (
        <Row key={`${a.attempted_at}-${n}`}>
          <Cell>{i.dateTime(a.attempted_at)}</Cell>
          <Cell>{a.status != null ? String(a.status) : t('delivery.noAnswer')}</Cell>
          <Cell>{t('delivery.durationMs', { ms: a.duration_ms })}</Cell>
          <Cell>
            <span className="break-all">{a.error && a.error !== `HTTP ${a.status}` ? a.error : t('common.none')}</span>
          </Cell>
        </Row>
      ))}
    </Table>
  );
}

/**
 * A subscription's delivery log, newest first: each event's state, attempts and the
 * receiver's last answer, with every attempt behind a button.
 */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList(keys.webhookDeliveries(webhookId), (cursor) => listDeliveries(webhookId, cursor));
  const items = newestFirst(list.items);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const head = [
    t('delivery.createdAt'),
    t('delivery.event'),
    t('common.status'),
    t('delivery.attempts'),
    t('delivery.lastResponse'),
    t('delivery.timing'),
  ];

  return (
    <section aria-labelledby="delivery-log" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-4">
        <h2 id="delivery-log" className="text-std-22B-150">
          {t('delivery.title')}
        </h2>
        <Button variant="outline" size="sm" onClick={list.refetch}>
          {t('delivery.refresh')}
        </Button>
      </div>
      <p className="max-w-3xl text-std-16N-170 text-solid-gray-700">{t('delivery.lead')}</p>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : items.length === 0 ? (
        <p className="text-std-16N-170" data-testid="deliveries-empty">
          {t('delivery.empty')}
        </p>
      ) : (
        <>
          {/* On a phone each delivery is a card (the shared table's), its attempts below it. */}
          <div data-testid="deliveries">
            <Table caption={t('delivery.title')} head={head}>
              {items.map((d) => {
                const expanded = open.has(d.id);
                const when = i.dateTime(d.created_at);
                const event = eventLabel(i, d.event_type);
                const logId = `delivery-${d.id}-log`;
                return (
                  <Fragment key={d.id}>
                    <Row highlight={d.state === 'failed'}>
                      <Cell header>{when}</Cell>
                      <Cell>
                        {event}
                        <code className="block text-dns-16N-130 text-solid-gray-700">{d.event_type}</code>
                      </Cell>
                      <Cell>
                        <StateBadge state={d.state} />
                      </Cell>
                      <Cell>
                        <span className="mr-3">{d.attempts}</span>
                        <Button
                          variant="text"
                          size="sm"
                          aria-expanded={expanded}
                          aria-controls={logId}
                          onClick={() => toggle(d.id)}
                        >
                          {expanded ? t('delivery.hideLog') : t('delivery.showLog')}
                          <span className="sr-only">{t('delivery.logContext', { event, date: when })}</span>
                        </Button>
                      </Cell>
                      <Cell>
                        <span className="break-all">{lastResponse(i, d)}</span>
                      </Cell>
                      <Cell>
                        {d.delivered_at && <span className="block">{t('delivery.deliveredAt', { date: i.dateTime(d.delivered_at) })}</span>}
                        {d.next_attempt_at && d.state === 'pending' && (
                          <span className="block">{t('delivery.nextAttempt', { date: i.dateTime(d.next_attempt_at) })}</span>
                        )}
                        {!d.delivered_at && !(d.next_attempt_at && d.state === 'pending') && t('common.none')}
                      </Cell>
                    </Row>
                    <tr id={logId} role="row" hidden={!expanded} className="border-b border-solid-gray-420 bg-solid-gray-50">
                      <td role="cell" colSpan={head.length} className="px-3 py-3">
                        {expanded && <Attempts delivery={d} caption={t('delivery.logCaption', { event, date: when })} />}
                      </td>
                    </tr>
                  </Fragment>
                );
              })}
            </Table>
          </div>
          <ListFooter count={items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </>
      )}
    </section>
  );
}

import { Link } from 'react-router';
import { keys } from '../../api/client';
import { listCenters } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { operatingTypeLabel, prefectureLabel } from '../labels';

export function CentersPage() {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList(keys.centers, (cursor) => listCenters(cursor));

  return (
    <>
      <PageTitle>{t('center.listTitle')}</PageTitle>
      <FlashNotice />
      <div>
        <ButtonLink to="/centers/new">{t('center.new')}</ButtonLink>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('common.empty')}</p>
      ) : (
        <>
          <Table
            caption={t('center.caption')}
            head={[
              t('center.name'),
              t('center.code'),
              t('center.prefecture'),
              t('center.operatingType'),
              t('common.status'),
              t('common.updatedAt'),
            ]}
          >
            {list.items.map((c) => (
              <Row key={c.id}>
                <Cell header>
                  <Link to={`/centers/${c.id}`}>{c.name}</Link>
                </Cell>
                <Cell>
                  <code>{c.code}</code>
                </Cell>
                <Cell>{prefectureLabel(i, c.prefecture_code)}</Cell>
                <Cell>{operatingTypeLabel(i, c.operating_type)}</Cell>
                <Cell>
                  <StatusBadge active={c.active} activeLabel={t('common.active')} inactiveLabel={t('common.inactive')} />
                </Cell>
                <Cell>{i.dateTime(c.updated_at)}</Cell>
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

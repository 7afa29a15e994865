import { useState } from 'react';
import { Link } from 'react-router';
import { keys } from '../../api/client';
import { AGENCY_TYPES } from '../../api/enums';
import { listAgencies } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { ButtonLink } from '../../components/Button';
import { CheckboxField, SelectField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { agencyTypeLabel } from '../labels';

export function AgenciesPage() {
  const i = useI18n();
  const { t } = i;
  const { role } = useAuth();
  const canManage = capabilities(role).manageAgencies;
  const [agencyType, setAgencyType] = useState('');
  const [showInactive, setShowInactive] = useState(canManage);
  const list = useCursorList([...keys.agencies, { agencyType }], (cursor) => listAgencies(agencyType, cursor));
  const items = showInactive ? list.items : list.items.filter((a) => a.active);

  const head = [
    t('agency.name'),
    t('agency.type'),
    t('agency.phone'),
    t('agency.address'),
    t('agency.notes'),
    t('common.status'),
  ];

  return (
    <>
      <PageTitle>{t('agency.listTitle')}</PageTitle>
      <FlashNotice />
      {canManage ? (
        <div>
          <ButtonLink to="/agencies/new">{t('agency.new')}</ButtonLink>
        </div>
      ) : (
        <p className="text-std-16N-170 text-solid-gray-700">{t('agency.readOnly')}</p>
      )}
      <div className="flex flex-wrap items-end gap-6">
        <div className="min-w-72">
          <SelectField
            name="filter_agency_type"
            label={t('agency.type')}
            placeholder={t('common.all')}
            options={AGENCY_TYPES.map((a) => ({ value: a, label: t(`agencyType.${a}`) }))}
            value={agencyType}
            onChange={(e) => setAgencyType(e.target.value)}
          />
        </div>
        <CheckboxField
          name="filter_show_inactive"
          label={t('agency.showInactive')}
          checked={showInactive}
          onChange={(e) => setShowInactive(e.target.checked)}
        />
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : items.length === 0 ? (
        <p className="text-std-16N-170">{t('common.empty')}</p>
      ) : (
        <>
          <Table caption={t('agency.caption')} head={head}>
            {items.map((a) => (
              <Row key={a.id}>
                <Cell header>{canManage ? <Link to={`/agencies/${a.id}`}>{a.name}</Link> : a.name}</Cell>
                <Cell>{agencyTypeLabel(i, a.agency_type)}</Cell>
                <Cell>{a.phone ? <a href={`tel:${a.phone}`}>{a.phone}</a> : t('common.none')}</Cell>
                <Cell>{a.address ?? t('common.none')}</Cell>
                <Cell>
                  <span className="whitespace-pre-wrap">{a.notes ?? t('common.none')}</span>
                </Cell>
                <Cell>
                  <StatusBadge active={a.active} activeLabel={t('common.active')} inactiveLabel={t('common.inactive')} />
                </Cell>
              </Row>
            ))}
          </Table>
          <ListFooter
            count={items.length}
            hasMore={list.hasMore}
            loadingMore={list.loadingMore}
            loadMore={list.loadMore}
          />
        </>
      )}
    </>
  );
}

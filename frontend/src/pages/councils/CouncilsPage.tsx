import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { councilKeys, listCouncils, type Council } from '../../api/councils';
import { PageTitle } from '../../app/PageTitle';
import { useAuth } from '../../auth/AuthProvider';
import { ButtonLink } from '../../components/Button';
import { FlashNotice } from '../../components/Flash';
import { Notice } from '../../components/Notice';
import { Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { councilKindKey, councilScopeKey, labelOf } from './councilLabels';
import { nestCouncils } from './councilModel';
import { CouncilLoadError, useRunsCouncils } from './common';

function CouncilRow({ council, sub }: { council: Council; sub: boolean }) {
  const { t, date } = useI18n();
  return (
    <Row>
      <Cell header>
        <span className={sub ? 'pl-4' : ''}>
          {sub && <span aria-hidden="true">└ </span>}
          <Link to={`/councils/${council.id}`}>{council.name}</Link>
        </span>
        {sub && <span className="sr-only">（{t('council.subs')}）</span>}
      </Cell>
      <Cell>{labelOf(t, councilKindKey, council.kind)}</Cell>
      <Cell>
        {labelOf(t, councilScopeKey, council.scope)}
        {council.area_name ? `（${council.area_name}）` : ''}
      </Cell>
      <Cell>{council.established_on ? date(council.established_on) : t('common.none')}</Cell>
      <Cell>
        <StatusBadge active={council.active} activeLabel={t('council.active')} inactiveLabel={t('common.inactive')} />
      </Cell>
    </Row>
  );
}

/** The councils as a table, 部会 under their council. */
export function CouncilTable({ councils }: { councils: readonly Council[] }) {
  const { t } = useI18n();
  const tree = nestCouncils(councils);
  return (
    <Table
      caption={t('council.listTitle')}
      head={[t('council.name'), t('council.kind'), t('council.scope'), t('council.establishedOn'), t('common.status')]}
    >
      {tree.flatMap(({ council, subs }) => [
        <CouncilRow key={council.id} council={council} sub={false} />,
        ...subs.map((s) => <CouncilRow key={s.id} council={s} sub />),
      ])}
    </Table>
  );
}

export function CouncilsPage() {
  const { t } = useI18n();
  const { role } = useAuth();
  const runs = useRunsCouncils();
  const q = useQuery({ queryKey: councilKeys.list(), queryFn: () => listCouncils() });
  return (
    <>
      <PageTitle>{t('council.listTitle')}</PageTitle>
      <FlashNotice />
      {runs && (
        <div>
          <ButtonLink to="/councils/new">{t('council.new')}</ButtonLink>
        </div>
      )}
      {role === 'system_admin' && <Notice tone="info" title={t('council.readOnly')} />}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{role === 'council_member' ? t('council.memberEmpty') : t('council.empty')}</p>
      ) : (
        <CouncilTable councils={q.data} />
      )}
    </>
  );
}

// A council: its particulars, members, 部会 and meetings. The officer edits; others read.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { councilKeys, getCouncil, listCouncils, listMeetings, listMembers, type Council, type CouncilMember, type Meeting } from '../../api/councils';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { ReadOnlyField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { councilKindKey, councilRoleKey, councilScopeKey, labelOf, meetingKindKey, meetingStatusKey, memberCategoryKey } from './councilLabels';
import { sortMeetings, sortMembers } from './councilModel';
import { CouncilLoadError, h2Class, sectionClass, useRunsCouncils } from './common';

export function CouncilPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: councilKeys.council(id), queryFn: () => getCouncil(id) });
  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <>
        <PageTitle>{t('council.resource')}</PageTitle>
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      </>
    );
  }
  return <CouncilView key={id} council={q.data.data} />;
}

function CouncilView({ council }: { council: Council }) {
  const { t, date } = useI18n();
  const runs = useRunsCouncils();
  const parent = useQuery({
    queryKey: councilKeys.council(council.parent_id ?? ''),
    queryFn: () => getCouncil(council.parent_id ?? ''),
    enabled: Boolean(council.parent_id),
  });
  return (
    <>
      <PageTitle>{council.name}</PageTitle>
      <FlashNotice />
      {council.parent_id && (
        <p className="text-std-16N-170">
          <Link to={`/councils/${council.parent_id}`}>{t('council.subOf', { parent: parent.data?.data.name ?? '…' })}</Link>
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <ReadOnlyField label={t('council.kind')} value={labelOf(t, councilKindKey, council.kind)} />
        <ReadOnlyField
          label={t('council.scope')}
          value={`${labelOf(t, councilScopeKey, council.scope)}${council.area_name ? `（${council.area_name}）` : ''}`}
        />
        <ReadOnlyField label={t('council.establishedOn')} value={council.established_on ? date(council.established_on) : t('common.none')} />
        <ReadOnlyField label={t('common.status')} value={council.active ? t('council.active') : t('common.inactive')} />
      </div>
      {runs && (
        <div>
          <ButtonLink to={`/councils/${council.id}/edit`} variant="outline">
            {t('council.edit')}
          </ButtonLink>
        </div>
      )}
      <Members council={council} />
      {!council.parent_id && <Subs council={council} />}
      <Meetings council={council} />
    </>
  );
}

function Members({ council }: { council: Council }) {
  const { t, date } = useI18n();
  const runs = useRunsCouncils();
  const q = useQuery({ queryKey: councilKeys.members(council.id), queryFn: () => listMembers(council.id) });
  return (
    <section aria-labelledby="council-members" className={sectionClass}>
      <h2 id="council-members" className={h2Class}>
        {t('council.members')}
      </h2>
      {runs && (
        <div>
          <ButtonLink to={`/councils/${council.id}/members/new`} size="sm">
            {t('council.member.new')}
          </ButtonLink>
        </div>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('council.member.empty')}</p>
      ) : (
        <Table
          caption={t('council.members')}
          head={[
            t('council.member.name'),
            t('council.member.organization'),
            t('council.member.category'),
            t('council.member.role'),
            t('council.member.term'),
            ...(runs ? [t('council.member.signIn')] : []),
          ]}
        >
          {sortMembers(q.data).map((m: CouncilMember) => (
            <Row key={m.id}>
              <Cell header>{runs ? <Link to={`/councils/${council.id}/members/${m.id}`}>{m.name}</Link> : m.name}</Cell>
              <Cell>{m.organization}</Cell>
              <Cell>{labelOf(t, memberCategoryKey, m.category)}</Cell>
              <Cell>{labelOf(t, councilRoleKey, m.council_role)}</Cell>
              <Cell>
                {date(m.term_start)}〜{date(m.term_end)}
              </Cell>
              {runs && (
                <Cell>
                  {m.user_id ? t('council.member.hasAccount') : t('council.member.noAccount')}
                  {m.user_id && `・${m.pledged_at ? t('council.member.pledged') : t('council.member.notPledged')}`}
                </Cell>
              )}
            </Row>
          ))}
        </Table>
      )}
    </section>
  );
}

function Subs({ council }: { council: Council }) {
  const { t } = useI18n();
  const runs = useRunsCouncils();
  const q = useQuery({ queryKey: councilKeys.list(council.id), queryFn: () => listCouncils(council.id) });
  return (
    <section aria-labelledby="council-subs" className={sectionClass}>
      <h2 id="council-subs" className={h2Class}>
        {t('council.subs')}
      </h2>
      {runs && (
        <div>
          <ButtonLink to={`/councils/new?parent=${council.id}`} size="sm" variant="outline">
            {t('council.newSub')}
          </ButtonLink>
        </div>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('council.subsEmpty')}</p>
      ) : (
        <ul className="list-disc pl-6 text-std-16N-170">
          {q.data.map((s) => (
            <li key={s.id}>
              <Link to={`/councils/${s.id}`}>{s.name}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A council's meetings, newest first. */
export function MeetingTable({ meetings, caption }: { meetings: readonly Meeting[]; caption: string }) {
  const { t, date } = useI18n();
  return (
    <Table caption={caption} head={[t('meeting.heldOn'), t('meeting.title'), t('meeting.kind'), t('meeting.status')]}>
      {sortMeetings(meetings).map((m) => (
        <Row key={m.id}>
          <Cell>{date(m.held_on)}</Cell>
          <Cell header>
            <Link to={`/meetings/${m.id}`}>{m.title}</Link>
          </Cell>
          <Cell>{labelOf(t, meetingKindKey, m.kind)}</Cell>
          <Cell>{labelOf(t, meetingStatusKey, m.status)}</Cell>
        </Row>
      ))}
    </Table>
  );
}

function Meetings({ council }: { council: Council }) {
  const { t } = useI18n();
  const runs = useRunsCouncils();
  const q = useQuery({ queryKey: councilKeys.meetings(council.id), queryFn: () => listMeetings(council.id) });
  return (
    <section aria-labelledby="council-meetings" className={sectionClass}>
      <h2 id="council-meetings" className={h2Class}>
        {t('council.meetings')}
      </h2>
      {runs && (
        <div>
          <ButtonLink to={`/councils/${council.id}/meetings/new`} size="sm">
            {t('meeting.new')}
          </ButtonLink>
        </div>
      )}
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <CouncilLoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="text-std-16N-170">{t('council.meetingsEmpty')}</p>
      ) : (
        <MeetingTable meetings={q.data} caption={t('council.meetings')} />
      )}
    </section>
  );
}

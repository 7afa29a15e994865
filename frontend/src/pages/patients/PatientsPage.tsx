import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { listPatients } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { TextField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useDebounced } from '../../components/useDebounced';
import { useI18n } from '../../i18n/I18nProvider';
import { useAuth } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { todayInTokyo } from '../../lib/datetime';
import { birthWithAge, patientKana, patientName, programLabel } from '../labels';

export function PatientsPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  const list = useCursorList([...keys.patients, { q }], (cursor) => listPatients(q, cursor), { keepPrevious: true });
  const today = todayInTokyo();
  // A ピア・サポーター finds only the patients assigned to them, and registers none.
  const peer = capabilities(useAuth().role).peerSupport;

  const onSearch = (value: string) => {
    setText(value);
    // Kept in the address so that "back" from a patient returns to the same search.
    setParams(value.trim() === '' ? {} : { q: value.trim() }, { replace: true });
  };

  const head = [
    t('patient.caseNumber'),
    t('patient.name'),
    t('patient.kana'),
    t('patient.birthDate'),
    t('patient.program'),
    t('patient.disease'),
  ];

  return (
    <>
      <PageTitle>{t('patient.listTitle')}</PageTitle>
      <FlashNotice />
      {peer ? (
        <p className="max-w-4xl text-std-16N-170">{t('peer.patientsLead')}</p>
      ) : (
        <div>
          <ButtonLink to="/patients/new">{t('patient.new')}</ButtonLink>
        </div>
      )}
      <search className="max-w-[40rem]">
        <TextField
          name="patient_search"
          type="search"
          label={t('patient.search')}
          hint={t('patient.search.hint')}
          autoComplete="off"
          value={text}
          onChange={(e) => onSearch(e.target.value)}
        />
      </search>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {q === '' ? (peer ? t('peer.noPatients') : t('common.empty')) : t('patient.noMatch', { q })}
        </p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table caption={t('patient.caption')} head={head}>
            {list.items.map((p) => (
              <Row key={p.id}>
                <Cell>
                  <code>{p.case_number}</code>
                </Cell>
                <Cell header>
                  <Link to={`/patients/${p.id}`}>{patientName(p)}</Link>
                </Cell>
                <Cell>{patientKana(p)}</Cell>
                <Cell>{birthWithAge(i, p.birth_date, today)}</Cell>
                <Cell>{programLabel(i, p.program)}</Cell>
                <Cell>{p.disease_name ?? p.diagnosis ?? t('common.none')}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
    </>
  );
}

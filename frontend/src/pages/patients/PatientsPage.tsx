import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { EMPLOYMENT_STATUSES, PROGRAMS } from '../../api/enums';
import { searchPatients } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
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
import { useStaff } from '../cases/useCaseData';
import { birthWithAge, employmentStatusLabel, patientKana, patientName, programLabel } from '../labels';
import { isNarrowed, PATIENT_SORTS, patientListQuery, withFilter, type PatientFilterName } from './patientListModel';

export function PatientsPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  // The filters and order come from the address; the search box's text, debounced.
  const query = { ...patientListQuery(params), q: q || undefined };
  const list = useCursorList([...keys.patients, query], (cursor) => searchPatients(query, cursor), { keepPrevious: true });
  const today = todayInTokyo();
  // A ピア・サポーター finds only the patients assigned to them, and registers none.
  const peer = capabilities(useAuth().role).peerSupport;
  const staff = useStaff();
  const caseWorkers = (staff.data ?? []).filter(
    (u) => u.active && (u.role === 'consultant' || u.role === 'supervisor' || u.role === 'self_reliance_worker'),
  );
  const total = list.lastPage?.total ?? null;
  const narrowed = isNarrowed(query);

  const onSearch = (value: string) => {
    setText(value);
    // Kept in the address so that "back" from a patient returns to the same search.
    setParams(withFilter(params, 'q', value.trim()), { replace: true });
  };
  const set = (name: PatientFilterName) => (value: string) => setParams(withFilter(params, name, value), { replace: true });
  const clear = () => {
    setText('');
    setParams({}, { replace: true });
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
      <form
        role="search"
        aria-label={t('patient.filters')}
        className="flex flex-wrap items-end gap-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          name="patient_program"
          label={t('patient.program')}
          placeholder={t('common.all')}
          options={PROGRAMS.map((p) => ({ value: p, label: programLabel(i, p) }))}
          value={query.program ?? ''}
          onChange={(e) => set('program')(e.target.value)}
        />
        <TextField
          name="patient_disease"
          label={t('patient.filter.disease')}
          type="number"
          inputMode="numeric"
          min={1}
          max={348}
          className="w-32"
          value={params.get('disease_number') ?? ''}
          onChange={(e) => set('disease_number')(e.target.value)}
        />
        <SelectField
          name="patient_employment"
          label={t('patient.employmentStatus')}
          placeholder={t('common.all')}
          options={EMPLOYMENT_STATUSES.map((s) => ({ value: s, label: employmentStatusLabel(i, s) }))}
          value={query.employment_status ?? ''}
          onChange={(e) => set('employment_status')(e.target.value)}
        />
        {!peer && (
          <SelectField
            name="patient_consultant"
            label={t('patient.filter.consultant')}
            placeholder={t('common.all')}
            options={[
              { value: 'me', label: t('patient.filter.me') },
              ...caseWorkers.map((u) => ({ value: u.id, label: u.display_name })),
            ]}
            value={query.consultant ?? ''}
            onChange={(e) => set('consultant')(e.target.value)}
          />
        )}
        {!peer && (
          <CheckboxField
            name="patient_open_referral"
            label={t('patient.filter.openReferral')}
            checked={query.open_referral === true}
            onChange={(e) => set('open_referral')(e.target.checked ? 'true' : '')}
          />
        )}
        {!peer && (
          <CheckboxField
            name="patient_overdue"
            label={t('patient.filter.overdue')}
            checked={query.overdue === true}
            onChange={(e) => set('overdue')(e.target.checked ? 'true' : '')}
          />
        )}
        <SelectField
          name="patient_sort"
          label={t('patient.sort')}
          options={PATIENT_SORTS.map((s) => ({ value: s, label: t(`patientSort.${s}`) }))}
          value={query.sort ?? 'registered'}
          onChange={(e) => set('sort')(e.target.value === 'registered' ? '' : e.target.value)}
        />
        {(narrowed || query.sort) && (
          <button type="button" onClick={clear} className="min-h-12 py-3 text-std-16N-170 underline">
            {t('queue.clearFilters')}
          </button>
        )}
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {!narrowed ? (peer ? t('peer.noPatients') : t('common.empty')) : q !== '' ? t('patient.noMatch', { q }) : t('patient.noneFiltered')}
        </p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          {total !== null && (
            <p className="text-std-16B-170" data-testid="patient-total">
              {t('patient.total', { count: total })}
            </p>
          )}
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

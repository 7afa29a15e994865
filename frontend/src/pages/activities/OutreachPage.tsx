// 周知活動: the center's outreach (posters, leaflets, talks, the homepage…) with what and how
// much went where, and a form to record one.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { createOutreach, listOutreach } from '../../api/activities';
import { fromSelect, OUTREACH_KINDS, type OutreachKind } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField, TextField } from '../../components/Field';
import { optionalText } from '../../components/forms';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear, todayInTokyo } from '../../lib/datetime';
import { FiscalYearFilter } from './common';

const KEY = ['activities', 'outreach'] as const;

function numberOrNull(v: string): number | null {
  const n = Number(v.trim());
  return v.trim() === '' || !Number.isFinite(n) ? null : n;
}

function AddOutreach({ onDone }: { onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState('');
  const [kindOther, setKindOther] = useState('');
  const [target, setTarget] = useState('');
  const [heldOn, setHeldOn] = useState(todayInTokyo());
  const [quantity, setQuantity] = useState('');
  const [unit, setUnit] = useState('');
  const [facilities, setFacilities] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    kind: t('outreach.kind'),
    kind_other: t('outreach.kindOther'),
    target: t('outreach.target'),
    held_on: t('outreach.heldOn'),
    quantity: t('outreach.quantity'),
    unit: t('outreach.unit'),
    facility_count: t('outreach.facilityCount'),
  };
  const body = {
    kind: fromSelect<OutreachKind>(kind),
    kind_other: kind === 'other' ? optionalText(kindOther) : null,
    target: optionalText(target),
    held_on: heldOn,
    quantity: numberOrNull(quantity),
    unit: optionalText(unit),
    facility_count: numberOrNull(facilities),
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createOutreach(body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      setKind('');
      setKindOther('');
      setTarget('');
      setQuantity('');
      setUnit('');
      setFacilities('');
      await queryClient.invalidateQueries({ queryKey: KEY });
      onDone(t('outreach.added'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <section aria-labelledby="add-outreach" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-outreach" className="text-std-22B-150">
        {t('outreach.addTitle')}
      </h2>
      <ErrorSummary id="outreach-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <SelectField
          name="kind"
          label={labels.kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={OUTREACH_KINDS.map((k) => ({ value: k, label: t(`referralSource.${k}`) }))}
          value={kind}
          onChange={(e) => setKind(e.target.value)}
          errors={errorsFor('kind')}
        />
        {kind === 'other' && (
          <TextField name="kind_other" label={labels.kind_other} required value={kindOther} onChange={(e) => setKindOther(e.target.value)} errors={errorsFor('kind_other')} />
        )}
        <TextField name="target" label={labels.target} hint={t('outreach.targetHint')} value={target} onChange={(e) => setTarget(e.target.value)} errors={errorsFor('target')} />
        <TextField name="held_on" type="date" label={labels.held_on} required value={heldOn} onChange={(e) => setHeldOn(e.target.value)} errors={errorsFor('held_on')} />
        <div className="flex flex-wrap gap-4">
          <TextField name="quantity" inputMode="numeric" label={labels.quantity} value={quantity} onChange={(e) => setQuantity(e.target.value)} errors={errorsFor('quantity')} />
          <TextField name="unit" label={labels.unit} hint={t('outreach.unitHint')} value={unit} onChange={(e) => setUnit(e.target.value)} errors={errorsFor('unit')} />
          <TextField name="facility_count" inputMode="numeric" label={labels.facility_count} value={facilities} onChange={(e) => setFacilities(e.target.value)} errors={errorsFor('facility_count')} />
        </div>
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('outreach.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}

export function OutreachPage() {
  const i = useI18n();
  const { t } = i;
  const [year, setYear] = useState(String(currentFiscalYear()));
  const [message, setMessage] = useState('');
  const list = useCursorList([...KEY, year], (cursor) => listOutreach(year, cursor), { keepPrevious: true, alwaysRefetch: true });
  const amount = (q: number | null | undefined, unit: string | null | undefined, f: number | null | undefined) =>
    [q != null ? `${q}${unit ?? ''}` : '', f != null ? t('outreach.facilities', { count: String(f) }) : ''].filter(Boolean).join(' / ') ||
    t('common.none');
  return (
    <>
      <PageTitle>{t('outreach.listTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('outreach.lead')}</p>
      <p>
        <Link to="/activities">{t('activities.back')}</Link>
      </p>
      <p role="status" className="text-std-16N-170">
        {message}
      </p>
      <AddOutreach onDone={setMessage} />
      <FiscalYearFilter value={year} onChange={setYear} />
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p className="text-std-16N-170">{t('outreach.empty')}</p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table caption={t('outreach.listTitle')} head={[t('outreach.heldOn'), t('outreach.kind'), t('outreach.target'), t('outreach.amount')]}>
            {list.items.map((a) => (
              <Row key={a.id}>
                <Cell header>{i.date(a.held_on)}</Cell>
                <Cell>
                  {t(`referralSource.${a.kind}`)}
                  {a.kind_other ? `（${a.kind_other}）` : ''}
                </Cell>
                <Cell>{a.target ?? t('common.none')}</Cell>
                <Cell>{amount(a.quantity, a.unit, a.facility_count)}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
    </>
  );
}

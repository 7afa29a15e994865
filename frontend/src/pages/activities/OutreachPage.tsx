// 周知活動: the center's outreach (posters, leaflets, talks, the homepage…) with what and how
// much went where, a form to record one, and each row's link to correct it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { createOutreach, listOutreach } from '../../api/activities';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { checkNumbers, submitChecked } from '../../components/forms';
import { FlashNotice } from '../../components/Flash';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { FiscalYearFilter } from './common';
import { emptyOutreach, OUTREACH_NUMBERS, outreachBody, OutreachFields, outreachLabels, type OutreachForm } from './outreachForm';

export const OUTREACH_KEY = ['activities', 'outreach'] as const;

function AddOutreach({ onDone }: { onDone: (message: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<OutreachForm>(emptyOutreach);
  const set = <K extends keyof OutreachForm>(key: K, value: OutreachForm[K]) => setValues((v) => ({ ...v, [key]: value }));
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = outreachBody(values);
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createOutreach(body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      // The day stays: several activities of one day are often entered together.
      setValues((v) => ({ ...emptyOutreach(), held_on: v.held_on }));
      await queryClient.invalidateQueries({ queryKey: OUTREACH_KEY });
      onDone(t('outreach.added'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = submitChecked(mutation, () => checkNumbers(values, OUTREACH_NUMBERS), setProblem);
  return (
    <section aria-labelledby="add-outreach" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-outreach" className="text-std-22B-150">
        {t('outreach.addTitle')}
      </h2>
      <ErrorSummary id="outreach-errors" problem={problem} fields={outreachLabels(t)} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <OutreachFields values={values} set={set} errorsFor={errorsFor} />
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
  const list = useCursorList([...OUTREACH_KEY, year], (cursor) => listOutreach(year, cursor), { keepPrevious: true, alwaysRefetch: true });
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
      <FlashNotice />
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
          <Table caption={t('outreach.listTitle')} head={[t('outreach.heldOn'), t('outreach.kind'), t('outreach.target'), t('outreach.amount'), t('activities.actions')]}>
            {list.items.map((a) => (
              <Row key={a.id}>
                <Cell header>{i.date(a.held_on)}</Cell>
                <Cell>
                  {t(`referralSource.${a.kind}`)}
                  {a.kind_other ? `（${a.kind_other}）` : ''}
                </Cell>
                <Cell>{a.target ?? t('common.none')}</Cell>
                <Cell>{amount(a.quantity, a.unit, a.facility_count)}</Cell>
                <Cell>
                  <Link to={`/activities/outreach/${a.id}/edit`} data-testid="outreach-edit">
                    {t('activities.edit')}
                    <span className="sr-only">{t('activities.editOf', { what: `${i.date(a.held_on)} ${t(`referralSource.${a.kind}`)}` })}</span>
                  </Link>
                </Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
    </>
  );
}

// 自治体: the system administrator registers the administrations (都道府県, 政令指定都市,
// 保健所設置市, 特別区) by their code, assigns centers to them and sets what they publish.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { keys } from '../../api/client';
import { ADMINISTRATION_KINDS, fromSelect, type AdministrationKind } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createAdministration, listAdministrations } from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { ButtonLink } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField, TextField } from '../../components/Field';
import { FlashNotice, flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { prefectureLabel } from '../labels';
import { administrationKindLabel } from './regionalLabels';

export function AdministrationsPage() {
  const i = useI18n();
  const { t } = i;
  const list = useCursorList(keys.administrations, (cursor) => listAdministrations(cursor));
  return (
    <>
      <PageTitle>{t('administration.listTitle')}</PageTitle>
      <FlashNotice />
      <p className="max-w-4xl text-std-16N-170">{t('administration.lead')}</p>
      <div>
        <ButtonLink to="/administrations/new">{t('administration.new')}</ButtonLink>
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
            caption={t('administration.listTitle')}
            head={[t('administration.name'), t('administration.code'), t('administration.kind'), t('center.prefecture'), t('administration.threshold'), t('common.status')]}
          >
            {list.items.map((a) => (
              <Row key={a.id}>
                <Cell header>
                  <Link to={`/administrations/${a.id}`}>{a.name}</Link>
                </Cell>
                <Cell>
                  <code>{a.code}</code>
                </Cell>
                <Cell>{administrationKindLabel(i, a.kind)}</Cell>
                <Cell>{prefectureLabel(i, a.prefecture_code)}</Cell>
                <Cell>{t('administration.thresholdValue', { n: a.suppression_threshold })}</Cell>
                <Cell>
                  <StatusBadge active={a.active} activeLabel={t('common.active')} inactiveLabel={t('common.inactive')} />
                </Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </>
      )}
    </>
  );
}

export function AdministrationNewPage() {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ code: '', kind: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = { code: t('administration.code'), kind: t('administration.kind') };
  const body = { code: values.code.trim(), kind: fromSelect<AdministrationKind>(values.kind) };
  const key = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createAdministration(body, key),
    onSuccess: async (a) => {
      await queryClient.invalidateQueries({ queryKey: keys.administrations });
      void navigate(`/administrations/${a.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <>
      <PageTitle>{t('administration.newTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('administration.newLead')}</p>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <SelectField
          name="kind"
          label={labels.kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={ADMINISTRATION_KINDS.map((k) => ({ value: k, label: administrationKindLabel(i, k) }))}
          value={values.kind}
          onChange={(e) => setValues({ ...values, kind: e.target.value })}
          errors={errorsFor('kind')}
        />
        <TextField
          name="code"
          label={labels.code}
          hint={t('administration.codeHint')}
          required
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={values.code}
          onChange={(e) => setValues({ ...values, code: e.target.value })}
          errors={errorsFor('code')}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/administrations" />
      </form>
    </>
  );
}

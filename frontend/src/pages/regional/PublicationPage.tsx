// 公表: the officer previews the yearly summary of their administration as the public will
// read it (counts under the threshold as 「N未満」), downloads it, and publishes the year; the
// past publications stay listed with their public address.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import {
  downloadPublicationPreview,
  getAdministration,
  getPublicationPreview,
  listPublications,
  publish,
  updateAdministration,
  type Administration,
} from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorSummary } from '../../components/ErrorSummary';
import { SelectField, TextField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { currentFiscalYear } from '../../lib/datetime';
import { DownloadButtons } from '../reports/Downloads';
import { fiscalYearChoices, fiscalYearOptionLabel } from '../reports/reportModel';
import { fiscalYearParam } from './regionalModel';
import { SummaryView } from './SummaryView';
import { useOwnAdministration } from './useOwnAdministration';

export function PublicationPage() {
  const { t } = useI18n();
  const adm = useOwnAdministration();
  return (
    <>
      <PageTitle>{t('publication.title')}</PageTitle>
      {adm.isPending ? (
        <Loading />
      ) : adm.error ? (
        <LoadError error={adm.error} retry={() => void adm.refetch()} />
      ) : adm.data === null ? (
        <p className="text-std-16N-170">{t('dashboard.noAdministration')}</p>
      ) : (
        <Publication adm={adm.data} />
      )}
    </>
  );
}

/** The public page of a published year. */
export function publicSummaryPath(code: string, fiscalYear: number): string {
  return `/public/administrations/${code}/summary?fiscal_year=${fiscalYear}`;
}

function Publication({ adm }: { adm: Administration }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const fy = fiscalYearParam(params.get('fiscal_year'), currentFiscalYear());
  const years = fiscalYearChoices();
  if (!years.includes(fy)) years.push(fy);
  const preview = useQuery({
    queryKey: keys.publicationPreview(adm.id, fy),
    queryFn: () => getPublicationPreview(adm.id, fy),
    placeholderData: keepPreviousData,
  });
  const past = useQuery({ queryKey: keys.publications(adm.id), queryFn: () => listPublications(adm.id) });
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const publishButton = useRef<HTMLButtonElement>(null);
  const key = useIdempotencyKey({ adm: adm.id, fy, n: past.data?.length ?? 0 });
  const mutation = useMutation({
    mutationFn: () => publish(adm.id, fy, key),
    onSuccess: (p) => {
      setConfirming(false);
      setProblem(null);
      setPublished(p.fiscal_year);
      void queryClient.invalidateQueries({ queryKey: keys.publications(adm.id) });
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });
  const yearLabel = fiscalYearOptionLabel(fy, i.lang);

  return (
    <>
      <p className="max-w-4xl text-std-16N-170">{t('publication.lead', { name: adm.name })}</p>
      <div className="min-w-80 max-w-md">
        <SelectField
          name="fiscal_year"
          label={t('report.fiscalYear')}
          options={years.map((y) => ({ value: String(y), label: fiscalYearOptionLabel(y, i.lang) }))}
          value={String(fy)}
          onChange={(e) => {
            setPublished(null);
            setParams({ fiscal_year: e.target.value }, { replace: true });
          }}
        />
      </div>
      <Notice tone="info" title={t('publication.suppressionTitle')}>
        <p data-testid="suppression-note">{t('publication.suppressionNote', { n: adm.suppression_threshold })}</p>
      </Notice>
      <ThresholdForm adm={adm} />

      <section aria-labelledby="publication-preview" className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4">
        <h2 id="publication-preview" className="text-std-22B-150">
          {t('publication.previewTitle', { year: yearLabel })}
        </h2>
        <p role="status" className="min-h-[1lh] text-dns-16N-130 text-solid-gray-700">
          {preview.isFetching ? t('report.updating') : ''}
        </p>
        {preview.isPending ? (
          <Loading />
        ) : preview.error ? (
          <LoadError error={preview.error} retry={() => void preview.refetch()} />
        ) : (
          <SummaryView summary={preview.data} headingLevel={3} />
        )}
        <DownloadButtons
          groupLabel={t('publication.downloads')}
          context={yearLabel}
          testId="preview-downloads"
          choices={[
            { id: 'csv', label: t('report.downloadCsv'), format: 'CSV', fetch: () => downloadPublicationPreview(adm.id, fy, 'csv') },
            { id: 'xlsx', label: t('report.downloadXlsx'), format: 'Excel', fetch: () => downloadPublicationPreview(adm.id, fy, 'xlsx') },
          ]}
        />
      </section>

      <section aria-labelledby="publication-publish" className="flex flex-col gap-3">
        <h2 id="publication-publish" className="text-std-22B-150">
          {t('publication.publishTitle')}
        </h2>
        <p className="max-w-4xl text-std-16N-170">{t('publication.publishLead')}</p>
        <ErrorSummary id="publish-errors" problem={problem} fields={{ fiscal_year: t('report.fiscalYear') }} />
        {published !== null && (
          <Notice tone="success" live="polite" title={t('publication.published', { year: fiscalYearOptionLabel(published, i.lang) })}>
            <Link to={publicSummaryPath(adm.code, published)}>{t('publication.openPublic')}</Link>
          </Notice>
        )}
        {confirming ? (
          <ConfirmPanel
            id="publish-confirm"
            title={t('publication.confirmTitle', { year: yearLabel })}
            confirmLabel={t('publication.publish')}
            busy={mutation.isPending}
            onConfirm={() => mutation.mutate()}
            onCancel={() => {
              setConfirming(false);
              publishButton.current?.focus();
            }}
          >
            {t('publication.confirmLead')}
          </ConfirmPanel>
        ) : (
          <div>
            <Button ref={publishButton} onClick={() => setConfirming(true)}>
              {t('publication.publish')}
            </Button>
          </div>
        )}
      </section>

      <section aria-labelledby="publication-past" className="flex flex-col gap-3">
        <h2 id="publication-past" className="text-std-22B-150">
          {t('publication.pastTitle')}
        </h2>
        {past.isPending ? (
          <Loading />
        ) : past.error ? (
          <LoadError error={past.error} retry={() => void past.refetch()} />
        ) : past.data.length === 0 ? (
          <p className="text-std-16N-170">{t('publication.none')}</p>
        ) : (
          <Table caption={t('publication.pastTitle')} head={[t('report.fiscalYear'), t('publication.version'), t('publication.publishedAt'), t('publication.publicPage')]}>
            {past.data.map((p) => (
              <Row key={p.id}>
                <Cell header>{fiscalYearOptionLabel(p.fiscal_year, i.lang)}</Cell>
                <Cell>{t('publication.versionValue', { version: p.version })}</Cell>
                <Cell>{i.dateTime(p.published_at)}</Cell>
                <Cell>
                  <Link to={publicSummaryPath(adm.code, p.fiscal_year)}>
                    {t('publication.openPublic')}
                    <span className="sr-only">{fiscalYearOptionLabel(p.fiscal_year, i.lang)}</span>
                  </Link>
                </Cell>
              </Row>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}

/**
 * The officer's own setting: counts under this threshold leave the administration as
 * 「N未満」. Read again before the change, so it applies to the version that is current (a
 * change made meanwhile answers 412 and the form shows the threshold now in force).
 */
function ThresholdForm({ adm }: { adm: Administration }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(adm.suppression_threshold));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const mutation = useMutation({
    mutationFn: async (n: number) => {
      const current = await getAdministration(adm.id);
      return updateAdministration(adm.id, { suppression_threshold: n }, current.etag);
    },
    onSuccess: () => {
      setProblem(null);
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: keys.ownAdministration });
      void queryClient.invalidateQueries({ queryKey: ['regional', 'publication-preview'] });
    },
    onError: (e) => {
      setSaved(false);
      setProblem(asProblem(e));
    },
  });
  const n = Number(value);
  const valid = /^[0-9]{1,3}$/.test(value.trim()) && n >= 1 && n <= 100;
  const errors = problem?.errors?.filter((e) => e.field === 'suppression_threshold').map((e) => e.message);
  const localError = !valid && value !== '' ? [t('publication.thresholdRange')] : undefined;
  return (
    <form
      className="flex max-w-3xl flex-col gap-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        if (valid) mutation.mutate(n);
      }}
    >
      <ErrorSummary id="threshold-errors" problem={problem} fields={{ suppression_threshold: t('publication.thresholdLabel') }} />
      <TextField
        name="suppression_threshold"
        label={t('publication.thresholdLabel')}
        hint={t('publication.thresholdHint')}
        required
        inputMode="numeric"
        className="max-w-32"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        errors={localError ?? errors}
      />
      <div>
        <Button type="submit" variant="outline" aria-disabled={mutation.isPending || !valid || undefined}>
          {t('publication.thresholdSave')}
        </Button>
      </div>
      <p role="status" className="min-h-[1lh] text-dns-16N-130">
        {saved ? t('publication.thresholdSaved') : ''}
      </p>
    </form>
  );
}

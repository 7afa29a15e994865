// The public page of an administration's published summary: no sign-in, no menu. The year
// comes from `?fiscal_year=`; without one, the latest of the current and last fiscal years
// that was published.
import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem } from '../../api/problem';
import { getPublicSummary, publicSummaryFileUrl, type PublicationSummary } from '../../api/regional';
import { PageTitle } from '../../app/PageTitle';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { buttonClass } from '../../components/Button';
import { currentFiscalYear } from '../../lib/datetime';
import { fiscalYearParam, publicYearsToTry } from './regionalModel';
import { SummaryView } from './SummaryView';

/** The asked year, or the newest published of those to try (a 404 moves on to the next). */
async function findSummary(code: string, asked: number | null): Promise<PublicationSummary> {
  if (asked !== null) return getPublicSummary(code, asked);
  const years = publicYearsToTry();
  let last: unknown = null;
  for (const y of years) {
    try {
      return await getPublicSummary(code, y);
    } catch (e) {
      if (asProblem(e)?.status !== 404) throw e;
      last = e;
    }
  }
  throw last;
}

export function PublicSummaryPage() {
  const i = useI18n();
  const { t } = i;
  const { code = '' } = useParams();
  const [params] = useSearchParams();
  const raw = params.get('fiscal_year');
  const asked = raw === null ? null : fiscalYearParam(raw, currentFiscalYear());
  const q = useQuery({
    queryKey: keys.publicSummary(code, asked),
    queryFn: () => findSummary(code, asked),
    retry: false,
  });
  const notPublished = asProblem(q.error)?.status === 404;

  if (q.isPending) {
    return (
      <>
        <PageTitle>{t('publicSummary.title')}</PageTitle>
        <Loading />
      </>
    );
  }
  if (q.error) {
    return (
      <>
        <PageTitle>{t('publicSummary.title')}</PageTitle>
        {notPublished ? (
          <p className="text-std-16N-170">{t('publicSummary.notPublished')}</p>
        ) : (
          <LoadError error={q.error} retry={() => void q.refetch()} />
        )}
      </>
    );
  }
  const s = q.data;
  return (
    <>
      <PageTitle>{t('publicSummary.heading', { name: s.administration_name, year: s.fiscal_year_label })}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('publicSummary.lead', { name: s.administration_name, year: i.fiscalYear(s.fiscal_year) })}</p>
      {s.published_at && (
        <p className="text-std-16N-170" data-testid="published-at">
          {t('publicSummary.publishedAt', { date: i.dateTime(s.published_at) })}
        </p>
      )}
      <p className="max-w-4xl text-std-16N-170">{t('publication.suppressionNote', { n: s.suppression_threshold })}</p>
      <SummaryView summary={s} />
      <section aria-labelledby="public-downloads" className="flex flex-col gap-3">
        <h2 id="public-downloads" className="text-std-22B-150">
          {t('publicSummary.downloads')}
        </h2>
        <div className="flex flex-wrap gap-3">
          <a className={buttonClass('outline', 'sm')} href={publicSummaryFileUrl(s.administration_code, s.fiscal_year, 'csv')} download>
            {t('report.downloadCsv')}
          </a>
          <a className={buttonClass('outline', 'sm')} href={publicSummaryFileUrl(s.administration_code, s.fiscal_year, 'xlsx')} download>
            {t('report.downloadXlsx')}
          </a>
        </div>
      </section>
    </>
  );
}

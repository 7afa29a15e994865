import { Link } from 'react-router';
import { asProblem } from '../api/problem';
import { useI18n } from '../i18n/I18nProvider';
import { problemMessage } from '../i18n/translate';
import { Button } from './Button';
import { Notice } from './Notice';

export function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="text-std-16N-170 text-solid-gray-700">
      {t('common.loading')}
    </p>
  );
}

/** A failed read, with a way to try again. */
export function LoadError({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t, lang } = useI18n();
  const p = asProblem(error);
  return (
    <Notice tone="error" live="assertive" title={p ? problemMessage(p, lang) : t('problem.network_error')}>
      {p?.mergedInto && (
        // A patient merged as a duplicate: the record kept answers for them.
        <p className="mt-2">
          <Link to={`/patients/${p.mergedInto}`}>{t('merge.goToSurvivor')}</Link>
        </p>
      )}
      {retry && !p?.mergedInto && (
        <Button size="sm" variant="outline" className="mt-2" onClick={retry}>
          {t('common.retry')}
        </Button>
      )}
    </Notice>
  );
}

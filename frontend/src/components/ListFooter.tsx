import { useI18n } from '../i18n/I18nProvider';
import { Button } from './Button';

export function ListFooter({
  count,
  hasMore,
  loadingMore,
  loadMore,
}: {
  count: number;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap items-center gap-4">
      <p role="status" className="text-dns-16N-130 text-solid-gray-700">
        {t('common.showing', { count })}
      </p>
      {hasMore && (
        <Button variant="outline" size="sm" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? t('common.loading') : t('common.loadMore')}
        </Button>
      )}
    </div>
  );
}

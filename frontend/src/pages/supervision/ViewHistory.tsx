// 閲覧履歴: who read or changed a patient's records, on the patient's page (supervisors only).
import { keys } from '../../api/client';
import { listAuditEvents } from '../../api/supervision';
import { ListFooter } from '../../components/ListFooter';
import { LoadError, Loading } from '../../components/QueryState';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { AuditEventTable } from './AuditEvents';
import { isViewAction } from './auditModel';

/** Pages are large: the section shows the reads among them (writes are in the timeline). */
const PAGE = 200;

export function ViewHistory({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const filter = { patient_id: patientId };
  const list = useCursorList(keys.auditEvents(filter), (cursor) => listAuditEvents(filter, cursor, PAGE));
  const views = list.items.filter((e) => isViewAction(e.action));
  return (
    <section aria-labelledby="view-history" className="flex flex-col gap-3" data-testid="view-history">
      <h2 id="view-history" className="text-std-22B-150">
        {t('audit.viewedTitle')}
      </h2>
      <p className="text-std-16N-170 text-solid-gray-700">{t('audit.viewedLead')}</p>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : views.length === 0 && !list.hasMore ? (
        <p className="text-std-16N-170">{t('audit.empty')}</p>
      ) : (
        <>
          <AuditEventTable items={views} caption={t('audit.viewedTitle')} showTarget={false} />
          <ListFooter count={views.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </>
      )}
    </section>
  );
}

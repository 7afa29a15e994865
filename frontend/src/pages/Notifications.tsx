// お知らせ: referrals returned to the consultant with the reviewer's comment, and follow-ups
// overdue beyond the center's escalation days. On home, and as a count in the header.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { keys } from '../api/client';
import { listNotifications } from '../api/supervision';
import { LoadError, Loading } from '../components/QueryState';
import { useI18n } from '../i18n/I18nProvider';
import { sortNotifications } from './supervision/supervisionModel';

export function useNotifications(enabled: boolean) {
  return useQuery({
    queryKey: keys.notifications,
    queryFn: listNotifications,
    enabled,
    staleTime: 60_000,
    refetchInterval: 5 * 60_000,
  });
}

/** The header's count: a link to the list on home, absent when there is nothing. */
export function NotificationBadge() {
  const { t } = useI18n();
  const q = useNotifications(true);
  const count = q.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <Link
      to="/#home-notifications"
      className="inline-flex items-center rounded-full border-2 border-error-1 bg-red-50 px-3 py-1 text-dns-16B-130 text-error-2 no-underline hover:underline"
      data-testid="notification-badge"
    >
      {t('notifications.badge', { count })}
    </Link>
  );
}

export function NotificationList() {
  const i = useI18n();
  const { t } = i;
  const q = useNotifications(true);
  const items = sortNotifications(q.data ?? []);
  const returned = items.filter((n) => n.kind === 'review_returned');
  const escalated = items.filter((n) => n.kind === 'follow_up_escalated');
  return (
    <section aria-labelledby="home-notifications" className="flex flex-col gap-3" data-testid="notifications">
      <h2 id="home-notifications" tabIndex={-1} className="text-std-22B-150">
        {t('notifications.title')}
      </h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <p className="text-std-16N-170">{t('notifications.empty')}</p>
      ) : (
        <>
          {returned.length > 0 && (
            <div className="flex flex-col gap-2">
              <h3 className="text-std-18B-160">{t('notificationKind.review_returned')}</h3>
              <ul className="flex flex-col gap-2">
                {returned.map((n) => (
                  <li key={`r-${n.referral_id}`} className="rounded-8 border-l-8 border-y border-r border-warning-yellow-2 bg-yellow-50 px-4 py-3">
                    <p className="text-std-16N-170" data-testid="returned-notification">
                      {t('notifications.returnedText', {
                        name: n.patient_name ?? t('common.none'),
                        caseNumber: n.case_number ?? t('common.none'),
                        agency: n.agency_name ?? t('common.none'),
                        when: n.review ? i.dateTime(n.review.created_at) : t('common.none'),
                        comment: n.review?.comment ?? t('common.none'),
                      })}
                    </p>
                    <Link to={`/referrals/${n.referral_id}`}>{t('notifications.fix')}</Link>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {escalated.length > 0 && (
            <div className="flex flex-col gap-2">
              <h3 className="text-std-18B-160">{t('notificationKind.follow_up_escalated')}</h3>
              <ul className="flex flex-col gap-2">
                {escalated.map((n) => (
                  <li
                    key={`e-${n.follow_up?.id ?? n.referral_id}`}
                    className="rounded-8 border-l-8 border-y border-r border-error-2 bg-red-50 px-4 py-3"
                  >
                    <p className="text-std-16N-170">
                      {t('notifications.escalatedText', {
                        name: n.follow_up?.patient_name ?? t('common.none'),
                        date: n.follow_up ? i.date(n.follow_up.due_on, { era: false }) : t('common.none'),
                        days: n.days_overdue ?? 0,
                      })}
                    </p>
                    {n.follow_up ? (
                      <Link to={`/follow-ups/${n.follow_up.id}`}>
                        {t('notifications.record')}
                        <span className="sr-only">{t('notifications.recordContext', { name: n.follow_up.patient_name })}</span>
                      </Link>
                    ) : (
                      <Link to={`/referrals/${n.referral_id}`}>{t('notifications.fix')}</Link>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}

import { useState } from 'react';
import { Link } from 'react-router';
import type { Consent, TimelineEntry } from '../../api/client';
import { isLevel } from '../../api/enums';
import { Button } from '../../components/Button';
import { DateField, SelectField } from '../../components/Field';
import { LevelBadge } from '../../components/LevelBadge';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { useAgencies } from '../cases/useCaseData';
import { dueDistance } from '../followups/FollowUpTable';
import { consentScopeLabel, withNote } from '../labels';
import { HISTORY_KINDS, HISTORY_PAGE, filterHistory, newestFirst, patientSummary } from './historyModel';
import { Facts, Timeline } from './Timeline';

/** What is open now: referrals with their level and next follow-up, the consent in force, the last contact. */
export function PatientSummary({ items, consents }: { items: readonly TimelineEntry[]; consents: readonly Consent[] }) {
  const i = useI18n();
  const { t } = i;
  const agencies = useAgencies();
  const today = todayInTokyo();
  const s = patientSummary(items, consents, today);
  return (
    <section aria-labelledby="summary-title" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4" data-testid="patient-summary">
      <h2 id="summary-title" className="text-std-22B-150">
        {t('patient.summary')}
      </h2>
      <Facts
        items={[
          [
            t('patient.summary.consent'),
            s.consent
              ? withNote(i, i.date(s.consent.given_on, { era: false }), consentScopeLabel(i, s.consent.scope))
              : t('consent.noneInForce'),
          ],
          [
            t('patient.summary.lastContact'),
            s.lastContact
              ? withNote(i, i.date(s.lastContact.date, { era: false }), t(`timelineKind.${s.lastContact.kind}`))
              : t('common.none'),
          ],
        ]}
      />
      <h3 className="text-std-18B-160">{t('patient.summary.openReferrals', { count: s.openReferrals.length })}</h3>
      {s.openReferrals.length === 0 ? (
        <p className="text-std-16N-170">{t('patient.summary.noOpenReferrals')}</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {s.openReferrals.map((r) => {
            const name = agencies.data?.find((a) => a.id === r.agencyId)?.name ?? t('common.none');
            return (
              <li key={r.id} className="flex flex-col gap-1 border-l-4 border-warning-orange-2 pl-3" data-testid="open-referral">
                <Link to={`/referrals/${r.id}`} className="text-std-16B-170">
                  {name}
                </Link>
                <span>{isLevel(r.level) ? <LevelBadge level={r.level} compact /> : r.level}</span>
                <span className={r.overdue ? 'font-bold text-error-2' : ''}>
                  {r.nextDue
                    ? t('patient.summary.nextDue', {
                        date: i.date(r.nextDue, { era: false }),
                        distance: dueDistance(i, r.nextDue, today),
                      })
                    : t('patient.summary.noNextDue')}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The patient's history newest first: filtered by kind and period, a page at a time. */
export function History({ items, consents }: { items: readonly TimelineEntry[]; consents: readonly Consent[] }) {
  const { t } = useI18n();
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [shown, setShown] = useState(HISTORY_PAGE);
  const all = newestFirst(items);
  const matching = filterHistory(all, { kind, from, to });
  const visible = matching.slice(0, shown);
  // A new filter starts from its first page.
  const refilter = (apply: () => void) => {
    apply();
    setShown(HISTORY_PAGE);
  };

  return (
    <section aria-labelledby="timeline-title" className="flex flex-col gap-3">
      <h2 id="timeline-title" className="text-std-22B-150">
        {t('patient.timeline')}
      </h2>
      <div className="grid max-w-3xl gap-4 md:grid-cols-3" role="group" aria-label={t('patient.history.filters')}>
        <SelectField
          name="history_kind"
          label={t('patient.history.kind')}
          options={[{ value: '', label: t('common.all') }, ...HISTORY_KINDS.map((k) => ({ value: k, label: t(`timelineKind.${k}`) }))]}
          value={kind}
          onChange={(e) => refilter(() => setKind(e.target.value))}
        />
        <DateField
          name="history_from"
          label={t('patient.history.from')}
          value={from}
          onChange={(v) => refilter(() => setFrom(v))}
        />
        <DateField
          name="history_to"
          label={t('patient.history.to')}
          value={to}
          onChange={(v) => refilter(() => setTo(v))}
        />
      </div>
      {items.length > 0 && matching.length === 0 ? (
        <p className="text-std-16N-170">{t('patient.history.noMatch')}</p>
      ) : (
        <Timeline items={visible} consents={consents} />
      )}
      <div className="flex flex-wrap items-center gap-4">
        <p role="status" className="text-dns-16N-130 text-solid-gray-700" data-testid="history-count">
          {t('patient.history.showing', { shown: visible.length, total: matching.length })}
        </p>
        {matching.length > visible.length && (
          <Button variant="outline" size="sm" onClick={() => setShown((n) => n + HISTORY_PAGE)}>
            {t('common.loadMore')}
          </Button>
        )}
      </div>
    </section>
  );
}

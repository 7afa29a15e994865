import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Consent, TimelineEntry } from '../../api/client';
import { isFollowUpState, isLevel, type TimelineKind } from '../../api/enums';
import { FollowUpStateBadge, LevelBadge } from '../../components/LevelBadge';
import { useI18n } from '../../i18n/I18nProvider';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { capabilities } from '../../auth/permissions';
import { wasEdited } from '../cases/editForms';
import { useAgencies, useStaffName } from '../cases/useCaseData';
import {
  agencyTypeLabel,
  channelLabel,
  consentScopeLabel,
  contactedLabel,
  followUpMethodLabel,
  joinLabels,
  outcomeLabel,
  purposeLabel,
  referralStatusLabel,
  requesterLabel,
  sharedItemLabel,
  topicLabel,
  withNote,
} from '../labels';

/** A short list of facts: term and description side by side. */
export function Facts({ items }: { items: readonly (readonly [string, ReactNode] | null | false | undefined)[] }) {
  const shown = items.filter((x): x is readonly [string, ReactNode] => Boolean(x));
  return (
    <dl className="facts gap-x-4 gap-y-1 text-std-16N-170">
      {shown.map(([term, desc]) => (
        <div key={term} className="contents">
          <dt className="font-bold">{term}</dt>
          <dd className="whitespace-pre-wrap">{desc}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "Correct" for a record in the history, named for screen readers (many such links on a page). */
function CorrectLink({ to, what, from }: { to: string; what: string; from?: string }) {
  const { t } = useI18n();
  return (
    <p className="mt-1" data-print="hide">
      <Link to={to} state={from ? { from } : undefined}>
        {t('edit.correct')}
        <span className="sr-only">{t('edit.correctContext', { what })}</span>
      </Link>
    </p>
  );
}

const kindTone: Record<TimelineKind, string> = {
  consultation: 'border-blue-900',
  consent: 'border-success-2',
  referral: 'border-warning-orange-2',
  level_change: 'border-warning-orange-2',
  provision: 'border-solid-gray-600',
  follow_up: 'border-blue-600',
  program_change: 'border-success-2',
  project_session: 'border-success-2',
  event: 'border-success-2',
};

function Level({ value }: { value: string }) {
  return isLevel(value) ? <LevelBadge level={value} compact /> : <>{value}</>;
}

function Entry({ entry, consents }: { entry: TimelineEntry; consents: readonly Consent[] }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const agencies = useAgencies();
  const agency = (id: string) => agencies.data?.find((a) => a.id === id);
  const agencyName = (id: string) => agency(id)?.name ?? t('common.none');
  // A ピア・サポーター corrects only what they recorded, and has no events screen.
  const me = useMe();
  const peer = capabilities(useAuth().role).peerSupport;

  let body: ReactNode = null;
  if (entry.kind === 'consultation' && entry.consultation) {
    const c = entry.consultation;
    body = (
      <>
      <Facts
        items={[
          [t('consultation.when'), i.dateTime(c.occurred_at)],
          [t('consultation.channel'), channelLabel(i, c.channel)],
          [t('consultation.requester'), requesterLabel(i, c.requester)],
          [t('consultation.topics'), joinLabels(i, c.topics, topicLabel)],
          c.duration_minutes != null && [t('consultation.duration'), t('consultation.minutes', { minutes: c.duration_minutes })],
          c.with_employment_supporter && [t('consultation.joint'), t('common.yes')],
          c.summary != null && [t('consultation.summary'), c.summary],
          [t('consultation.consultant'), staffName(c.consultant_id)],
          wasEdited(c) && [t('edit.history'), t('edit.edited', { at: i.dateTime(c.updated_at) })],
        ]}
      />
      {(!peer || c.consultant_id === me.id) && (
        <CorrectLink to={`/consultations/${c.id}/edit`} what={`${t('timelineKind.consultation')} ${i.date(entry.date, { era: false })}`} />
      )}
      </>
    );
  } else if (entry.kind === 'referral' && entry.referral) {
    const r = entry.referral;
    const a = agency(r.agency_id);
    body = (
      <>
        <Facts
          items={[
            // The type the referral was made to (what the ministry's figures count), even if the office changed since.
            [t('followUp.agency'), withNote(i, a?.name ?? t('common.none'), agencyTypeLabel(i, r.agency_type))],
            [t('referral.purpose'), purposeLabel(i, r.purpose)],
            [t('referral.level'), <Level key="l" value={r.level} />],
            [
              t('referral.status'),
              r.status === 'closed' && r.outcome
                ? withNote(i, referralStatusLabel(i, r.status), outcomeLabel(i, r.outcome))
                : referralStatusLabel(i, r.status),
            ],
            r.handed_over != null && [t('referral.handedOver'), r.handed_over],
            [t('referral.consultant'), staffName(r.consultant_id)],
          ]}
        />
        <p className="mt-1">
          <Link to={`/referrals/${r.id}`}>
            {t('referral.open')}
            <span className="sr-only">{t('referral.openContext', { agency: a?.name ?? '' })}</span>
          </Link>
        </p>
      </>
    );
  } else if (entry.kind === 'level_change' && entry.level_change) {
    const l = entry.level_change;
    body = (
      <Facts
        items={[
          [
            t('referral.change'),
            <span key="c" className="inline-flex flex-wrap items-baseline gap-2">
              {l.from_level ? <Level value={l.from_level} /> : t('referral.atCreation')}
              <span aria-hidden="true">→</span>
              <Level value={l.to_level} />
            </span>,
          ],
          l.reason != null && [t('referral.reason'), l.reason],
          [t('referral.changedBy'), staffName(l.changed_by)],
        ]}
      />
    );
  } else if (entry.kind === 'program_change' && entry.program_change) {
    const c = entry.program_change;
    body = (
      <Facts
        items={[
          [
            t('timeline.programChange'),
            <span key="p" className="inline-flex flex-wrap items-baseline gap-2">
              {t(`program.${c.from_program}`)}
              <span aria-hidden="true">→</span>
              {t(`program.${c.to_program}`)}
            </span>,
          ],
          [t('referral.changedBy'), staffName(c.changed_by)],
        ]}
      />
    );
  } else if (entry.kind === 'provision' && entry.provision) {
    const p = entry.provision;
    const consent = consents.find((c) => c.id === p.consent_id);
    body = (
      <Facts
        items={[
          [t('followUp.agency'), agencyName(p.agency_id)],
          [t('referral.provided'), joinLabels(i, p.items, sharedItemLabel)],
          consent && [t('consent.title'), withNote(i, i.date(consent.given_on, { era: false }), consentScopeLabel(i, consent.scope))],
          [t('referral.changedBy'), staffName(p.recorded_by)],
        ]}
      />
    );
  } else if (entry.kind === 'consent' && entry.consent) {
    const c = entry.consent;
    body = (
      <>
      <Facts
        items={[
          [t('consent.givenOn'), i.date(c.given_on)],
          [t('consent.scope'), consentScopeLabel(i, c.scope)],
          c.withdrawn_on != null && [t('consent.withdrawnOn'), i.date(c.withdrawn_on)],
          c.notes != null && [t('consent.notes'), c.notes],
          [t('referral.changedBy'), staffName(c.recorded_by)],
          wasEdited(c) && [t('edit.history'), t('edit.edited', { at: i.dateTime(c.updated_at) })],
        ]}
      />
      <CorrectLink to={`/consents/${c.id}/edit`} what={`${t('timelineKind.consent')} ${i.date(c.given_on, { era: false })}`} />
      </>
    );
  } else if (entry.kind === 'event' && entry.event) {
    const e = entry.event;
    body = (
      <Facts
        items={[
          [t('event.title'), peer ? e.title : <Link key="e" to={`/activities/events/${e.id}`}>{e.title}</Link>],
          [t('event.kind'), t(`eventKind.${e.kind}`)],
        ]}
      />
    );
  } else if (entry.kind === 'follow_up' && entry.follow_up) {
    const f = entry.follow_up;
    const open = f.state === 'due' || f.state === 'overdue';
    body = (
      <>
        <Facts
          items={[
            [t('followUp.state'), isFollowUpState(f.state) ? <FollowUpStateBadge key="s" state={f.state} /> : f.state],
            [t('followUp.dueOn'), i.date(f.due_on)],
            [t('followUp.agency'), f.agency_name],
            f.done_on != null && [t('followUp.doneOn'), i.date(f.done_on)],
            f.method != null && [t('followUp.method'), followUpMethodLabel(i, f.method)],
            f.contacted != null && [t('followUp.contacted'), contactedLabel(i, f.contacted)],
            f.outcome != null && [t('followUp.outcome'), outcomeLabel(i, f.outcome)],
            f.notes != null && [t('followUp.notes'), f.notes],
            [t('followUp.assignee'), staffName(f.assignee_id)],
          ]}
        />
        {open && (
          <p className="mt-1">
            <Link to={`/follow-ups/${f.id}`} state={{ from: `/patients/${f.patient_id}` }}>
              {t('followUp.record')}
              <span className="sr-only">{t('followUp.recordContext', { name: f.patient_name, date: i.date(f.due_on, { era: false }) })}</span>
            </Link>
          </p>
        )}
        {f.state === 'done' && (
          <CorrectLink
            to={`/follow-ups/${f.id}/edit`}
            from={`/patients/${f.patient_id}`}
            what={`${t('timelineKind.follow_up')} ${i.date(f.done_on ?? f.due_on, { era: false })}`}
          />
        )}
      </>
    );
  }

  return (
    <li className={`flex flex-col gap-2 border-l-4 py-2 pl-4 ${kindTone[entry.kind]}`} data-kind={entry.kind}>
      <h3 className="text-std-17B-170">
        <time dateTime={entry.date} className="mr-3 font-normal text-solid-gray-700">
          {i.date(entry.date, { era: false })}
        </time>
        {t(`timelineKind.${entry.kind}`)}
      </h3>
      {body}
    </li>
  );
}

/** Entries of the patient's path, in the order given. */
export function Timeline({ items, consents }: { items: readonly TimelineEntry[]; consents: readonly Consent[] }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="text-std-16N-170">{t('patient.timelineEmpty')}</p>;
  return (
    <ol className="flex flex-col gap-4" aria-label={t('patient.timeline')}>
      {items.map((e) => (
        <Entry key={`${e.kind}-${e.consultation?.id ?? e.referral?.id ?? e.level_change?.id ?? e.provision?.id ?? e.consent?.id ?? e.follow_up?.id ?? e.program_change?.id ?? e.at}`} entry={e} consents={consents} />
      ))}
    </ol>
  );
}

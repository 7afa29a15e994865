// フォローアップの予定表: the follow-ups due in a week (Monday to Sunday) or a month, day by
// day — a consultant's own; a supervisor's for one consultant or everyone. On a phone the
// grid becomes a list of days. Each follow-up opens its record page.
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { keys, type FollowUp } from '../../api/client';
import { isFollowUpState, isLevel } from '../../api/enums';
import { listFollowUpsDue } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { useMe } from '../../auth/AuthProvider';
import { capabilities, FOLLOW_UP_CALENDAR_PATH as CALENDAR_PATH } from '../../auth/permissions';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/Field';
import { FollowUpStateBadge } from '../../components/LevelBadge';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { levelDots } from '../../lib/cases';
import { todayInTokyo } from '../../lib/datetime';
import { warekiOf } from '../../lib/wareki';
import { useStaff, useStaffName } from '../cases/useCaseData';
import { levelLabel } from '../labels';
import {
  byDay,
  calendarWindow,
  inMonth,
  isCalendarView,
  isIsoDate,
  mondayOf,
  shiftAnchor,
  type CalendarView,
} from './calendarModel';


const CASE_ROLES = ['consultant', 'supervisor', 'self_reliance_worker'];

const dayFormats = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'UTC', month: 'long', day: 'numeric', weekday: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }),
};

/** 12月1日(火) / Tue 1 Dec: a day in the calendar. */
function dayLabel(i: I18n, date: string): string {
  return dayFormats[i.lang].format(new Date(`${date}T00:00:00Z`));
}

/** 2026年12月（令和8年12月） / December 2026. */
function monthLabel(i: I18n, anchor: string): string {
  const year = Number(anchor.slice(0, 4));
  const month = Number(anchor.slice(5, 7));
  if (i.lang === 'en') {
    return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${anchor.slice(0, 7)}-01T00:00:00Z`));
  }
  const w = warekiOf(`${anchor.slice(0, 7)}-01`);
  const era = w ? `（${w.era.ja}${w.year === 1 ? '元' : w.year}年${month}月）` : '';
  return `${year}年${month}月${era}`;
}

function Item({ f, showAssignee, from }: { f: FollowUp; showAssignee: boolean; from: string }) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const overdue = f.state === 'overdue';
  return (
    <li
      className={`rounded-4 border-l-4 bg-white px-2 py-1 text-dns-16N-130 ${overdue ? 'border-error-1 bg-red-50' : f.state === 'due' ? 'border-blue-900' : 'border-solid-gray-420'}`}
      data-state={f.state}
    >
      <Link to={`/follow-ups/${f.id}`} state={{ from }} className="text-dns-16B-130 break-words">
        {f.patient_name}
      </Link>
      <span className="block break-words text-solid-gray-700">{f.agency_name}</span>
      <span className="flex flex-wrap items-center gap-x-2">
        {isLevel(f.level) && (
          <span title={levelLabel(i, f.level)}>
            <span aria-hidden="true" className="tracking-[0.1em] text-blue-900">
              {levelDots(f.level)}
            </span>
            <span className="sr-only">{levelLabel(i, f.level)}</span>
          </span>
        )}
        {f.state !== 'due' && isFollowUpState(f.state) && <FollowUpStateBadge state={f.state} />}
      </span>
      {showAssignee && <span className="block text-solid-gray-700">{t('calendar.assignee', { name: staffName(f.assignee_id) })}</span>}
    </li>
  );
}

function Day({
  day,
  items,
  today,
  view,
  anchor,
  showAssignee,
  from,
}: {
  day: string;
  items: readonly FollowUp[];
  today: string;
  view: CalendarView;
  anchor: string;
  showAssignee: boolean;
  from: string;
}) {
  const i = useI18n();
  const { t } = i;
  const isToday = day === today;
  const outside = view === 'month' && !inMonth(day, anchor);
  // On a phone a month is a list of the days that have something (and today), not 35 boxes.
  const phoneHidden = view === 'month' && items.length === 0 && !isToday ? 'max-md:hidden' : '';
  return (
    <li
      aria-current={isToday ? 'date' : undefined}
      data-day={day}
      className={`flex min-w-0 flex-col gap-1 rounded-6 border p-2 ${isToday ? 'border-2 border-blue-900 bg-blue-50' : 'border-solid-gray-420'} ${outside ? 'md:bg-solid-gray-50' : ''} ${view === 'week' ? 'md:min-h-40' : 'md:min-h-24'} ${phoneHidden}`}
    >
      <h3 className="flex flex-wrap items-baseline gap-x-2 text-dns-16B-130">
        <time dateTime={day} className={outside ? 'text-solid-gray-700' : ''}>
          {dayLabel(i, day)}
        </time>
        {isToday && <span className="rounded-4 bg-blue-900 px-1 text-white">{t('calendar.todayMark')}</span>}
      </h3>
      {items.length === 0 ? (
        view === 'week' && <p className="text-dns-16N-130 text-solid-gray-700">{t('calendar.nothing')}</p>
      ) : (
        <ul className="flex flex-col gap-1" aria-label={t('calendar.dayItems', { date: dayLabel(i, day), count: items.length })}>
          {items.map((f) => (
            <Item key={f.id} f={f} showAssignee={showAssignee} from={from} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function FollowUpCalendarPage() {
  const i = useI18n();
  const { t } = i;
  const me = useMe();
  const supervisor = capabilities(me.roleKnown).supervise;
  const [params, setParams] = useSearchParams();
  const today = todayInTokyo();
  const viewParam = params.get('view');
  const view: CalendarView = isCalendarView(viewParam) ? viewParam : 'week';
  const dateParam = params.get('date');
  const anchor = isIsoDate(dateParam) ? dateParam : today;
  // A consultant sees their own; a supervisor chooses (themselves by default).
  const whoParam = params.get('assignee') ?? 'me';
  const who = supervisor ? whoParam : 'me';
  const assignee = who === 'all' ? '' : who;
  const staff = useStaff();
  const workers = (staff.data ?? []).filter((u) => CASE_ROLES.includes(u.role) && u.id !== me.id);

  const win = calendarWindow(view, anchor);
  const q = useQuery({
    queryKey: [...keys.followUps, 'calendar', { from: win.from, to: win.to, assignee }],
    queryFn: () => listFollowUpsDue({ from: win.from, to: win.to, assignee }),
    staleTime: 0,
    placeholderData: (previous) => previous,
  });
  const days = byDay(q.data ?? []);
  const overdue = (q.data ?? []).filter((f) => f.state === 'overdue').length;

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) next.set(k, v);
    setParams(next, { replace: true });
  };
  const here = `${CALENDAR_PATH}?${params.toString()}`;
  const period =
    view === 'week'
      ? t('calendar.weekOf', { from: i.date(win.from), to: i.date(win.to, { era: false }) })
      : monthLabel(i, anchor);
  const showAssignee = supervisor && who !== 'me';

  return (
    <>
      <PageTitle>{t('calendar.title')}</PageTitle>
      <p className="text-std-16N-170 text-solid-gray-700">
        {t('calendar.lead')} <Link to="/follow-ups">{t('calendar.toList')}</Link>
      </p>
      <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
        <div role="group" aria-label={t('calendar.view')} className="flex gap-2">
          {(['week', 'month'] as const).map((v) => (
            <Button key={v} size="sm" variant={view === v ? 'solid' : 'outline'} aria-pressed={view === v} onClick={() => go({ view: v })}>
              {v === 'week' ? t('calendar.view.week') : t('calendar.view.month')}
            </Button>
          ))}
        </div>
        <div role="group" aria-label={t('calendar.move')} className="flex flex-wrap gap-2">
          <Button size="sm" variant="outline" onClick={() => go({ date: shiftAnchor(view, anchor, -1) })}>
            {view === 'week' ? t('calendar.prevWeek') : t('calendar.prevMonth')}
          </Button>
          <Button size="sm" variant="outline" onClick={() => go({ date: today })}>
            {t('calendar.today')}
          </Button>
          <Button size="sm" variant="outline" onClick={() => go({ date: shiftAnchor(view, anchor, 1) })}>
            {view === 'week' ? t('calendar.nextWeek') : t('calendar.nextMonth')}
          </Button>
        </div>
        {supervisor && (
          <div className="min-w-60 max-w-full">
            <SelectField
              name="calendar_assignee"
              label={t('calendar.whose')}
              options={[
                { value: 'me', label: t('common.you', { name: me.display_name }) },
                { value: 'all', label: t('calendar.everyone') },
                ...workers.map((u) => ({ value: u.id, label: u.display_name })),
              ]}
              value={who}
              onChange={(e) => go({ assignee: e.target.value })}
            />
          </div>
        )}
      </div>
      <section aria-labelledby="calendar-period" className="flex flex-col gap-3">
        <h2 id="calendar-period" className="text-std-22B-150" aria-live="polite">
          {period}
        </h2>
        {q.isPending ? (
          <Loading />
        ) : q.error ? (
          <LoadError error={q.error} retry={() => void q.refetch()} />
        ) : (
          <>
            <p role="status" className="text-std-16N-170" data-testid="calendar-count">
              {q.data.length === 0
                ? t('calendar.empty')
                : overdue > 0
                  ? t('calendar.countOverdue', { count: q.data.length, overdue })
                  : t('calendar.count', { count: q.data.length })}
            </p>
            <div aria-busy={q.isPlaceholderData || undefined} className={q.isPlaceholderData ? 'opacity-60' : ''}>
              {view === 'month' && (
                <div aria-hidden="true" className="mb-1 grid grid-cols-7 gap-1 text-center text-dns-16B-130 max-md:hidden">
                  {win.weeks[0]?.map((d) => (
                    <span key={d}>{dayFormats[i.lang].formatToParts(new Date(`${d}T00:00:00Z`)).find((p) => p.type === 'weekday')?.value}</span>
                  ))}
                </div>
              )}
              <ol className="grid grid-cols-1 gap-1 md:grid-cols-7" aria-label={period} data-testid="calendar-days">
                {win.weeks.flat().map((day) => (
                  <Day
                    key={day}
                    day={day}
                    items={days.get(day) ?? []}
                    today={today}
                    view={view}
                    anchor={view === 'week' ? mondayOf(anchor) : anchor}
                    showAssignee={showAssignee}
                    from={here}
                  />
                ))}
              </ol>
            </div>
          </>
        )}
      </section>
    </>
  );
}

import { Link } from 'react-router';
import type { FollowUp } from '../../api/client';
import { isFollowUpState, isLevel } from '../../api/enums';
import { FollowUpStateBadge, LevelBadge } from '../../components/LevelBadge';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { daysBetween, todayInTokyo } from '../../lib/datetime';
import { useStaffName } from '../cases/useCaseData';
import { agencyTypeLabel } from '../labels';

/** How far the due date is: "3 days overdue", "due today", "in 5 days". */
export function dueDistance(i: I18n, dueOn: string, today: string): string {
  const days = daysBetween(today, dueOn);
  if (days < 0) return i.t('followUp.overdueBy', { days: -days });
  if (days === 0) return i.t('followUp.dueToday');
  return i.t('followUp.dueIn', { days });
}

/** Follow-ups with their patient, agency and level; overdue rows tinted; "record" on open ones. */
export function FollowUpTable({
  items,
  caption,
  showAssignee = false,
  from,
}: {
  items: readonly FollowUp[];
  caption: string;
  showAssignee?: boolean;
  /** Where "record" should come back to. */
  from: string;
}) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const today = todayInTokyo();
  const head = [t('followUp.dueOn'), t('followUp.state'), t('followUp.patient'), t('followUp.agency'), t('followUp.level')];
  if (showAssignee) head.push(t('followUp.assignee'));
  head.push(t('followUp.actions'));

  return (
    <Table caption={caption} head={head}>
      {items.map((f) => {
        const open = f.state === 'due' || f.state === 'overdue';
        return (
          <Row key={f.id} highlight={f.state === 'overdue'}>
            <Cell header>
              <span className="whitespace-nowrap">{i.date(f.due_on, { era: false })}</span>
              {open && <span className="block text-dns-16N-130 text-solid-gray-700">{dueDistance(i, f.due_on, today)}</span>}
            </Cell>
            <Cell>{isFollowUpState(f.state) ? <FollowUpStateBadge state={f.state} /> : f.state}</Cell>
            <Cell>
              <Link to={`/patients/${f.patient_id}`}>{f.patient_name}</Link>
              <span className="block text-dns-16N-130 text-solid-gray-700">
                <code>{f.case_number}</code>
              </span>
            </Cell>
            <Cell>
              <Link to={`/referrals/${f.referral_id}`}>{f.agency_name}</Link>
              <span className="block text-dns-16N-130 text-solid-gray-700">{agencyTypeLabel(i, f.agency_type)}</span>
            </Cell>
            <Cell>{isLevel(f.level) ? <LevelBadge level={f.level} compact /> : f.level}</Cell>
            {showAssignee && <Cell>{staffName(f.assignee_id)}</Cell>}
            <Cell>
              {open && (
                <Link to={`/follow-ups/${f.id}`} state={{ from }} className="whitespace-nowrap">
                  {t('followUp.record')}
                  <span className="sr-only">
                    {t('followUp.recordContext', { name: f.patient_name, date: i.date(f.due_on, { era: false }) })}
                  </span>
                </Link>
              )}
            </Cell>
          </Row>
        );
      })}
    </Table>
  );
}

// The audit trail as a table, for the audit trail page and a patient's "who viewed this record".
import { Link } from 'react-router';
import type { AuditEvent } from '../../api/supervision';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { auditActionLabel } from './supervisionModel';

function outcomeLabel(i: I18n, outcome: string): string {
  switch (outcome) {
    case 'success':
      return i.t('audit.outcome.success');
    case 'denied':
      return i.t('audit.outcome.denied');
    case 'not_found':
      return i.t('audit.outcome.not_found');
    case 'failed':
      return i.t('audit.outcome.failed');
    default:
      return outcome;
  }
}

export function AuditEventTable({
  items,
  caption,
  showTarget = true,
}: {
  items: readonly AuditEvent[];
  caption: string;
  /** Off on a patient's page: every event there is about that patient. */
  showTarget?: boolean;
}) {
  const i = useI18n();
  const { t } = i;
  const staffName = useStaffName();
  const who = (e: AuditEvent) =>
    e.actor_kind === 'user'
      ? staffName(e.actor_id)
      : e.actor_kind === 'system'
        ? t('audit.system')
        : e.actor_kind === 'agency'
          ? t('audit.agency', { id: (e.actor_id ?? '').slice(-8) })
          : e.actor_kind;
  const head = [t('audit.when'), t('audit.who'), t('audit.what'), ...(showTarget ? [t('audit.target')] : []), t('audit.outcome')];
  return (
    <Table caption={caption} head={head}>
      {items.map((e) => (
        <Row key={e.id} highlight={e.outcome !== 'success'}>
          <Cell header>
            <span className="whitespace-nowrap">{i.dateTime(e.occurred_at)}</span>
          </Cell>
          <Cell>{who(e)}</Cell>
          <Cell>
            <span data-action={e.action}>{auditActionLabel(i, e.action)}</span>
            {e.detail && <span className="block text-dns-16N-130 text-solid-gray-700">{e.detail}</span>}
          </Cell>
          {showTarget && (
            <Cell>
              {e.patient_id ? (
                <Link to={`/patients/${e.patient_id}`}>
                  <code>{e.resource_type}</code>
                </Link>
              ) : (
                <code>{e.resource_type}</code>
              )}
            </Cell>
          )}
          <Cell>{outcomeLabel(i, e.outcome)}</Cell>
        </Row>
      ))}
    </Table>
  );
}

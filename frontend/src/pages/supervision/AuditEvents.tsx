// The audit trail as a table, for the audit trail page and a patient's "who viewed this record":
// actions, targets and outcomes in words, people and patients by name where the reader may see
// them, and each screen opening folded into one line that opens onto its raw events.
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { keys } from '../../api/client';
import { getPatient } from '../../api/resources';
import type { AuditEvent } from '../../api/supervision';
import { useMe } from '../../auth/AuthProvider';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaffName } from '../cases/useCaseData';
import { patientName } from '../labels';
import { detailText, outcomeText, patientText, type Names } from './auditDetail';
import { auditActionLabel, auditTargetLabel, foldedParts, foldEvents, shortId } from './auditModel';

/** Patients named by the events, by id: only for supervisors, who may see patients. */
export function usePatientNames(ids: readonly (string | null | undefined)[]): {
  label: (id: string) => string | null;
  name: (id: string) => string | null;
} {
  const me = useMe();
  // Center and system administrators may not read patients: asking would be refused (and
  // audited as a refusal), so their trail shows the case-less short id instead.
  const allowed = me.roleKnown === 'supervisor';
  const unique = allowed ? [...new Set(ids.filter((id): id is string => Boolean(id)))] : [];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: keys.patient(id),
      queryFn: () => getPatient(id),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const labels = new Map<string, string>();
  const plain = new Map<string, string>();
  unique.forEach((id, n) => {
    const p = results[n]?.data?.data;
    if (!p) return;
    plain.set(id, patientName(p));
    labels.set(id, p.case_number ? `${p.case_number} ${patientName(p)}` : patientName(p));
  });
  return { label: (id) => labels.get(id) ?? null, name: (id) => plain.get(id) ?? null };
}

export function DetailText({ detail, names }: { detail: string | null | undefined; names: Names }) {
  const i = useI18n();
  const text = detailText(i, names, detail);
  if (text === '') return null;
  return (
    <span className="block text-dns-16N-130 text-solid-gray-700" data-detail={detail ?? undefined}>
      {text}
    </span>
  );
}

function Who({ e, names }: { e: AuditEvent; names: Names }) {
  const { t } = useI18n();
  switch (e.actor_kind) {
    case 'user':
      return <>{names.staff(e.actor_id)}</>;
    case 'system':
      return <>{t('audit.system')}</>;
    case 'agency':
      return <>{t('audit.agency', { id: shortId(e.actor_id ?? '') })}</>;
    case 'client':
      return <>{t('audit.client')}</>;
    case 'anonymous':
      return <>{t('audit.anonymous')}</>;
    default:
      return <>{e.actor_kind}</>;
  }
}

function Target({ e, names }: { e: AuditEvent; names: Names }) {
  const i = useI18n();
  const label = auditTargetLabel(i, e.resource_type);
  if (!e.patient_id) return <span data-target={e.resource_type}>{label}</span>;
  const patient = names.patient(e.patient_id);
  return (
    <>
      <span data-target={e.resource_type}>{label}</span>
      <span className="block">
        {patient ? <Link to={`/patients/${e.patient_id}`}>{patient}</Link> : i.t('audit.patientShort', { id: shortId(e.patient_id) })}
      </span>
    </>
  );
}

/** The raw events of a folded line, each as the trail would list it alone. */
function RawEvents({ events, names }: { events: readonly AuditEvent[]; names: Names }) {
  const i = useI18n();
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-dns-16N-130 text-blue-1000 underline">{i.t('audit.foldedRaw', { count: events.length })}</summary>
      <ul className="mt-1 flex flex-col gap-1 pl-4 text-dns-16N-130">
        {[...events].reverse().map((e) => (
          <li key={e.id} data-action={e.action}>
            <span className="whitespace-nowrap">{i.dateTime(e.occurred_at)}</span> {auditActionLabel(i, e.action)}
            <DetailText detail={e.detail} names={names} />
          </li>
        ))}
      </ul>
    </details>
  );
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
  const patients = usePatientNames(items.map((e) => e.patient_id));
  const names: Names = { staff: staffName, patient: patients.label, patientName: patients.name };
  const head = [t('audit.when'), t('audit.who'), t('audit.what'), ...(showTarget ? [t('audit.target')] : []), t('audit.outcome')];
  return (
    <Table caption={caption} head={head}>
      {foldEvents(items).map((line) => {
        if (line.kind === 'single') {
          const e = line.event;
          return (
            <Row key={e.id} highlight={e.outcome !== 'success'}>
              <Cell header>
                <span className="whitespace-nowrap">{i.dateTime(e.occurred_at)}</span>
              </Cell>
              <Cell>
                <Who e={e} names={names} />
              </Cell>
              <Cell>
                <span data-action={e.action}>{auditActionLabel(i, e.action)}</span>
                <DetailText detail={e.detail} names={names} />
              </Cell>
              {showTarget && (
                <Cell>
                  <Target e={e} names={names} />
                </Cell>
              )}
              <Cell>{outcomeText(i, e.outcome)}</Cell>
            </Row>
          );
        }
        // The newest event opens the line: the time the screen finished opening.
        const first = line.events[0]!;
        const known = names.patientName(line.patientId);
        const subject = known ? t('audit.patientOf', { name: known }) : patientText(i, names, line.patientId);
        const parts = foldedParts(line.events).map((p) => t(`auditPart.${p}`));
        const text =
          parts.length > 0
            ? t('audit.foldedWith', { patient: subject, parts: parts.join(i.lang === 'ja' ? '・' : ', ') })
            : t('audit.folded', { patient: subject });
        return (
          <Row key={first.id}>
            <Cell header>
              <span className="whitespace-nowrap">{i.dateTime(line.events[line.events.length - 1]!.occurred_at)}</span>
            </Cell>
            <Cell>
              <Who e={first} names={names} />
            </Cell>
            <Cell>
              <span data-folded={line.events.length}>{text}</span>
              <RawEvents events={line.events} names={names} />
            </Cell>
            {showTarget && (
              <Cell>
                <Target e={{ ...first, resource_type: 'patient' }} names={names} />
              </Cell>
            )}
            <Cell>{outcomeText(i, 'success')}</Cell>
          </Row>
        );
      })}
    </Table>
  );
}

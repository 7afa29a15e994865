// ピア・サポーター on a patient's page (case workers): who looks after the patient now and
// who did before; a supervisor assigns one and ends an assignment.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { asProblem, type Problem } from '../../api/problem';
import { assignPeerSupporter, endPeerAssignment, listPeerAssignments, peerKeys, type PeerAssignment } from '../../api/peerSupport';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { SelectField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, StatusBadge, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { useStaff } from '../cases/useCaseData';
import { assignable, currentFirst, forAssignForm } from './peerModel';

export function PeerSupportersSection({ patientId, canAssign }: { patientId: string; canAssign: boolean }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const assignments = useQuery({ queryKey: peerKeys.assignments(patientId), queryFn: () => listPeerAssignments(patientId), staleTime: 0 });
  const staff = useStaff();
  const nameOf = (id: string) => staff.data?.find((u) => u.id === id)?.display_name ?? t('common.unknownUser');
  const [done, setDone] = useState<string | null>(null);
  const [ending, setEnding] = useState<PeerAssignment | null>(null);
  const [endProblem, setEndProblem] = useState<Problem | null>(null);
  // After the confirmation closes, focus returns to the button that opened it (or to the
  // section's heading when that row has gone from "current").
  const heading = useRef<HTMLHeadingElement>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: peerKeys.assignments(patientId) });

  const end = useMutation({
    mutationFn: (a: PeerAssignment) => endPeerAssignment(patientId, a.user_id),
    onSuccess: async (a) => {
      setEnding(null);
      setEndProblem(null);
      setDone(t('peer.ended', { name: nameOf(a.user_id) }));
      await refresh();
      heading.current?.focus();
    },
    onError: (e) => {
      setEnding(null);
      setEndProblem(asProblem(e));
    },
  });

  const items = currentFirst(assignments.data ?? []);
  return (
    <section aria-labelledby="peer-title" className="flex flex-col gap-4" data-testid="peer-supporters">
      <h2 id="peer-title" ref={heading} tabIndex={-1} className="text-std-22B-150 outline-none">
        {t('peer.title')}
      </h2>
      <p className="max-w-4xl text-std-16N-170 text-solid-gray-700">{t('peer.lead')}</p>
      {done && <Notice tone="success" live="polite" title={done} />}
      <ErrorSummary id="peer-end-errors" problem={endProblem} fields={{}} />
      {assignments.isPending ? (
        <Loading />
      ) : assignments.error ? (
        <LoadError error={assignments.error} retry={() => void assignments.refetch()} />
      ) : items.length === 0 ? (
        <p className="text-std-16N-170">{t('peer.none')}</p>
      ) : (
        <Table
          caption={t('peer.caption')}
          head={[t('peer.supporter'), t('peer.startedOn'), t('common.status'), ...(canAssign ? [t('followUp.actions')] : [])]}
        >
          {items.map((a) => {
            const current = a.ended_on == null;
            return (
              <Row key={a.id}>
                <Cell header>{nameOf(a.user_id)}</Cell>
                <Cell>{i.date(a.started_on, { era: false })}</Cell>
                <Cell>
                  <StatusBadge active={current} activeLabel={t('peer.current')} inactiveLabel={t('peer.past')} />
                  {a.ended_on != null && <span className="ml-2">{t('peer.endedOn', { date: i.date(a.ended_on, { era: false }) })}</span>}
                </Cell>
                {canAssign && (
                  <Cell>
                    {current && (
                      <Button
                        variant="outline"
                        size="sm"
                        aria-expanded={ending?.id === a.id}
                        onClick={() => {
                          setDone(null);
                          setEndProblem(null);
                          setEnding(ending?.id === a.id ? null : a);
                        }}
                      >
                        {t('peer.end')}
                        <span className="sr-only">{t('peer.endContext', { name: nameOf(a.user_id) })}</span>
                      </Button>
                    )}
                  </Cell>
                )}
              </Row>
            );
          })}
        </Table>
      )}
      {ending && (
        <ConfirmPanel
          id="peer-end-confirm"
          title={t('peer.endConfirmTitle', { name: nameOf(ending.user_id) })}
          confirmLabel={t('peer.endConfirm')}
          busy={end.isPending}
          onConfirm={() => {
            if (!end.isPending) end.mutate(ending);
          }}
          onCancel={() => {
            setEnding(null);
            heading.current?.focus();
          }}
        >
          {t('peer.endConfirmBody', { name: nameOf(ending.user_id) })}
        </ConfirmPanel>
      )}
      {canAssign && assignments.data && (
        <AssignForm
          patientId={patientId}
          items={assignments.data}
          onAssigned={async (a) => {
            setDone(t('peer.assigned', { name: nameOf(a.user_id) }));
            setEndProblem(null);
            await refresh();
          }}
        />
      )}
    </section>
  );
}

function AssignForm({
  patientId,
  items,
  onAssigned,
}: {
  patientId: string;
  items: readonly PeerAssignment[];
  onAssigned: (a: PeerAssignment) => Promise<void>;
}) {
  const { t } = useI18n();
  const staff = useStaff();
  const [userId, setUserId] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const choices = assignable(staff.data ?? [], items);
  const assign = useMutation({
    mutationFn: () => assignPeerSupporter(patientId, userId),
    onSuccess: async (a) => {
      setProblem(null);
      setUserId('');
      await onAssigned(a);
    },
    onError: (e) => setProblem(forAssignForm(asProblem(e))),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (userId === '') {
      setProblem({
        status: 422,
        code: 'validation_failed',
        title: 'The input is not valid',
        detail: null,
        type: null,
        errors: [{ field: 'user_id', code: 'required_peer_supporter', message: 'choose a peer supporter' }],
        retryAfterSeconds: null,
      });
      return;
    }
    if (!assign.isPending) assign.mutate();
  };

  if (staff.isPending) return <Loading />;
  const noneAtAll = !(staff.data ?? []).some((u) => u.active && u.role === 'peer_supporter');
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4" aria-labelledby="peer-assign-title">
      <h3 id="peer-assign-title" className="text-std-18B-160">
        {t('peer.assignTitle')}
      </h3>
      <ErrorSummary id="peer-assign-errors" problem={problem} fields={{ user_id: t('peer.assignField') }} />
      {noneAtAll ? (
        <p className="text-std-16N-170">{t('peer.noSupporters')}</p>
      ) : choices.length === 0 ? (
        <p className="text-std-16N-170">{t('peer.allAssigned')}</p>
      ) : (
        <div className="flex flex-wrap items-end gap-4">
          <div className="min-w-64">
            <SelectField
              name="user_id"
              label={t('peer.assignField')}
              required
              placeholder={t('peer.choose')}
              options={choices.map((u) => ({ value: u.id, label: u.display_name }))}
              value={userId}
              onChange={(e) => setUserId(e.target.value)}
              errors={errorsFor('user_id')}
            />
          </div>
          <Button type="submit" disabled={assign.isPending}>
            {assign.isPending ? t('form.saving') : t('peer.assign')}
          </Button>
        </div>
      )}
    </form>
  );
}

// A supervisor merges a patient registered twice (重複した記録を統合): choose the other record
// with the patient search, choose which record stays, see what will move, confirm. The
// merged record's id keeps answering with a pointer to the one kept.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { keys, type Patient } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { mergePatients, previewPatientMerge, type MergeCounts } from '../../api/resources';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorSummary } from '../../components/ErrorSummary';
import { RadioGroupField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { Loading } from '../../components/QueryState';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import { patientName } from '../labels';
import { PatientPicker } from '../shoman/PatientPicker';

/** The counts a merge reports, in the order shown, each with its words. */
export const MERGE_COUNT_LABELS: Record<keyof MergeCounts, MessageKey> = {
  consultations: 'mergeCount.consultations',
  consents: 'mergeCount.consents',
  referrals: 'mergeCount.referrals',
  follow_ups: 'mergeCount.follow_ups',
  provisions: 'mergeCount.provisions',
  program_changes: 'mergeCount.program_changes',
  support_plans: 'mergeCount.support_plans',
  support_plan_actions: 'mergeCount.support_plan_actions',
  liaison_contacts: 'mergeCount.liaison_contacts',
  liaison_provisions: 'mergeCount.liaison_provisions',
  project_sessions: 'mergeCount.project_sessions',
  needs: 'mergeCount.needs',
  event_attendances: 'mergeCount.event_attendances',
  supporter_bookings: 'mergeCount.supporter_bookings',
  peer_assignments: 'mergeCount.peer_assignments',
  agency_links: 'mergeCount.agency_links',
  released_bookings: 'mergeCount.released_bookings',
  released_assignments: 'mergeCount.released_assignments',
  released_attendances: 'mergeCount.released_attendances',
};

/** The non-zero counts, in the order above. */
export function movedLines(moved: MergeCounts): { key: keyof MergeCounts; n: number }[] {
  return (Object.keys(MERGE_COUNT_LABELS) as (keyof MergeCounts)[])
    .map((key) => ({ key, n: moved[key] }))
    .filter((x) => x.n > 0);
}

/** A record as the supervisor tells two of them apart: name and case number. */
function who(p: Patient): string {
  return `${patientName(p)}（${p.case_number}）`;
}

export function MergeSection({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <section aria-labelledby="merge-title" className="flex flex-col gap-4" data-testid="merge">
      <h2 id="merge-title" className="text-std-22B-150">
        {t('merge.title')}
      </h2>
      <div>
        <Button
          ref={opener}
          variant="outline"
          aria-expanded={open}
          aria-controls="merge-panel"
          onClick={() => setOpen(!open)}
        >
          {t('merge.open')}
        </Button>
      </div>
      {open && (
        <MergePanel
          key={patient.id}
          patient={patient}
          onClose={() => {
            setOpen(false);
            opener.current?.focus();
          }}
        />
      )}
    </section>
  );
}

function MergePanel({ patient, onClose }: { patient: Patient; onClose: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [other, setOther] = useState<Patient | null>(null);
  const [keep, setKeep] = useState<'this' | 'other'>('this');
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const survivor = keep === 'this' ? patient : other;
  const merged = keep === 'this' ? other : patient;
  const body = survivor && merged ? { survivor_id: survivor.id, merged_id: merged.id } : null;
  const key = useIdempotencyKey(body);
  const preview = useQuery({
    queryKey: [...keys.cases, 'merge-preview', body],
    queryFn: () => (body ? previewPatientMerge(body) : Promise.reject(new Error('no records chosen'))),
    enabled: body !== null,
    staleTime: 0,
    retry: false,
  });
  const merge = useMutation({
    mutationFn: () => (body ? mergePatients(body, key) : Promise.reject(new Error('no records chosen'))),
    onSuccess: async (out) => {
      await queryClient.invalidateQueries({ queryKey: keys.cases });
      onClose();
      void navigate(`/patients/${out.survivor.id}`, flash('merged'));
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });
  const previewProblem = preview.error ? asProblem(preview.error) : null;
  return (
    <div id="merge-panel" className="flex max-w-4xl flex-col gap-4 rounded-8 border border-solid-gray-420 p-4">
      <p className="text-std-16N-170">{t('merge.lead')}</p>
      <ErrorSummary id="merge-errors" problem={problem ?? previewProblem} fields={{}} />
      {other === null || survivor === null || merged === null ? (
        <PatientPicker
          name="merge_search"
          label={t('merge.find')}
          hint={t('merge.findHint')}
          chooseLabel={t('merge.choose')}
          exclude={[patient.id]}
          withCaseNumber
          onChoose={(p) => {
            setProblem(null);
            setOther(p);
          }}
        />
      ) : (
        <>
          <p className="flex flex-wrap items-center gap-3 text-std-16B-170">
            <span data-testid="merge-chosen">{t('merge.chosen', { who: who(other) })}</span>
            <Button
              size="sm"
              variant="outline"
              onClick={() => {
                setOther(null);
                setConfirming(false);
                setProblem(null);
              }}
            >
              {t('merge.change')}
            </Button>
          </p>
          <RadioGroupField
            name="merge_keep"
            label={t('merge.keep')}
            required
            columns={1}
            choices={[
              { value: 'this', label: t('merge.keepThis', { who: who(patient) }) },
              { value: 'other', label: t('merge.keepOther', { who: who(other) }) },
            ]}
            value={keep}
            onChange={(v) => {
              setConfirming(false);
              setKeep(v === 'other' ? 'other' : 'this');
            }}
          />
          <section aria-labelledby="merge-moves-title" className="flex flex-col gap-2" data-testid="merge-preview">
            <h3 id="merge-moves-title" className="text-std-18B-160">
              {t('merge.willMove', { from: who(merged), to: who(survivor) })}
            </h3>
            {preview.isPending ? (
              <Loading />
            ) : preview.data ? (
              movedLines(preview.data.moved).length === 0 ? (
                <p className="text-std-16N-170">{t('merge.nothing')}</p>
              ) : (
                <ul className="list-disc pl-6 text-std-16N-170">
                  {movedLines(preview.data.moved).map((x) => (
                    <li key={x.key}>{t('merge.count', { label: t(MERGE_COUNT_LABELS[x.key]), n: x.n })}</li>
                  ))}
                </ul>
              )
            ) : null}
          </section>
          {confirming ? (
            <ConfirmPanel
              id="merge-confirm"
              title={t('merge.confirmTitle', { from: who(merged), to: who(survivor) })}
              confirmLabel={t('merge.confirm')}
              busy={merge.isPending}
              onConfirm={() => {
                if (!merge.isPending) merge.mutate();
              }}
              onCancel={() => setConfirming(false)}
            >
              {t('merge.confirmBody', { from: who(merged), to: who(survivor) })}
            </ConfirmPanel>
          ) : (
            <div>
              <Button disabled={!preview.data} onClick={() => setConfirming(true)}>
                {t('merge.confirm')}
              </Button>
            </div>
          )}
        </>
      )}
      <div>
        <Button variant="outline" onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </div>
    </div>
  );
}

// Choosing patients of the center by name: a search field and the matches, each with a
// button to choose it. Plain buttons in a list, so it works with the keyboard and a screen
// reader without a combobox's tricks.
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { keys, type Patient } from '../../api/client';
import { getPatient, listPatients } from '../../api/resources';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { useDebounced } from '../../components/useDebounced';
import { useI18n } from '../../i18n/I18nProvider';
import { todayInTokyo } from '../../lib/datetime';
import { birthWithAge, patientName, programLabel } from '../labels';

const MATCHES = 8;

/** A patient's name by id, read once and cached with the patient pages. */
export function PatientNameById({ id }: { id: string }) {
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.patient(id), queryFn: () => getPatient(id) });
  return <>{q.data ? patientName(q.data.data) : t('common.loading')}</>;
}

export function PatientPicker({
  name,
  label,
  hint,
  chooseLabel,
  exclude,
  onChoose,
  withCaseNumber = false,
}: {
  name: string;
  label: string;
  hint?: string;
  /** The button's words, e.g. "参加者に追加"; the patient's name follows for screen readers. */
  chooseLabel: string;
  /** Patients already chosen: not offered again. */
  exclude: readonly string[];
  onChoose: (patient: Patient) => void;
  /** Shows each match's case number: two records of one person differ by little else. */
  withCaseNumber?: boolean;
}) {
  const i = useI18n();
  const { t } = i;
  const [q, setQ] = useState('');
  const settled = useDebounced(q.trim());
  const resultsId = useId();
  const search = useQuery({
    queryKey: [...keys.patients, 'pick', settled],
    queryFn: () => listPatients(settled),
    enabled: settled !== '',
  });
  const matches = (search.data?.items ?? []).filter((p) => !exclude.includes(p.id)).slice(0, MATCHES);
  const today = todayInTokyo();
  return (
    <div className="flex flex-col gap-2">
      <TextField
        name={name}
        label={label}
        hint={hint}
        type="search"
        autoComplete="off"
        value={q}
        aria-controls={resultsId}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          // Enter searches; it must not submit the surrounding form.
          if (e.key === 'Enter') e.preventDefault();
        }}
      />
      <div id={resultsId} aria-live="polite">
        {settled === '' ? null : search.isPending ? (
          <p className="text-dns-16N-130 text-solid-gray-700">{t('common.loading')}</p>
        ) : matches.length === 0 ? (
          <p className="text-dns-16N-130 text-solid-gray-700">{t('picker.none')}</p>
        ) : (
          <ul className="flex flex-col gap-2" aria-label={t('picker.matches')}>
            {matches.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center gap-3">
                <Button
                  size="sm"
                  variant="outline"
                  onClick={() => {
                    onChoose(p);
                    setQ('');
                  }}
                >
                  {chooseLabel}
                  <span className="sr-only">{t('picker.context', { name: patientName(p) })}</span>
                </Button>
                <span className="text-std-16N-170">
                  {patientName(p)}（{withCaseNumber && <>{p.case_number}・</>}
                  {programLabel(i, p.program)}・{birthWithAge(i, p.birth_date, today)}）
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

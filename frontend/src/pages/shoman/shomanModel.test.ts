import { describe, expect, it } from 'vitest';
import { projectFilter, activitiesFor, chartSeries, consentRuleOnField, hasAny, needFilter, participantFieldProblem, participantIndex, percentText, toCount } from './shomanModel';

describe('activitiesFor', () => {
  it("offers a project's own activities, then その他", () => {
    expect(activitiesFor('respite')).toEqual(['temporary_care', 'other']);
    expect(activitiesFor('employment')).toEqual(['work_experience', 'job_consultation_meeting', 'other']);
    expect(activitiesFor('other')).toEqual(['learning_support', 'physical_training', 'other']);
  });
  it('offers only その他 for a kind it does not know', () => {
    expect(activitiesFor('mystery')).toEqual(['other']);
  });
});

describe('toCount', () => {
  it('reads whole numbers and leaves empty as not a number for the server to name', () => {
    expect(toCount(' 3 ')).toBe(3);
    expect(toCount('')).toBeNaN();
    expect(toCount('-1')).toBe(-1);
    expect(toCount('１２')).toBe(12);
    expect(toCount('12人')).toBeNaN();
  });
});

describe('participantIndex', () => {
  it('finds the row an error points at', () => {
    expect(participantIndex('participants[2].patient_id')).toBe(2);
    expect(participantIndex('participants.0.role')).toBe(0);
    expect(participantIndex('children_count')).toBeNull();
  });
});

describe('participantFieldProblem', () => {
  const base = { status: 422, title: 't', type: null, retryAfterSeconds: null };
  const participants = [
    { patient_id: 'aaaa-1', name: '中村 陽太' },
    { patient_id: 'bbbb-2', name: '佐藤 花' },
  ];
  const message = (code: string, name: string) => `${code}:${name}`;
  it('moves a participant without consent onto the participants field, naming them', () => {
    const p = { ...base, code: 'participant_without_consent', detail: 'bbbb-2 has no consent in force on 2026-12-01', errors: [] };
    expect(participantFieldProblem(p, participants, message).errors).toEqual([
      { field: 'participants', code: 'participant_without_consent_named', message: 'participant_without_consent:佐藤 花' },
    ]);
  });
  it('leaves other problems as they are', () => {
    const p = { ...base, code: 'validation_failed', detail: null, errors: [{ field: 'held_on', code: 'required', message: 'x' }] };
    expect(participantFieldProblem(p, participants, message)).toBe(p);
  });
});

describe('needFilter', () => {
  it('asks for what the filters name, nothing for "all"', () => {
    expect(needFilter('', 'open')).toEqual({ status: 'open' });
    expect(needFilter('respite', 'all')).toEqual({ kind: 'respite' });
    expect(needFilter('nonsense', 'closed')).toEqual({});
  });
});

describe('the figures helpers', () => {
  const rows = [
    { kind: 'respite', sessions: 0 },
    { kind: 'exchange', sessions: 3 },
  ];
  it('makes one bar per row, zeros kept so the bars line up with the table', () => {
    expect(chartSeries(rows, (r) => r.kind, (r) => r.sessions)).toEqual({ labels: ['respite', 'exchange'], counts: [0, 3] });
  });
  it('draws no chart of zeros only', () => {
    expect(hasAny([0, 0])).toBe(false);
    expect(hasAny([0, 3])).toBe(true);
    expect(hasAny([])).toBe(false);
  });
  it('writes a share to one decimal, or the dash without a base', () => {
    expect(percentText(40, 'ja')).toBe('40.0%');
    expect(percentText(33.333, 'en')).toBe('33.3%');
    expect(percentText(null, 'ja')).toBe('—');
    expect(percentText(undefined, 'en')).toBe('—');
  });
});

describe('consentRuleOnField', () => {
  const base = { status: 422, title: 't', type: null, retryAfterSeconds: null, detail: 'no consent covers schools', errors: [] };
  it('shows a missing consent at the data-shared box', () => {
    expect(consentRuleOnField({ ...base, code: 'consent_required' }).errors).toEqual([
      { field: 'shared_data', code: 'consent_required', message: 'no consent covers schools' },
    ]);
  });
  it('leaves other problems alone', () => {
    const p = { ...base, code: 'plan_not_of_patient' };
    expect(consentRuleOnField(p)).toBe(p);
  });
});

describe('projectFilter', () => {
  it('asks for running or ended projects, of a kind', () => {
    expect(projectFilter('', 'active')).toEqual({ active: true });
    expect(projectFilter('exchange', 'ended')).toEqual({ kind: 'exchange', active: false });
    expect(projectFilter('nonsense', 'all')).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import type { Consent, Consultation, FollowUp, Referral } from '../../api/client';
import { changedFields } from '../../components/forms';
import {
  consentToForm,
  consultationToForm,
  followUpToForm,
  referralToForm,
  toConsentPatch,
  toConsultationPatch,
  toFollowUpPatch,
  toReferralPatch,
  wasEdited,
} from './editForms';

const consultation: Consultation = {
  id: 'c1',
  occurred_at: '2025-04-01T00:30:00Z',
  channel: 'phone',
  requester: 'patient',
  topics: ['illness', 'employment'] as Consultation['topics'],
  with_employment_supporter: false,
  consultant_id: 'u1',
  duration_minutes: 30,
  summary: '就職の相談',
  created_at: '2025-04-01T00:31:00Z',
  updated_at: '2025-04-01T00:31:00Z',
};

describe('consultation', () => {
  it('shows the time in Tokyo and sends back only what changed', () => {
    const form = consultationToForm(consultation);
    expect(form.occurred_at).toBe('2025-04-01T09:30');
    expect(form.duration_minutes).toBe('30');
    const changes = changedFields(consultationToForm(consultation), { ...form, summary: ' 就職と通院の相談 ', duration_minutes: '' });
    expect(toConsultationPatch(changes)).toEqual({ summary: '就職と通院の相談', duration_minutes: null });
  });

  it('sends a changed time as Tokyo time and an emptied topic list as it is', () => {
    expect(toConsultationPatch({ occurred_at: '2025-04-02T10:00', topics: [] })).toEqual({
      occurred_at: '2025-04-02T10:00:00+09:00',
      topics: [],
    });
  });
});

describe('referral', () => {
  it('maps purpose, what was handed over and notes; empty text clears', () => {
    const r = { purpose: 'new_employment', handed_over: null, notes: 'メモ' } as unknown as Referral;
    expect(referralToForm(r)).toEqual({ purpose: 'new_employment', handed_over: '', notes: 'メモ' });
    expect(toReferralPatch({ handed_over: '就労相談票', notes: '  ' })).toEqual({ handed_over: '就労相談票', notes: null });
  });
});

describe('follow-up', () => {
  it('corrects a done one without ever undoing it', () => {
    const f = { done_on: '2025-04-10', method: 'phone', contacted: 'patient', outcome: 'searching', notes: null } as unknown as FollowUp;
    expect(followUpToForm(f)).toEqual({ done_on: '2025-04-10', method: 'phone', contacted: 'patient', outcome: 'searching', notes: '' });
    expect(toFollowUpPatch({ notes: '面接日を確認', done_on: '' })).toEqual({ notes: '面接日を確認' });
    expect(toFollowUpPatch({ method: 'visit', done_on: '2025-04-09' })).toEqual({ method: 'visit', done_on: '2025-04-09' });
  });
});

describe('consent', () => {
  it('corrects only the notes', () => {
    const c = { notes: null } as unknown as Consent;
    expect(consentToForm(c)).toEqual({ notes: '' });
    expect(toConsentPatch({ notes: '書面で受領' })).toEqual({ notes: '書面で受領' });
    expect(toConsentPatch({})).toEqual({});
  });
});

describe('wasEdited', () => {
  it('tells a corrected record from one saved once', () => {
    expect(wasEdited({ created_at: '2025-04-01T00:00:00Z', updated_at: '2025-04-01T00:00:00.200Z' })).toBe(false);
    expect(wasEdited({ created_at: '2025-04-01T00:00:00Z', updated_at: '2025-04-02T00:00:00Z' })).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { consentIdsOf, sharedItemsOf } from './referralSheet';

const provisions = [
  { referral_id: 'r1', consent_id: 'c1', items: ['contact', 'name'] },
  { referral_id: 'r2', consent_id: 'c1', items: ['diagnosis'] },
  { referral_id: 'r1', consent_id: 'c2', items: ['name', 'birth_date'] },
];

describe('referral sheet', () => {
  it("lists only this referral's items, in the form's order, once each", () => {
    expect(sharedItemsOf(provisions, 'r1')).toEqual(['name', 'birth_date', 'contact']);
    expect(sharedItemsOf(provisions, 'r2')).toEqual(['diagnosis']);
  });
  it('lists nothing for a referral that passed no data', () => {
    expect(sharedItemsOf(provisions, 'r3')).toEqual([]);
  });
  it('ignores item names it does not know', () => {
    expect(sharedItemsOf([{ referral_id: 'r', items: ['name', 'blood_type'] }], 'r')).toEqual(['name']);
  });
  it('names the consents the data went under', () => {
    expect(consentIdsOf(provisions, 'r1')).toEqual(['c1', 'c2']);
  });
});

import { describe, expect, it } from 'vitest';
import { isNarrowed, patientListQuery, withFilter } from './patientListModel';

describe('the patient list in the address', () => {
  it('reads every filter and the order', () => {
    const q = patientListQuery(
      new URLSearchParams(
        'q=%20やまだ%20&program=nanbyo&disease_number=51&employment_status=job_seeking&consultant=me&open_referral=true&overdue=true&sort=kana',
      ),
    );
    expect(q).toEqual({
      q: 'やまだ',
      program: 'nanbyo',
      disease_number: 51,
      employment_status: 'job_seeking',
      consultant: 'me',
      open_referral: true,
      overdue: true,
      sort: 'kana',
    });
    expect(isNarrowed(q)).toBe(true);
  });

  it('leaves out what the API would refuse, and the default order', () => {
    const q = patientListQuery(
      new URLSearchParams('program=adult&disease_number=999&employment_status=busy&consultant=bob&open_referral=yes&sort=registered'),
    );
    expect(q).toEqual({});
    expect(isNarrowed(q)).toBe(false);
    expect(isNarrowed(patientListQuery(new URLSearchParams('sort=kana')))).toBe(false);
  });

  it('changes one filter and removes an emptied one', () => {
    const p = new URLSearchParams('q=a&program=shoman');
    expect(withFilter(p, 'overdue', 'true').toString()).toBe('q=a&program=shoman&overdue=true');
    expect(withFilter(p, 'program', '').toString()).toBe('q=a');
    expect(p.toString()).toBe('q=a&program=shoman');
  });
});

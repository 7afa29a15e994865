import { describe, expect, it } from 'vitest';
import { eventPatch } from './eventForm';
import { outreachPatch } from './outreachForm';
import { schedulePatch } from './scheduleForm';
import { trainingPatch } from './trainingForm';

describe('the change bodies of the activity forms', () => {
  it('send only what changed, as the API types it', () => {
    expect(outreachPatch({ quantity: '350' })).toEqual({ quantity: 350 });
    expect(outreachPatch({ quantity: '', target: ' 県内の指定医療機関 ' })).toEqual({ quantity: null, target: '県内の指定医療機関' });
    expect(eventPatch({ patients_count: '8', materials: '就労支援ガイド\n\n しおり ' })).toEqual({ patients_count: 8, materials: ['就労支援ガイド', 'しおり'] });
    expect(eventPatch({ start_time: '' })).toEqual({ start_time: null });
    expect(schedulePatch({ place: '', weeks: [1, 3] })).toEqual({ place: null, weeks: [1, 3] });
    expect(schedulePatch({ slot_minutes: '30' })).toEqual({ slot_minutes: 30 });
  });

  it('clear the free text of 「その他」 when the kind changes to a coded one, and keep it when it changes to 「その他」', () => {
    expect(outreachPatch({ kind: 'poster_designated_hospital' })).toEqual({ kind: 'poster_designated_hospital', kind_other: null });
    expect(outreachPatch({ kind: 'other', kind_other: '地域の祭りでの配布' })).toEqual({ kind: 'other', kind_other: '地域の祭りでの配布' });
    expect(eventPatch({ kind: 'cafe' })).toEqual({ kind: 'cafe', kind_other: null });
  });

  it('name the signed-in user when a training is set back to 「自分」', () => {
    expect(trainingPatch({ user_id: '' }, 'me')).toEqual({ user_id: 'me' });
    expect(trainingPatch({ user_id: 'colleague', hours: '3.5' }, 'me')).toEqual({ user_id: 'colleague', hours: 3.5 });
  });
});

describe('numbers typed with a Japanese input method', () => {
  it('read full-width digits and separators instead of dropping them', () => {
    expect(eventPatch({ patients_count: '６' })).toEqual({ patients_count: 6 });
    expect(outreachPatch({ quantity: '１，２００', facility_count: '１２' })).toEqual({ quantity: 1200, facility_count: 12 });
    expect(trainingPatch({ hours: '１．５' }, 'me')).toEqual({ hours: 1.5 });
    expect(schedulePatch({ slot_minutes: '３０' })).toMatchObject({ slot_minutes: 30 });
  });
});

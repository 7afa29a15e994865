import { describe, expect, it } from 'vitest';
import { EVENT_NUMBERS, eventPatch } from './eventForm';
import { OUTREACH_NUMBERS, outreachPatch } from './outreachForm';
import { checkNewSchedule, emptySchedule, SCHEDULE_NUMBERS, schedulePatch } from './scheduleForm';
import { TRAINING_NUMBERS, trainingPatch } from './trainingForm';
import { checkNumbers } from '../../components/forms';
import { emptyEvent } from './eventForm';
import { emptyOutreach } from './outreachForm';
import { emptyTraining } from './trainingForm';

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

describe('what is typed that is not a number', () => {
  it('is refused on its field before sending, on each activity form, instead of going as 0 or as nothing', () => {
    const fields = (p: ReturnType<typeof checkNumbers>) => p?.errors.map((e) => [e.field, e.code]);
    expect(fields(checkNumbers({ ...emptyEvent(), patients_count: 'abc', families_count: '２', professionals_count: '1.2.3' }, EVENT_NUMBERS))).toEqual([
      ['patients_count', 'not_a_number'],
      ['professionals_count', 'not_a_number'],
    ]);
    expect(fields(checkNumbers({ ...emptyOutreach(), quantity: '百' }, OUTREACH_NUMBERS))).toEqual([['quantity', 'not_a_number']]);
    expect(fields(checkNumbers({ ...emptyTraining(), hours: '1時間' }, TRAINING_NUMBERS))).toEqual([['hours', 'not_a_number']]);
    expect(fields(checkNumbers({ ...emptySchedule(), slot_minutes: 'abc' }, SCHEDULE_NUMBERS))).toEqual([['slot_minutes', 'not_a_number']]);
    expect(checkNumbers({ ...emptyEvent(), patients_count: '６' }, EVENT_NUMBERS)).toBeNull();
  });
});

describe('a new 出張相談 schedule', () => {
  it('needs a Hello Work office chosen (an empty id would come back as a malformed UUID), shown with the other errors at once', () => {
    expect(checkNewSchedule('', emptySchedule())?.errors).toEqual([expect.objectContaining({ field: 'agency_id', code: 'required' })]);
    expect(checkNewSchedule('', { ...emptySchedule(), slot_minutes: 'abc' })?.errors.map((e) => e.field)).toEqual(['agency_id', 'slot_minutes']);
    expect(checkNewSchedule('0190c2a4-0000-7000-8000-000000000001', emptySchedule())).toBeNull();
  });
});

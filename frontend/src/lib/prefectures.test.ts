import { describe, expect, it } from 'vitest';
import { PREFECTURES, prefectureByCode, prefectureName } from './prefectures';

describe('prefectures', () => {
  it('lists the 47 JIS X 0401 codes in order, as two-digit strings', () => {
    expect(PREFECTURES.map((p) => p.code)).toEqual(
      Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(2, '0')),
    );
  });

  it('names them', () => {
    expect(prefectureByCode('01')?.ja).toBe('北海道');
    expect(prefectureByCode('13')?.ja).toBe('東京都');
    expect(prefectureName('34', 'ja')).toBe('広島県');
    expect(prefectureName('47', 'en')).toBe('Okinawa');
    expect(prefectureName('99', 'ja')).toBe('99');
    expect(prefectureByCode('1')).toBeUndefined();
  });
});

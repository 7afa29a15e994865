import { describe, expect, it } from 'vitest';
import { currentFiscalYear, formatDate, formatDateTime, tokyoDate } from './datetime';
import {
  fiscalYearLabelEn,
  fiscalYearLabelJa,
  fiscalYearOfDate,
  fiscalYearRange,
  formatBothCalendars,
  formatWarekiDate,
  parseDateInput,
  warekiOf,
} from './wareki';

describe('fiscal year labels (年度)', () => {
  it('names recent fiscal years in Reiwa', () => {
    expect(fiscalYearLabelJa(2025)).toBe('令和7年度');
    expect(fiscalYearLabelJa(2020)).toBe('令和2年度');
    expect(fiscalYearLabelJa(2026)).toBe('令和8年度');
  });

  it('writes the first year of an era as 元年', () => {
    expect(fiscalYearLabelJa(2019)).toBe('令和元年度');
    expect(fiscalYearLabelJa(1989)).toBe('平成元年度');
  });

  it('uses the era in force for most of the fiscal year', () => {
    expect(fiscalYearLabelJa(2018)).toBe('平成30年度');
    expect(fiscalYearLabelJa(1988)).toBe('昭和63年度');
    expect(fiscalYearLabelJa(1926)).toBe('大正15年度');
    expect(fiscalYearLabelJa(1927)).toBe('昭和2年度');
    expect(fiscalYearLabelJa(1912)).toBe('大正元年度');
  });

  it('has an English label', () => {
    expect(fiscalYearLabelEn(2025)).toBe('FY2025 (Reiwa 7)');
  });

  it('rejects nonsense', () => {
    expect(() => fiscalYearLabelJa(2025.5)).toThrow(RangeError);
    expect(() => fiscalYearLabelJa(1500)).toThrow(RangeError);
  });
});

describe('fiscal year arithmetic', () => {
  it('runs April to March', () => {
    expect(fiscalYearRange(2025)).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(fiscalYearOfDate('2025-04-01')).toBe(2025);
    expect(fiscalYearOfDate('2026-03-31')).toBe(2025);
    expect(fiscalYearOfDate('2025-03-31')).toBe(2024);
  });

  it('decides the current fiscal year in Asia/Tokyo, not UTC', () => {
    // 2026-03-31T15:30Z is 2026-04-01 00:30 in Tokyo: already FY2026.
    expect(currentFiscalYear(new Date('2026-03-31T15:30:00Z'))).toBe(2026);
    expect(currentFiscalYear(new Date('2026-03-31T14:59:00Z'))).toBe(2025);
  });
});

describe('era dates', () => {
  it('switches era on the first day', () => {
    expect(warekiOf('2019-04-30')).toMatchObject({ era: { ja: '平成' }, year: 31 });
    expect(warekiOf('2019-05-01')).toMatchObject({ era: { ja: '令和' }, year: 1 });
    expect(warekiOf('1989-01-07')).toMatchObject({ era: { ja: '昭和' }, year: 64 });
    expect(warekiOf('1800-01-01')).toBeNull();
  });

  it('formats a date', () => {
    expect(formatWarekiDate('2025-04-01')).toBe('令和7年4月1日');
    expect(formatWarekiDate('2019-05-01')).toBe('令和元年5月1日');
    expect(formatWarekiDate('1960-12-09')).toBe('昭和35年12月9日');
    expect(() => formatWarekiDate('2025-4-1')).toThrow(RangeError);
  });
});

describe('Asia/Tokyo display', () => {
  it('takes the Tokyo calendar date of a UTC instant', () => {
    expect(tokyoDate('2025-03-31T15:00:00Z')).toBe('2025-04-01');
    expect(tokyoDate('2025-03-31T14:59:59Z')).toBe('2025-03-31');
  });

  it('formats instants in Tokyo time', () => {
    expect(formatDateTime('2025-04-01T00:30:00Z', 'ja')).toBe('2025/04/01 09:30');
    expect(formatDateTime('2025-04-01T00:30:00Z', 'en')).toBe('1 Apr 2025, 09:30 JST');
  });

  it('formats calendar dates with the era in Japanese', () => {
    expect(formatDate('2025-04-01', 'ja')).toBe('2025年4月1日（令和7年4月1日）');
    expect(formatDate('2025-04-01', 'ja', { era: false })).toBe('2025年4月1日');
    expect(formatDate('2025-04-01', 'en')).toBe('1 Apr 2025');
  });
});

describe('parseDateInput', () => {
  it('reads 和暦 in kanji, with 元年, and with the era letter', () => {
    expect(parseDateInput('令和7年4月1日')).toBe('2025-04-01');
    expect(parseDateInput('令和元年5月1日')).toBe('2019-05-01');
    expect(parseDateInput('R7.4.1')).toBe('2025-04-01');
    expect(parseDateInput('r7/4/1')).toBe('2025-04-01');
    expect(parseDateInput('H31.4.30')).toBe('2019-04-30');
    expect(parseDateInput('平成31年4月30日')).toBe('2019-04-30');
    expect(parseDateInput('S64.1.7')).toBe('1989-01-07');
    expect(parseDateInput('昭和60年4月12日')).toBe('1985-04-12');
    expect(parseDateInput('令和７年４月１日')).toBe('2025-04-01');
    expect(parseDateInput(' R 7 . 4 . 1 ')).toBe('2025-04-01');
  });

  it('reads 西暦 with hyphens, slashes, dots or 年月日', () => {
    expect(parseDateInput('2025-04-01')).toBe('2025-04-01');
    expect(parseDateInput('2025/4/1')).toBe('2025-04-01');
    expect(parseDateInput('２０２５／４／１')).toBe('2025-04-01');
    expect(parseDateInput('2025.4.1')).toBe('2025-04-01');
    expect(parseDateInput('2025年4月1日')).toBe('2025-04-01');
  });

  it('keeps each era inside its days: the boundary of 平成 and 令和', () => {
    expect(parseDateInput('令和元年4月30日')).toBeNull();
    expect(parseDateInput('R1.4.30')).toBeNull();
    expect(parseDateInput('平成31年5月1日')).toBeNull();
    expect(parseDateInput('S64.1.8')).toBeNull();
    expect(parseDateInput('H1.1.8')).toBe('1989-01-08');
  });

  it('refuses what is no date', () => {
    for (const text of ['', 'あした', '2025-02-29', '2024/13/1', 'R0.4.1', '令和7年4月31日', 'X7.4.1', '25/4/1']) {
      expect(parseDateInput(text), text).toBeNull();
    }
    expect(parseDateInput('2024-02-29')).toBe('2024-02-29');
  });
});

describe('formatBothCalendars', () => {
  it('shows the date in both calendars', () => {
    expect(formatBothCalendars('2025-04-01')).toBe('令和7年4月1日（2025-04-01）');
    expect(formatBothCalendars('2019-05-01')).toBe('令和元年5月1日（2019-05-01）');
    expect(formatBothCalendars('2019-04-30')).toBe('平成31年4月30日（2019-04-30）');
  });
});

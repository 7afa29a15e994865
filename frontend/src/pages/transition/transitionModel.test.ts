import { describe, expect, it } from 'vitest';
import { en, ja } from '../../i18n/messages';
import { DEFAULT_WITHIN_MONTHS, TRANSITION_STAGES, parseWithinMonths, stageKey, stageTone } from './transitionModel';

describe('stages', () => {
  it('name every stage in both languages', () => {
    for (const stage of TRANSITION_STAGES) {
      const key = stageKey(stage);
      expect(key).not.toBeNull();
      if (key === null) continue;
      expect(ja[key]).toBeTruthy();
      expect(en[key]).toBeTruthy();
    }
    expect(ja['transitionStage.over_age']).toBe('20歳以上（移行が必要）');
  });
  it('have no label for a stage this version does not know', () => {
    expect(stageKey('graduated')).toBeNull();
  });
  it('show over-age children as urgent, extended ones as a warning', () => {
    expect(stageTone('over_age')).toBe('urgent');
    expect(stageTone('extended')).toBe('warning');
    expect(stageTone('approaching')).toBe('info');
  });
});

describe('parseWithinMonths', () => {
  it('keeps a window the list offers', () => {
    expect(parseWithinMonths('6')).toBe(6);
    expect(parseWithinMonths('36')).toBe(36);
  });
  it('falls back to 24 months for anything else', () => {
    expect(DEFAULT_WITHIN_MONTHS).toBe(24);
    expect(parseWithinMonths(null)).toBe(24);
    expect(parseWithinMonths('0')).toBe(24);
    expect(parseWithinMonths('61')).toBe(24);
    expect(parseWithinMonths('abc')).toBe(24);
  });
});

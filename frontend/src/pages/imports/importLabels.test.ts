import { describe, expect, it } from 'vitest';
import { en, ja } from '../../i18n/messages';
import { translate } from '../../i18n/translate';
import { duplicateReasonKey, importEncodingKey, importKindKey, importStateKey, labelOr } from './importLabels';
import { IMPORT_ENCODINGS, IMPORT_KINDS, IMPORT_STATES } from './types';

describe('the words of an import', () => {
  it('name every kind, state and encoding in both languages, each differently', () => {
    const lists: [readonly string[], Record<string, keyof typeof ja>][] = [
      [IMPORT_KINDS, importKindKey],
      [IMPORT_STATES, importStateKey],
      [IMPORT_ENCODINGS, importEncodingKey],
      [['same_reading_and_birth_date', 'same_phone'], duplicateReasonKey],
    ];
    for (const [values, table] of lists) {
      for (const dict of [ja, en] as Record<string, string>[]) {
        const labels = values.map((v) => dict[table[v] ?? '']);
        expect(labels.every((l) => typeof l === 'string' && l !== '')).toBe(true);
        expect(new Set(labels).size).toBe(values.length);
      }
    }
  });

  it('speak of 台帳 and 取込 as a 保健師 does', () => {
    expect(ja['nav.imports']).toBe('台帳の取込');
    expect(ja['import.pastFollowUps.not_recorded']).toBe('未記録として取り込む');
    expect(ja['import.pastFollowUps.overdue']).toBe('未完了として取り込む');
    expect([ja['import.count.rows'], ja['import.count.valid'], ja['import.count.invalid'], ja['import.count.already_imported']]).toEqual([
      '行数',
      '正常',
      'エラー',
      '取込済み',
    ]);
  });

  it('show a value the server adds later as it is rather than nothing', () => {
    const t = (key: keyof typeof ja) => translate('ja', key);
    expect(labelOr(t, importStateKey, 'checked')).toBe('確認済み（未取込）');
    expect(labelOr(t, importStateKey, 'archived')).toBe('archived');
  });
});

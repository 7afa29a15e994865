import { describe, expect, it } from 'vitest';
import {
  bulkChoice,
  changedDecisions,
  choiceValue,
  columnFieldName,
  COLUMN_REQUIRED,
  defaultFieldName,
  commitBlockers,
  currentChoice,
  decisionOf,
  isRunning,
  mappingForm,
  mergeTargets,
  missingColumns,
  percent,
  stepFrom,
  toMapping,
  undecided,
  unmappedValues,
  valueRow,
} from './importModel';
import type { ImportDuplicate, ImportField } from './types';

const FIELDS: ImportField[] = [
  { field: 'family_name', label: '氏', required: true, value_kind: 'text', codes: [], aliases: ['氏', '姓'] },
  { field: 'birth_date', label: '生年月日', required: true, value_kind: 'date', codes: [], aliases: ['生年月日', '誕生日'] },
  { field: 'phone', label: '電話番号', required: false, value_kind: 'text', codes: [], aliases: [] },
  {
    field: 'employment_status',
    label: '就労状況',
    required: false,
    value_kind: 'code',
    codes: [
      { value: 'employed', label: '就労中', words: ['就労中', '在職'] },
      { value: 'job_seeking', label: '求職中', words: ['求職中'] },
    ],
    aliases: [],
  },
  { field: 'topics', label: '相談内容', required: false, value_kind: 'list', codes: [], aliases: [] },
  {
    field: 'program',
    label: '事業',
    required: true,
    value_kind: 'code',
    codes: [
      { value: 'nanbyo', label: '難病', words: ['難病'] },
      { value: 'shoman', label: '小慢', words: ['小慢'] },
    ],
    aliases: ['事業'],
  },
];

const COLUMNS = ['氏名（姓）', '誕生日', 'TEL', '就労'];

describe('the mapping form', () => {
  it('is filled with the mapping the server used, leaving out columns the file does not have', () => {
    const form = mappingForm(FIELDS, {
      columns: COLUMNS,
      mapping: {
        columns: { family_name: '氏名（姓）', birth_date: '誕生日', phone: '電話' },
        values: { employment_status: { 就労中: 'employed', 求職: 'job_seeking', 謎: 'no_such_code' } },
        defaults: { program: 'nanbyo', employment_status: 'no_such_code', notes: '台帳から' },
      },
    });
    expect(form.columns).toEqual({ family_name: '氏名（姓）', birth_date: '誕生日', phone: '', employment_status: '', topics: '', program: '' });
    // Defaults: a code the field does not have is dropped; a field the form does not show keeps its own.
    expect(form.defaults).toEqual({ program: 'nanbyo', notes: '台帳から' });
    // Value mappings only for fields with codes; a code the field does not have is left to choose.
    expect(Object.keys(form.values)).toEqual(['employment_status', 'program']);
    expect(form.values.employment_status?.map((r) => [r.from, r.to])).toEqual([
      ['就労中', 'employed'],
      ['求職', 'job_seeking'],
      ['謎', ''],
    ]);
    expect(form.pastFollowUps).toBe('not_recorded');
  });

  it('goes back to a mapping with chosen columns and complete value lines only', () => {
    const form = {
      columns: { family_name: '氏名（姓）', birth_date: '誕生日', phone: '', employment_status: '就労' },
      values: {
        employment_status: [valueRow(' 就労中 ', 'employed'), valueRow('', 'job_seeking'), valueRow('求職', ''), valueRow('HW求職', 'job_seeking')],
      },
      defaults: { program: 'nanbyo', employment_status: '' },
      pastFollowUps: 'overdue' as const,
    };
    expect(toMapping(form, false)).toEqual({
      columns: { family_name: '氏名（姓）', birth_date: '誕生日', employment_status: '就労' },
      values: { employment_status: { 就労中: 'employed', HW求職: 'job_seeking' } },
      defaults: { program: 'nanbyo' },
    });
    expect(toMapping(form, true).past_follow_ups).toBe('overdue');
  });

  it('names the required fields left without a column or a default, at their controls', () => {
    const form = mappingForm(FIELDS, { columns: COLUMNS, mapping: { columns: { family_name: '氏名（姓）' } } });
    const problem = missingColumns(FIELDS, form);
    expect(problem?.errors).toEqual([
      { field: 'mapping.birth_date', code: COLUMN_REQUIRED, message: 'required' },
      { field: 'mapping.program', code: COLUMN_REQUIRED, message: 'required' },
    ]);
    // The server names a field's errors mapping.<field>, mapping.defaults.<field>.
    expect(columnFieldName('birth_date')).toBe('mapping.birth_date');
    expect(defaultFieldName('program')).toBe('mapping.defaults.program');
    expect(
      missingColumns(FIELDS, { ...form, columns: { ...form.columns, birth_date: '誕生日' }, defaults: { program: 'nanbyo' } }),
    ).toBeNull();
  });

  it('offers the values the check could not read as codes, once each, unless already mapped', () => {
    const form = { values: { employment_status: [valueRow('就労中', 'employed')] } };
    const problems = [
      { row: 2, field: 'employment_status', column: '就労', code: 'unknown_code', message: '…', value: 'HW' },
      { row: 3, field: 'employment_status', column: '就労', code: 'unknown_code', message: '…', value: 'HW' },
      { row: 4, field: 'employment_status', column: '就労', code: 'unknown_code', message: '…', value: '就労中' },
      { row: 5, field: 'birth_date', column: '誕生日', code: 'invalid_date', message: '…', value: 'R5.13.1' },
      { row: 6, field: null, column: null, code: 'empty_row', message: '…', value: null },
    ];
    expect(unmappedValues(problems, form)).toEqual({ employment_status: ['HW'] });
  });
});

const dup = (row: number, patients: (string | null)[], action: ImportDuplicate['action'] = null): ImportDuplicate => ({
  row,
  name: `患者 ${row}`,
  kana: null,
  birth_date: null,
  candidates: patients.map((p, i) => ({ patient_id: p, row: p === null ? i + 1 : null, case_number: p ? `C-${p}` : null, name: 'x', reasons: ['same_reading_and_birth_date'] })),
  action,
});

describe('duplicate decisions', () => {
  it('merge only into existing patients', () => {
    expect(mergeTargets(dup(4, [null, 'p1', 'p2'])).map((c) => c.patient_id)).toEqual(['p1', 'p2']);
    expect(bulkChoice(dup(4, [null]), 'merge')).toBeNull();
    expect(bulkChoice(dup(4, [null, 'p1']), 'merge')).toBe('merge:p1');
    expect(bulkChoice(dup(4, [null]), 'skip')).toBe('skip');
  });

  it('read back from radio values', () => {
    expect(decisionOf(3, choiceValue('merge', 'p9'))).toEqual({ row: 3, action: 'merge', patient_id: 'p9' });
    expect(decisionOf(3, 'create')).toEqual({ row: 3, action: 'create' });
    expect(decisionOf(3, 'merge:')).toBeNull();
    expect(decisionOf(3, 'nonsense')).toBeNull();
  });

  it('show the server’s decision until the user chooses, and send only what changed, by row', () => {
    const list = [dup(9, ['p1'], 'merge'), dup(2, ['p2'], null), dup(5, [null], 'skip')];
    const chosen = new Map([
      [9, 'merge:p1'],
      [5, 'create'],
      [2, 'skip'],
    ]);
    expect(currentChoice(list[0]!, new Map())).toBe('merge:p1');
    // A merge the server holds names its patient, which need not be the first candidate.
    expect(currentChoice({ ...dup(7, ['p1', 'p2'], 'merge'), patient_id: 'p2' }, new Map())).toBe('merge:p2');
    expect(undecided(list, new Map())).toBe(1);
    expect(undecided(list, chosen)).toBe(0);
    expect(changedDecisions(list, chosen)).toEqual([
      { row: 2, action: 'skip' },
      { row: 5, action: 'create' },
    ]);
  });
});

describe('state and progress', () => {
  it('polls while the server works', () => {
    expect(isRunning('checking')).toBe(true);
    expect(isRunning('committing')).toBe(true);
    expect(isRunning('checked')).toBe(false);
    expect(isRunning('failed')).toBe(false);
  });

  it('reads the step from the address, the mapping by default', () => {
    expect(stepFrom('check')).toBe('check');
    expect(stepFrom('commit')).toBe('commit');
    expect(stepFrom('file')).toBe('mapping');
    expect(stepFrom(null)).toBe('mapping');
  });

  it('gives whole percents, none while the total is unknown', () => {
    expect(percent({ done: 0, total: 0 })).toBeNull();
    expect(percent({ done: 1, total: 3 })).toBe(33);
    expect(percent({ done: 5000, total: 5000 })).toBe(100);
    expect(percent({ done: 7, total: 5 })).toBe(100);
  });

  it('says what stands before a commit', () => {
    const checked = { state: 'checked' as const, counts: { invalid: 2 } };
    expect(commitBlockers({ ...checked, state: 'checking' }, true, 0)).toEqual(['not_checked']);
    expect(commitBlockers(checked, false, 1)).toEqual(['has_errors', 'duplicates_undecided']);
    expect(commitBlockers(checked, true, 0)).toEqual([]);
  });
});

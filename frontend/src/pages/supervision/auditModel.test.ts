import { describe, expect, it } from 'vitest';
import type { I18n } from '../../i18n/I18nProvider';
import { en, ja } from '../../i18n/messages';
import { detailText, type Names } from './auditDetail';
import { translate } from '../../i18n/translate';
import {
  ACTION_GROUPS,
  AUDIT_ACTIONS,
  AUDIT_TARGETS,
  auditActionLabel,
  auditTargetLabel,
  foldedParts,
  foldEvents,
  groupedActions,
  isViewAction,
  parseDetail,
  shortId,
  type FoldableEvent,
} from './auditModel';

const tJa = { t: (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('ja', k, p) };
const tEn = { t: (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('en', k, p) };

/** The API's events.rs (its `actions!` table), read at test time from the repository. */
const EVENTS_RS = Object.values(
  import.meta.glob<string>('../../../../crates/domain/src/events.rs', { query: '?raw', import: 'default', eager: true }),
)[0];

function eventsRs(): { actions: string[]; targets: string[] } {
  const src = EVENTS_RS ?? '';
  const table = src.slice(src.indexOf('actions! {'), src.indexOf('\n}', src.indexOf('actions! {')));
  const pairs = [...table.matchAll(/\("([a-z_.]+)",\s*"([a-z_]+)"\)/g)];
  return { actions: [...new Set(pairs.map((m) => m[1]!))], targets: [...new Set(pairs.map((m) => m[2]!))] };
}

describe('audit actions and targets', () => {
  it('cover every action and resource type of the API’s events.rs', () => {
    const api = eventsRs();
    expect(api.actions.length).toBeGreaterThan(100);
    expect([...AUDIT_ACTIONS].sort()).toEqual([...api.actions].sort());
    expect([...AUDIT_TARGETS].sort()).toEqual([...api.targets].sort());
  });

  it('have a label in both languages, actions each different within a language', () => {
    for (const table of [ja, en] as Record<string, string>[]) {
      for (const a of AUDIT_ACTIONS) expect(table[`auditAction.${a}`]?.trim(), a).toBeTruthy();
      for (const r of AUDIT_TARGETS) expect(table[`auditTarget.${r}`]?.trim(), r).toBeTruthy();
      expect(new Set(AUDIT_ACTIONS.map((a) => table[`auditAction.${a}`])).size).toBe(AUDIT_ACTIONS.length);
    }
  });

  it('have no label key that is not an action or a target', () => {
    expect(Object.keys(ja).filter((k) => k.startsWith('auditAction.')).sort()).toEqual(
      AUDIT_ACTIONS.map((a) => `auditAction.${a}`).sort(),
    );
    expect(Object.keys(ja).filter((k) => k.startsWith('auditTarget.')).sort()).toEqual(
      AUDIT_TARGETS.map((a) => `auditTarget.${a}`).sort(),
    );
  });

  it('read as plain Japanese, English second, unknown ones as their code', () => {
    expect(auditActionLabel(tJa, 'patient.read')).toBe('患者情報の閲覧');
    expect(auditActionLabel(tJa, 'referral.create')).toBe('紹介の登録');
    expect(auditActionLabel(tJa, 'peer_assignment.create')).toBe('ピア・サポーターの担当設定');
    expect(auditActionLabel(tEn, 'patient.read')).toBe('Viewed the patient');
    expect(auditActionLabel(tJa, 'something.new')).toBe('something.new');
    expect(auditTargetLabel(tJa, 'referral')).toBe('紹介');
    expect(auditTargetLabel(tJa, 'gadget')).toBe('gadget');
  });

  it('fall each into one group of the filter, every group named', () => {
    const groups = groupedActions();
    expect(groups.flatMap((g) => g.actions).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(groups[0]?.actions).toContain('patient.read');
    for (const g of ACTION_GROUPS) expect(ja[`auditGroup.${g}`]).toBeTruthy();
    expect(groups.find((g) => g.group === 'admin')?.actions).toContain('user.create');
  });

  it('tell reads from writes', () => {
    expect(isViewAction('patient.read')).toBe(true);
    expect(isViewAction('patient.timeline')).toBe(true);
    expect(isViewAction('patient.fhir')).toBe(true);
    expect(isViewAction('patient.disclosure')).toBe(true);
    expect(isViewAction('consent.list')).toBe(true);
    expect(isViewAction('patient.update')).toBe(false);
    expect(isViewAction('referral.create')).toBe(false);
  });
});

describe('parseDetail', () => {
  it('reads key=value pairs, keeping their order and a bare value', () => {
    expect(parseDetail('patient_id=01a2; count=3')).toEqual([
      { key: 'patient_id', value: '01a2' },
      { key: 'count', value: '3' },
    ]);
    expect(parseDetail('q=山田 花子; count=2')[0]).toEqual({ key: 'q', value: '山田 花子' });
    expect(parseDetail('bad_request')).toEqual([{ key: '', value: 'bad_request' }]);
    expect(parseDetail(null)).toEqual([]);
    expect(parseDetail('')).toEqual([]);
  });

  it('shortens ids to their last 8 characters', () => {
    expect(shortId('0192f1aa-7b3c-7def-8123-456789abcdef')).toBe('89abcdef');
    expect(shortId('abc')).toBe('abc');
  });
});

function ev(id: string, action: string, at: string, over: Partial<FoldableEvent> = {}): FoldableEvent {
  return { id, action, occurred_at: `2026-04-01T10:00:${at}+09:00`, actor_id: 'u1', patient_id: 'p1', outcome: 'success', ...over };
}

describe('foldEvents', () => {
  it('folds one screen opening (newest first) into one line', () => {
    const events = [ev('3', 'consent.list', '02'), ev('2', 'patient.timeline', '01'), ev('1', 'patient.read', '01')];
    const lines = foldEvents(events);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({ kind: 'folded', events, patientId: 'p1', actorId: 'u1' });
    expect(foldedParts(events)).toEqual(['timeline', 'consent']);
  });

  it('keeps a lone read, a change and a refusal as lines of their own', () => {
    const lines = foldEvents([
      ev('4', 'patient.read', '09'),
      ev('3', 'patient.update', '08'),
      ev('2', 'patient.read', '07', { outcome: 'denied' }),
      ev('1', 'patient.read', '06'),
    ]);
    expect(lines.map((l) => l.kind)).toEqual(['single', 'single', 'single', 'single']);
  });

  it('does not fold across people, patients or a pause', () => {
    const lines = foldEvents([
      ev('6', 'patient.timeline', '30'),
      ev('5', 'patient.read', '30'),
      ev('4', 'patient.timeline', '20'), // 10 s before: another opening
      ev('3', 'patient.read', '20', { patient_id: 'p2' }),
      ev('2', 'patient.read', '19', { actor_id: 'u2' }),
      ev('1', 'consent.list', '19', { actor_id: 'u2' }),
    ]);
    expect(lines.map((l) => (l.kind === 'folded' ? l.events.map((e) => e.id).join('+') : l.event.id))).toEqual([
      '6+5',
      '4',
      '3',
      '2+1',
    ]);
  });

  it('tells two openings of the same patient apart by their patient.read, in whatever order the screen asked', () => {
    const at = (ms: number) => new Date(Date.parse('2026-04-01T01:00:00Z') + ms).toISOString();
    const lines = foldEvents([
      ev('6', 'consent.list', '', { occurred_at: at(4_000) }),
      ev('5', 'patient.read', '', { occurred_at: at(3_990) }),
      ev('4', 'patient.timeline', '', { occurred_at: at(3_980) }), // before the read: same opening
      ev('3', 'consent.list', '', { occurred_at: at(1_000) }), // 3 s earlier: the last opening
      ev('2', 'patient.timeline', '', { occurred_at: at(1_000) }),
      ev('1', 'patient.read', '', { occurred_at: at(990) }),
    ]);
    expect(lines.map((l) => (l.kind === 'folded' ? l.events.map((e) => e.id).join('+') : l.event.id))).toEqual(['6+5+4', '3+2+1']);
  });

  it('does not fold reads without a patient, and ends a long run at the span', () => {
    expect(foldEvents([ev('2', 'patient.list', '01', { patient_id: null }), ev('1', 'patient.list', '00', { patient_id: null })])).toHaveLength(2);
    const long = ['20', '16', '12', '08', '04', '00'].map((s, n) => ev(String(6 - n), 'patient.timeline', s));
    const lines = foldEvents(long);
    expect(lines.map((l) => (l.kind === 'folded' ? l.events.length : 1))).toEqual([4, 2]);
  });
});

describe('detailText', () => {
  const reader = (lang: 'ja' | 'en'): I18n => ({
    lang,
    setLang: () => undefined,
    t: (k, p) => translate(lang, k, p),
    dateTime: (s) => s,
    date: (d) => `<${d}>`,
    fiscalYear: (y) => String(y),
  });
  const P = '0192f1aa-7b3c-7def-8123-456789abcdef';
  const U = '0192f1aa-7b3c-7def-8123-0000000000aa';
  const supervisor: Names = {
    staff: (id) => (id === U ? '佐藤 花子' : '（不明な職員）'),
    patient: (id) => (id === P ? '2026-0001 山田 花子' : null),
    patientName: (id) => (id === P ? '山田 花子' : null),
  };
  const admin: Names = { ...supervisor, patient: () => null, patientName: () => null };

  it('labels known keys and names people and patients', () => {
    expect(detailText(reader('ja'), supervisor, `patient_id=${P}; count=3`)).toBe('患者：2026-0001 山田 花子、件数：3');
    expect(detailText(reader('ja'), supervisor, `user_id=${U}; role=supervisor`)).toBe('職員：佐藤 花子、役割：管理責任者');
    expect(detailText(reader('ja'), supervisor, 'fields=notes; q=[redacted]')).toBe('変更した項目：notes、検索語：（非表示）');
    expect(detailText(reader('ja'), supervisor, 'from=2025-04-01; to=2026-03-31')).toBe('期間の開始：<2025-04-01>、期間の終了：<2026-03-31>');
    expect(detailText(reader('en'), supervisor, `patient_id=${P}; count=3`)).toBe('Patient: 2026-0001 山田 花子; Count: 3');
  });

  it('shows an administrator a short id instead of the patient, shortens other ids, drops empty values', () => {
    expect(detailText(reader('ja'), admin, `patient_id=${P}`)).toBe('患者：患者（ID …89abcdef）');
    expect(detailText(reader('ja'), supervisor, `referral=${U}; action=; count=2`)).toBe('紹介：…000000aa、件数：2');
    expect(detailText(reader('ja'), supervisor, 'mystery=1; plain')).toBe('mystery：1、plain');
    expect(detailText(reader('ja'), supervisor, null)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import type { Council, CouncilMember, Meeting } from '../../api/councils';
import { formatSize, needsPledge, nestCouncils, sortMeetings, sortMembers, stageMark, uploadProblemKey } from './councilModel';

const council = (id: string, name: string, parent_id: string | null = null) =>
  ({ id, name, parent_id, kind: 'intractable', scope: 'prefecture' }) as Council;

const problem = (status: number, code: string) => ({ status, code, title: '', detail: null, errors: [], retryAfterSeconds: null }) as never;

describe('councils', () => {
  it('nests 部会 under their parent, by name', () => {
    const tree = nestCouncils([council('s2', 'い部会', 'p'), council('p', '協議会'), council('s1', 'あ部会', 'p'), council('q', 'あ協議会')]);
    expect(tree.map((t) => t.council.id)).toEqual(['q', 'p']);
    expect(tree[1]?.subs.map((s) => s.id)).toEqual(['s1', 's2']);
  });
  it('shows a 部会 whose parent is not listed on its own', () => {
    expect(nestCouncils([council('s', '部会', 'gone')]).map((t) => t.council.id)).toEqual(['s']);
  });
  it('orders members by their part, then by name', () => {
    const m = (name: string, council_role: string) => ({ name, council_role }) as CouncilMember;
    expect(sortMembers([m('B', 'member'), m('A', 'member'), m('C', 'chair'), m('D', 'secretariat')]).map((x) => x.name)).toEqual([
      'C',
      'A',
      'B',
      'D',
    ]);
  });
  it('orders meetings newest first', () => {
    const m = (held_on: string) => ({ held_on, title: held_on }) as Meeting;
    expect(sortMeetings([m('2026-04-01'), m('2026-09-01')]).map((x) => x.held_on)).toEqual(['2026-09-01', '2026-04-01']);
  });
  it('marks stages ①〜④', () => {
    expect(['extraction', 'planning', 'implementation', 'evaluation', 'x'].map(stageMark)).toEqual(['①', '②', '③', '④', '']);
  });
  it('recognises the pledge refusal and refused uploads', () => {
    expect(needsPledge(problem(403, 'pledge_required'))).toBe(true);
    expect(needsPledge(problem(403, 'insufficient_role'))).toBe(false);
    expect(uploadProblemKey(problem(413, 'too_large'))).toBe('meeting.upload.tooLarge');
    expect(uploadProblemKey(problem(415, 'unsupported_media_type'))).toBe('meeting.upload.unsupported');
    expect(uploadProblemKey(problem(422, 'invalid'))).toBeNull();
  });
  it('formats sizes', () => {
    expect(formatSize(500)).toBe('500 B');
    expect(formatSize(2048)).toBe('2.0 KB');
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});

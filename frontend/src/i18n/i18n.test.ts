import { describe, expect, it } from 'vitest';
import * as enums from '../api/enums';
import * as plans from '../pages/supportPlans/supportPlanModel';
import * as shoman from '../pages/shoman/shomanModel';
import { toProblem } from '../api/problem';
import { en, ja } from './messages';
import { fieldErrorMessage, placeholders, problemMessage, translate } from './translate';

describe('dictionaries', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(ja) as (keyof typeof ja)[]) {
      expect(placeholders(en[key]).sort(), key).toEqual(placeholders(ja[key]).sort());
    }
  });

  it('speak to a public-health nurse in plain Japanese, not in IT jargon', () => {
    // Words a 保健師 reviewing the screens found opaque; each has a plain replacement
    // (要確認リスト, 期限超過が続いているもの, 抜き取り確認, 管理責任者の確認, 操作・閲覧の記録).
    const jargon = ['監査キュー', 'エスカレーション', '抽出点検', 'レビュー', '監査ログ'];
    const found = Object.entries(ja).filter(([, text]) => jargon.some((w) => text.includes(w)));
    expect(found).toEqual([]);
  });

  it('have no empty message', () => {
    for (const [key, value] of [...Object.entries(ja), ...Object.entries(en)]) {
      expect(value.trim(), key).not.toBe('');
    }
  });

  it('hold no message that no screen uses', () => {
    // Keys built at run time from an API value or a code: `role.${role}` and the like.
    const dynamic =
      /^(role|agencyType|operatingType|problem|fieldError|auth\.ended|nav|lang|program|sex|employmentStatus|supportAwareness|consentScope|channel|requester|topic|purpose|level|sharedItem|followUpMethod|contacted|outcome|followUpState|referralStatus|timelineKind|queueReason|reviewState|reviewDecision|notificationKind|auditAction|auditTarget|auditGroup|auditPart|auditDetail|planState|planView|goalKind|actionState|bodyKind|projectKind|sessionActivity|participantRole|needKind|needStatus|shomanMenu|shomanRequester|liaisonChannel|givenBy|projectView|referralSource|trainingParticipation|trainingCourse|eventKind|attendeeRole|agencyOutcome|agencyLinkState|supporterStatus|bookingStatus|weekday|patientSort|duplicate\.reason|administrationKind|issueStage|issueCategory|measureStatus|figureKind|councilKind|councilScope)\./;
    const files = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.ts', '!../**/*.d.ts', '!./messages.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    const source = Object.values(files).join('\n');
    expect(source).toContain('useI18n');
    const unused = Object.keys(ja).filter((k) => !dynamic.test(k) && !source.includes(`'${k}'`));
    expect(unused).toEqual([]);
  });

  it('name every enum value of the API that the screens show', () => {
    for (const role of enums.ROLES) {
      expect(Object.keys(ja)).toContain(`role.${role}`);
      expect(Object.keys(en)).toContain(`role.${role}`);
    }
    expect(ja['role.peer_supporter']).toBe('ピア・サポーター');
    expect(en['role.peer_supporter']).toBe('Peer supporter');
    for (const t of ['hello_work', 'employment_life_support_center', 'vocational_center', 'other']) {
      expect(Object.keys(ja)).toContain(`agencyType.${t}`);
    }
    for (const t of ['medical_institution', 'municipality', 'patient_organization', 'other']) {
      expect(Object.keys(ja)).toContain(`operatingType.${t}`);
    }
  });

  it('name every value of the 小慢 enums (plans, projects, needs), in both languages', () => {
    const lists: Record<string, readonly string[]> = {
      planState: plans.PLAN_STATES,
      planView: plans.PLAN_VIEWS,
      goalKind: plans.GOAL_KINDS,
      actionState: plans.ACTION_STATES,
      bodyKind: plans.BODY_KINDS,
      projectKind: shoman.PROJECT_KINDS,
      sessionActivity: shoman.SESSION_ACTIVITIES,
      participantRole: shoman.PARTICIPANT_ROLES,
      needKind: shoman.NEED_KINDS,
      needStatus: shoman.NEED_STATUSES,
      shomanMenu: shoman.SHOMAN_MENUS,
      shomanRequester: shoman.SHOMAN_REQUESTERS,
      liaisonChannel: shoman.LIAISON_CHANNELS,
      projectView: shoman.PROJECT_VIEWS,
    };
    for (const [prefix, values] of Object.entries(lists)) {
      for (const v of values) {
        expect(Object.keys(ja), `${prefix}.${v}`).toContain(`${prefix}.${v}`);
        expect(Object.keys(en), `${prefix}.${v}`).toContain(`${prefix}.${v}`);
      }
    }
  });

  it('name every value of every case enum, in both languages, each one differently', () => {
    // The lists are checked against the spec's enums at compile time (enums.ts).
    const lists: Record<string, readonly string[]> = {
      program: enums.PROGRAMS,
      sex: enums.SEXES,
      employmentStatus: enums.EMPLOYMENT_STATUSES,
      supportAwareness: enums.SUPPORT_AWARENESS,
      consentScope: enums.CONSENT_SCOPES,
      channel: enums.CHANNELS,
      requester: enums.REQUESTERS,
      topic: enums.TOPICS,
      purpose: enums.PURPOSES,
      level: enums.LEVELS,
      sharedItem: enums.SHARED_ITEMS,
      followUpMethod: enums.FOLLOW_UP_METHODS,
      contacted: enums.CONTACTED,
      outcome: enums.CASE_OUTCOMES,
      followUpState: enums.FOLLOW_UP_STATES,
      referralStatus: enums.REFERRAL_STATUSES,
      timelineKind: enums.TIMELINE_KINDS,
      queueReason: enums.QUEUE_REASONS,
      reviewState: enums.REVIEW_STATES,
      reviewDecision: enums.REVIEW_DECISIONS,
      notificationKind: enums.NOTIFICATION_KINDS,
      administrationKind: enums.ADMINISTRATION_KINDS,
      issueStage: enums.ISSUE_STAGES,
      issueCategory: enums.ISSUE_CATEGORIES,
      measureStatus: enums.MEASURE_STATUSES,
      figureKind: enums.FIGURE_KINDS,
    };
    for (const [prefix, values] of Object.entries(lists)) {
      for (const table of [ja, en] as Record<string, string>[]) {
        const labels = values.map((v) => table[`${prefix}.${v}`]);
        expect(labels.every((l) => typeof l === 'string' && l.trim() !== ''), `${prefix}: ${values.join(', ')}`).toBe(true);
        expect(new Set(labels).size, `${prefix} labels are distinct`).toBe(values.length);
      }
    }
  });

  it("uses the paper's own wording for the four stages of a regional issue", () => {
    expect(enums.ISSUE_STAGES.map((s) => ja[`issueStage.${s}`])).toEqual(['課題の抽出', '対策の検討', '対策の実施', '対策の評価']);
  });

  it("uses the survey's own wording for the four levels", () => {
    expect(enums.LEVELS.map((l) => ja[`level.${l}`])).toEqual([
      '相談先として患者に案内のみ',
      '電話仲介の上、患者を誘導',
      '就労支援機関への相談に同席',
      '就労支援機関の相談に同席し、その後もフォローアップ',
    ]);
  });
});

describe('translate', () => {
  it('speaks Japanese and English', () => {
    expect(translate('ja', 'auth.signIn')).toBe('ログイン');
    expect(translate('en', 'auth.signIn')).toBe('Sign in');
  });

  it('fills placeholders, repeated or not', () => {
    expect(translate('ja', 'auth.signedInAs', { name: '佐藤 花子', role: '相談員' })).toBe('佐藤 花子（相談員）');
    expect(translate('en', 'form.errorCount', { count: 3 })).toBe('3 problem(s) found.');
  });

  it('leaves a missing placeholder visible rather than printing undefined', () => {
    expect(translate('en', 'auth.signedInAs', { name: 'Hanako' })).toBe('Hanako ({role})');
  });
});

describe('problem messages', () => {
  it('translates known problem codes', () => {
    const p = toProblem(401, { status: 401, code: 'invalid_credentials', title: 'Unauthorized' });
    expect(problemMessage(p, 'ja')).toBe('ログインIDまたはパスワードが正しくありません。');
    expect(problemMessage(p, 'en')).toBe('The login or password is not correct.');
  });

  it('tells how long to wait after too many attempts', () => {
    const p = toProblem(429, { code: 'too_many_attempts' }, new Headers({ 'Retry-After': '30' }));
    expect(problemMessage(p, 'ja')).toBe('ログインの試行が多すぎます。30秒後にもう一度お試しください。');
  });

  it("falls back to the server's detail for unknown codes, and hides 5xx details", () => {
    expect(problemMessage(toProblem(422, { code: 'no_consent', detail: 'No consent in force.' }), 'ja')).toBe(
      'No consent in force.',
    );
    expect(problemMessage(toProblem(409, { code: 'mystery' }), 'en')).toBe('Something went wrong (mystery).');
    expect(problemMessage(toProblem(500, { code: 'boom', detail: 'stack…' }), 'en')).toBe(
      'The server had a problem. Please try again later.',
    );
  });

  it('translates field errors it knows and keeps the server message otherwise', () => {
    expect(fieldErrorMessage({ field: 'name', code: 'required', message: 'must not be empty' }, 'ja')).toBe(
      '入力してください。',
    );
    expect(fieldErrorMessage({ field: 'x', code: 'odd_rule', message: 'must be odd' }, 'ja')).toBe('must be odd');
  });
});

describe('field errors the activity, 小慢 and council forms meet', () => {
  // The server's own messages are English and name API fields (`start_time`): a form in
  // Japanese must never show them for an input someone can make on a screen.
  it('say order, sign and amount rules in Japanese and English, never the server text', () => {
    const cases: [string, string, string][] = [
      ['not_after_start', '開始時刻より後の時刻を入力してください。', 'must be after start_time'],
      ['before_started_on', '開始日より前の日付は入力できません。', 'must not be before started_on'],
      ['negative', '0以上の数を入力してください。', 'must not be negative'],
      ['not_positive', '0.01以上の数を入力してください。', 'must be at least 0.01'],
      ['without_quantity', '単位を入力するときは数量も入力してください。', 'a unit says what the quantity counts: give the quantity too'],
      ['invalid_type', '選び直すか、正しい形で入力してください。', 'UUID parsing failed: invalid length: found 0'],
    ];
    for (const [code, ja, server] of cases) {
      expect(fieldErrorMessage({ field: 'x', code, message: server }, 'ja')).toBe(ja);
      const en = fieldErrorMessage({ field: 'x', code, message: server }, 'en');
      expect(en).not.toBe(server);
      expect(en).not.toMatch(/_|UUID/);
    }
  });
});

describe('field errors of checkbox groups', () => {
  it('ask to choose at least one instead of "enter a value"', () => {
    expect(fieldErrorMessage({ field: 'topics', code: 'required', message: 'is required' }, 'ja')).toBe('1つ以上選んでください。');
    expect(fieldErrorMessage({ field: 'shared_items', code: 'required', message: 'is required' }, 'en')).toBe('Choose at least one.');
    expect(fieldErrorMessage({ field: 'summary', code: 'required', message: 'is required' }, 'ja')).toBe('入力してください。');
  });
});

describe('peer supporter assignments', () => {
  it('say the refusals of assigning a peer supporter in Japanese and English', () => {
    expect(problemMessage(toProblem(409, { code: 'already_assigned' }), 'ja')).toBe('このピア・サポーターはすでにこの患者を担当しています。');
    expect(problemMessage(toProblem(409, { code: 'already_assigned' }), 'en')).toBe('This peer supporter already looks after this patient.');
    expect(fieldErrorMessage({ field: 'user_id', code: 'not_a_peer_supporter', message: 'x' }, 'ja')).toBe(
      'ピア・サポーターの役割の職員を選んでください。',
    );
    expect(fieldErrorMessage({ field: 'user_id', code: 'unknown_peer_supporter', message: 'x' }, 'ja')).toBe(
      'センターの有効なピア・サポーターを選んでください。',
    );
  });
});

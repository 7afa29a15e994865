// 小慢 transition (移行期) end to end, in a real browser against the real server: a 自立支援員
// sees a 17-year-old child with the plan's transition goal on the 移行期 list (and a
// 19-year-old without a plan); a supervisor finds the submitted plan in the audit queue's
// 小慢 section, opens it and approves it; the worker records the day a goal was reached (a
// day in the future is refused on the field). Every page is checked with axe-core.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { escapeRegExp, harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';

const CENTER = {
  code: 'okayama',
  name: '岡山県難病相談支援センター',
  prefecture_code: '33',
  operating_type: 'medical_institution',
  programs: ['nanbyo', 'shoman'],
};
const CENTER_ADMIN = { login: 'okayama.admin', display_name: '岡田 花子', password: 'Kurashiki-canal-willow-2026' };
const WORKER = { login: 'fujii.mio', display_name: '藤井 美緒', password: 'Kibi-dango-momotaro-77' };
const SUPERVISOR = { login: 'ishii.ken', display_name: '石井 健', password: 'Korakuen-garden-crane-31' };
const CHILD = '森 蒼';
const OLDER = '森 葵';
const TRANSITION_GOAL = '成人の診療科への転科に向けて、主治医と受診計画を話し合う';

/** Today in Asia/Tokyo, YYYY-MM-DD. */
function tokyoToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A day `years` years and `months` months before today (Tokyo), on day 1–28 so that it exists. @param {number} years @param {number} months */
function yearsAgo(years, months) {
  const [y, m, d] = tokyoToday().split('-').map(Number);
  return new Date(Date.UTC(y - years, m - 1 - months, Math.min(d, 28))).toISOString().slice(0, 10);
}

/** @param {string} date @param {number} days */
function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { patient: '', older: '', plan: '' };
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, menu, apiFull, apiCall, token } = harness(
  'transition',
  () => page,
  () => server,
);

describe('transition: the 移行期 list, the audit queue\'s 小慢 plans and goals reached', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await apiCall('POST', '/users', admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await apiCall('POST', '/users', centerAdmin, { ...WORKER, role: 'self_reliance_worker' });
    await apiCall('POST', '/users', centerAdmin, { ...SUPERVISOR, role: 'supervisor' });

    const worker = await token(WORKER.login, WORKER.password);
    const child = {
      family_name: '森',
      given_name: '蒼',
      family_name_kana: 'モリ',
      given_name_kana: 'アオイ',
      // 17 years and 2 months: turns 18 in about 10 months.
      birth_date: yearsAgo(17, 2),
      employment_status: 'student',
      support_awareness: 'unaware',
      program: 'shoman',
    };
    ids.patient = (await apiCall('POST', '/patients', worker, child)).id;
    ids.older = (
      await apiCall('POST', '/patients', worker, { ...child, given_name: '葵', given_name_kana: 'アオイ', birth_date: yearsAgo(19, 1) })
    ).id;

    const plan = await apiFull(
      'POST',
      '/support-plans',
      worker,
      {
        patient_id: ids.patient,
        situation: '高校3年生。小児科に通院している',
        wishes: '卒業後も同じ病院で診てもらいたい',
        goals: [
          { kind: 'transition', text: TRANSITION_GOAL },
          { kind: 'schooling', text: '卒業に必要な単位を取る' },
        ],
      },
      { 'Idempotency-Key': randomUUID() },
    );
    ids.plan = plan.body.id;
    await apiFull('PATCH', `/support-plans/${ids.plan}`, worker, { state: 'submitted' }, { 'If-Match': plan.etag });

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'America/New_York' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageProblems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) pageProblems.push(`CSP: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('shows the 自立支援員 the 17-year-old with the plan\'s transition goal, and the 19-year-old without a plan', async () => {
    await page.goto(`${server.url}/`);
    await signIn(WORKER.login, WORKER.password);
    await expectHeading(`ようこそ、${WORKER.display_name}さん`);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '移行期', exact: true }).waitFor();
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', '支援計画', '移行期', '任意事業', 'センター活動', '就労支援機関']);
    await nav('移行期');
    await expectHeading('移行期');
    const table = page.getByRole('table', { name: '移行期' });
    await table.getByRole('rowheader', { name: new RegExp(escapeRegExp(CHILD)) }).waitFor();

    // Oldest first: the 19-year-old, extended and without a plan, then the 17-year-old.
    assert.deepEqual(await table.getByTestId('transition-patient').allTextContents(), [OLDER, CHILD]);
    assert.deepEqual(await table.getByTestId('transition-stage').allTextContents(), ['18〜19歳（延長）', '18歳到達前']);
    const older = table.getByRole('row').filter({ has: page.getByRole('link', { name: OLDER, exact: true }) });
    await older.getByText('計画なし').waitFor();
    assert.equal(await older.getByRole('link', { name: /支援計画を作成/ }).getAttribute('href'), `/support-plans/new?patient=${ids.older}`);

    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: CHILD, exact: true }) });
    await row.getByText('17歳').waitFor();
    await row.getByTestId('plan-state').getByText('提出済み').waitFor();
    await row.getByTestId('transition-goals').getByText(TRANSITION_GOAL).waitFor();
    // The schooling goal is not a transition goal.
    assert.equal(await row.getByText('卒業に必要な単位を取る').count(), 0);
    // 18歳になる日 with the 和暦 beneath it.
    await row.getByText(/^令和\d+年\d+月\d+日$/).first().waitFor();
    await expectAccessible('transition list');

    // Within 6 months the 17-year-old (about 10 months from 18) drops out; the older one stays.
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/transition?') && r.url().includes('within_months=6')),
      field('18歳になるまでの期間').selectOption({ label: '6か月以内' }),
    ]);
    await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
    assert.deepEqual(await table.getByTestId('transition-patient').allTextContents(), [OLDER]);
    await signOut();
  });

  step('shows a supervisor the submitted plan in the audit queue\'s 小慢 section, and opens it', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await nav('監督');
    await expectHeading('要確認リスト');
    const section = page.getByTestId('plan-queue');
    await section.getByRole('heading', { name: '小慢 支援計画' }).waitFor();
    await section.getByText('確認が必要な支援計画：1件').waitFor();
    await section.getByText('承認待ち：1件').waitFor();
    const table = page.getByRole('table', { name: '小慢 支援計画' });
    const link = table.getByRole('link', { name: new RegExp(`^${escapeRegExp(CHILD)}（`) });
    await link.waitFor();
    assert.deepEqual(await table.getByTestId('plan-queue-reasons').getByRole('listitem').allTextContents(), ['承認待ち']);
    await expectAccessible('audit queue with 小慢 plans');

    await link.click();
    await expectHeading(`${CHILD}さんの支援計画`);
    await page.getByRole('heading', { name: '管理責任者の確認' }).waitFor();
    await expectAccessible('support plan from the audit queue');
    await page.getByRole('radio', { name: '承認' }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByRole('status').getByText('確認結果を記録しました。').waitFor();
    await page.getByTestId('plan-state').getByText('承認').waitFor();
    await signOut();
  });

  step('records the day a goal was reached, refusing a day in the future', async () => {
    await signIn(WORKER.login, WORKER.password);
    await expectHeading(`ようこそ、${WORKER.display_name}さん`);
    await nav('移行期');
    await expectHeading('移行期');
    await page.getByRole('table', { name: '移行期' }).getByTestId('transition-plan').click();
    await expectHeading(`${CHILD}さんの支援計画`);
    await page.getByRole('heading', { name: '計画の編集' }).waitFor();

    const today = tokyoToday();
    await field('目標1の達成日').fill(addDays(today, 3));
    await page.getByRole('button', { name: '計画を保存する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    await page.getByRole('link', { name: '目標1の達成日：未来の日付は入力できません。' }).waitFor();
    await page.locator('#field-goals\\[0\\]-achieved_on-error').getByText('未来の日付は入力できません。').waitFor();
    assert.equal(await field('目標1の達成日').getAttribute('aria-invalid'), 'true');
    await expectAccessible('support plan (achieved day refused)');

    await field('目標1の達成日').fill(today);
    await page.getByRole('button', { name: '計画を保存する' }).click();
    await page.getByRole('status').getByText('保存しました。').waitFor();
    const reached = page.getByTestId('plan-goal').filter({ hasText: TRANSITION_GOAL });
    await reached.getByTestId('goal-achieved').waitFor();
    assert.match((await reached.getByTestId('goal-achieved').textContent()) ?? '', /^✓ 達成 \d{4}年\d+月\d+日$/);
    assert.equal(await page.getByTestId('plan-goal').filter({ hasText: '卒業に必要な単位を取る' }).getByTestId('goal-achieved').count(), 0);
    await expectAccessible('support plan (goal reached)');

    await nav('移行期');
    await expectHeading('移行期');
    const goals = page.getByRole('table', { name: '移行期' }).getByTestId('transition-goals');
    await goals.getByTestId('goal-achieved').waitFor();
    await expectAccessible('transition list (goal reached)');
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

// 小慢 self-reliance support plans end to end, in a real browser against the real server: a
// 自立支援員 creates a plan from a 小慢 patient's page, adds an action and submits it; a
// supervisor finds it in the list and approves it. Every new page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { escapeRegExp, harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';

const CENTER = {
  code: 'hiroshima',
  name: '広島県難病相談支援センター',
  prefecture_code: '34',
  operating_type: 'patient_organization',
  programs: ['nanbyo', 'shoman'],
};
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const WORKER = { login: 'takahashi.yui', display_name: '高橋 結衣', password: 'Kure-battleship-yamato-55' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const PATIENT_NAME = '中村 陽太';
const SITUATION = '高校2年生。通院のため月2回欠席している';
const GOAL = '卒業後の就職に向けて職場体験に参加する';
const SCHOOL = '広島県立〇〇高等学校';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { patient: '', nanbyoPatient: '' };
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiCall, token } = harness(
  'support-plans',
  () => page,
  () => server,
);

describe('support plans: a 自立支援員 writes a plan, a supervisor approves it', () => {
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
      family_name: '中村',
      given_name: '陽太',
      family_name_kana: 'ナカムラ',
      given_name_kana: 'ヨウタ',
      birth_date: '2009-07-03',
      employment_status: 'student',
      support_awareness: 'unaware',
    };
    ids.patient = (await apiCall('POST', '/patients', worker, { ...child, program: 'shoman' })).id;
    ids.nanbyoPatient = (await apiCall('POST', '/patients', worker, { ...child, given_name: '和也', given_name_kana: 'カズヤ', program: 'nanbyo' })).id;

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

  step('offers the 自立支援員 support plans in the menu, and plans for 小慢 patients only', async () => {
    await page.goto(`${server.url}/`);
    await signIn(WORKER.login, WORKER.password);
    await expectHeading(`ようこそ、${WORKER.display_name}さん`);
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '支援計画', exact: true }).waitFor();
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', '支援計画', '移行期', '任意事業', 'センター活動', '就労支援機関']);
    await nav('支援計画');
    await expectHeading('支援計画');
    await page.getByText('条件に合う支援計画はありません。').waitFor();
    await expectAccessible('support plans (empty)');

    await inAppGo(`/patients/${ids.nanbyoPatient}`);
    await page.getByRole('link', { name: '就労支援機関に紹介' }).waitFor();
    assert.equal(await page.getByRole('link', { name: '支援計画を作成' }).count(), 0);
  });

  step('creates a plan from the 小慢 patient\'s page', async () => {
    await inAppGo(`/patients/${ids.patient}`);
    await page.getByRole('link', { name: '支援計画を作成' }).click();
    await expectHeading('支援計画の作成');
    await page.getByRole('link', { name: PATIENT_NAME }).waitFor();
    await expectAccessible('new support plan');
    await field('状況').fill(SITUATION);
    await field('希望').fill('体調に合わせて働ける仕事に就きたい');
    await field('目標1の種類').selectOption({ label: '就労' });
    await field('目標1の内容').fill(GOAL);
    await page.getByRole('button', { name: '目標を追加' }).click();
    await field('目標2の種類').selectOption({ label: '療養' });
    await field('目標2の内容').fill('服薬を自分で管理する');
    await page.getByRole('button', { name: '作成する' }).click();
    await expectHeading(`${PATIENT_NAME}さんの支援計画`);
    await page.getByRole('status').getByText('登録しました。').waitFor();
    assert.equal(await page.getByTestId('plan-state').textContent(), '下書き');
    await page.getByText(`就労：${GOAL}`).first().waitFor();
    await expectAccessible('support plan (draft)');
  });

  step('adds an action and submits the plan for review', async () => {
    await field('実施機関の種類').selectOption({ label: '学校' });
    await field('実施機関の名称').fill(SCHOOL);
    await field('担当者').fill('進路指導 田中先生');
    await page.getByRole('button', { name: '取組を追加する' }).click();
    await page.getByRole('status').getByText('取組を追加しました。').waitFor();
    const table = page.getByRole('table', { name: '取組' });
    await table.getByRole('rowheader', { name: new RegExp(escapeRegExp(SCHOOL)) }).waitFor();
    await table.getByText('未了').waitFor();

    // Following the action up: done, with its outcome.
    await table.getByRole('button', { name: /記録/ }).click();
    await page.getByRole('heading', { name: `取組の記録：${SCHOOL}` }).waitFor();
    await field('実施状況').selectOption({ label: '完了' });
    await field('結果').fill('職場体験の受け入れ先が決まった');
    await page.getByRole('button', { name: '記録する', exact: true }).click();
    await page.getByRole('status').getByText('取組を記録しました。').waitFor();
    await table.getByText('完了').waitFor();
    await table.getByText('職場体験の受け入れ先が決まった').waitFor();

    await page.getByRole('button', { name: '提出する' }).click();
    await page.getByRole('status').getByText(/支援計画を提出しました/).waitFor();
    await page.getByTestId('plan-state').getByText('提出済み').waitFor();
    await page.getByText('この計画は管理責任者の確認中です。確認が終わるまで編集できません。').waitFor();
    assert.equal(await page.getByRole('heading', { name: '計画の編集' }).count(), 0);
    await page.getByRole('table', { name: '提出された版' }).getByText('第1版').waitFor();
    await expectAccessible('support plan (submitted)');
    await signOut();
  });

  step('lets a supervisor find the plan and approve it', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await nav('支援計画');
    await expectHeading('支援計画');
    // The unfiltered list stays on screen, dimmed, until the filtered one arrives.
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/support-plans?') && r.url().includes('state=submitted')),
      field('状態').selectOption({ label: '提出済み' }),
    ]);
    await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
    const link = page.getByRole('link', { name: PATIENT_NAME });
    await link.waitFor();
    await expectAccessible('support plans (supervisor)');
    await link.click();
    await expectHeading(`${PATIENT_NAME}さんの支援計画`);
    await page.getByRole('heading', { name: '管理責任者の確認' }).waitFor();
    await expectAccessible('support plan (review form)');

    // Returning needs a comment: the API says so and the form shows it.
    await page.getByRole('radio', { name: '差し戻し' }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByRole('link', { name: /コメント/ }).first().waitFor();

    await page.getByRole('radio', { name: '承認' }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByRole('status').getByText('確認結果を記録しました。').waitFor();
    await page.getByTestId('plan-state').getByText('承認').waitFor();
    const history = page.getByRole('table', { name: '確認の履歴' });
    await history.getByText(SUPERVISOR.display_name).waitFor();
    await history.getByText('第1版').waitFor();
    await expectAccessible('support plan (approved)');
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

// 小慢 self-reliance support end to end, in a real browser against the real server: the
// 自立支援員's home shows an overdue review and an overdue action; they register an optional
// project, record a session (a participant without consent is refused on the field, one with
// consent is named), note a need and mark it met; a supervisor sees the 小慢 figures with
// their chart. Every new page is checked with axe-core.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = {
  code: 'hiroshima',
  name: '広島県難病相談支援センター',
  prefecture_code: '34',
  operating_type: 'patient_organization',
  programs: ['nanbyo', 'shoman'],
};
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const WORKER = { login: 'takahashi.yui', display_name: '高橋 結衣', password: 'Kure-battleship-yamato-55' };
// A long login with no place to break it (no hyphen): the home page's account facts must
// still fit a phone.
const SUPERVISOR = { login: 'suzuki.ichiro_kure_shoman_self_reliance_support', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const CHILD_NAME = '中村 陽太';
const NO_CONSENT_NAME = '中村 美咲';
const SCHOOL = '広島県立〇〇高等学校';
const PROJECT = '夏休み交流キャンプ';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { child: '', noConsent: '', plan: '', project: '' };
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiFull, apiCall, token, expectNumberRefused } = harness(
  'shoman',
  () => page,
  () => server,
);


/** Today in Tokyo, and a day some days away from it (YYYY-MM-DD). @param {number} days */
function tokyoDay(days = 0) {
  const now = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

/** The fiscal year (April to March) of today in Tokyo. */
function fiscalYearNow() {
  const [y, m] = tokyoDay().split('-').map(Number);
  return m >= 4 ? y : y - 1;
}

/**
 * Lets a plan's review day pass: approval only takes a day after today, so the test moves
 * the stored day back, as the calendar would. @param {string} planId
 */
function reviewDayPassed(planId) {
  execFileSync('sqlite3', [server.dbPath, `UPDATE support_plans SET review_due_on = '${tokyoDay(-10)}' WHERE id = '${planId}'`]);
}

describe('小慢: the 自立支援員\'s home, projects, needs and liaison; the supervisor\'s figures', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...WORKER, role: 'self_reliance_worker' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });

    const worker = await token(WORKER.login, WORKER.password);
    const supervisor = await token(SUPERVISOR.login, SUPERVISOR.password);
    const child = {
      family_name: '中村',
      given_name: '陽太',
      family_name_kana: 'ナカムラ',
      given_name_kana: 'ヨウタ',
      birth_date: '2009-07-03',
      employment_status: 'student',
      support_awareness: 'unaware',
      program: 'shoman',
    };
    ids.child = (await apiCall('POST', '/patients', worker, child)).id;
    ids.noConsent = (await apiCall('POST', '/patients', worker, { ...child, given_name: '美咲', given_name_kana: 'ミサキ', birth_date: '2012-02-10' })).id;
    await apiFull('POST', `/patients/${ids.child}/consents`, worker, {
      given_on: tokyoDay(-30),
      scope: 'all_bodies',
      given_by: 'guardian',
      guardian_name: '中村 由美',
      guardian_relationship: '母',
      child_assent: true,
    }, { 'Idempotency-Key': 'consent-child' });

    // A plan approved some time ago whose review day has passed, with an action past its day.
    const plan = await apiCall('POST', '/support-plans', worker, {
      patient_id: ids.child,
      situation: '高校2年生。通院のため月2回欠席している',
      goals: [{ kind: 'employment', text: '卒業後の就職に向けて職場体験に参加する' }],
    });
    ids.plan = plan.id;
    await apiFull('POST', `/support-plans/${plan.id}/actions`, worker, {
      body_kind: 'school',
      body_name: SCHOOL,
      responsible: '進路指導 田中先生',
      due_on: tokyoDay(-3),
    }, { 'Idempotency-Key': 'action-school' });
    const { etag } = await apiFull('GET', `/support-plans/${plan.id}`, worker);
    await apiFull('PATCH', `/support-plans/${plan.id}`, worker, { state: 'submitted' }, { 'If-Match': etag });
    await apiCall('POST', `/support-plans/${plan.id}/reviews`, supervisor, { decision: 'approved', review_due_on: tokyoDay(30) });
    reviewDayPassed(plan.id);

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

  step('shows the 自立支援員 the overdue review and the overdue action on the home page', async () => {
    await page.goto(`${server.url}/`);
    await signIn(WORKER.login, WORKER.password);
    await expectHeading(`ようこそ、${WORKER.display_name}さん`);
    const due = page.locator('[data-slot="plans-due"]');
    await due.getByRole('heading', { name: '支援計画の見直しと取組' }).waitFor();
    await page.getByTestId('count-review-overdue').getByText('1件').waitFor();
    await page.getByTestId('count-action-overdue').getByText('1件').waitFor();
    const reviews = due.getByRole('table', { name: '見直しが必要な計画' });
    await reviews.getByText('見直し期限超過').waitFor();
    await due.getByRole('table', { name: '期限切れの取組がある計画' }).getByRole('link', { name: CHILD_NAME }).waitFor();
    await expectAccessible('home (自立支援員)');
    await reviews.getByRole('link', { name: CHILD_NAME }).click();
    await expectHeading(`${CHILD_NAME}さんの支援計画`);
    await page.getByText('次回見直し日を過ぎています。計画を見直して提出してください。').waitFor();
    await page.getByTestId('action-overdue').waitFor();
    // The follow-up queue carries the same plan work above the referrals' follow-ups.
    await nav('フォローアップ');
    await expectHeading('フォローアップ');
    await page.locator('[data-slot="plans-due"]').getByTestId('count-review-overdue').getByText('1件').waitFor();
    await page
      .locator('[data-slot="plans-due"]')
      .getByRole('table', { name: '見直しが必要な計画' })
      .getByRole('link', { name: CHILD_NAME })
      .waitFor();
    await expectAccessible('follow-up queue (自立支援員)');
  });

  step('registers an optional project from the menu', async () => {
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', '支援計画', '移行期', '任意事業', 'センター活動', '就労支援機関']);
    await nav('任意事業');
    await expectHeading('任意事業');
    await page.getByText('条件に合う任意事業はありません。').waitFor();
    await expectAccessible('projects (empty)');
    await page.getByRole('link', { name: '任意事業を登録' }).click();
    await expectHeading('任意事業の登録');
    await expectAccessible('new project');
    await field('事業名').fill(PROJECT);
    await field('事業の種類').selectOption({ label: '相互交流支援' });
    await field('委託先').fill('NPO法人 ひろしま小児難病の会');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading(PROJECT);
    ids.project = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByRole('status').getByText('登録しました。').waitFor();
    await page.getByText('まだ実施記録はありません。').waitFor();
    await expectAccessible('project');

    await page.getByRole('link', { name: '事業を編集' }).click();
    await expectHeading('任意事業の編集');
    await expectAccessible('edit project');
    await field('内容').fill('夏休みに児童等ときょうだいが交流するキャンプ');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(PROJECT);
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByText('夏休みに児童等ときょうだいが交流するキャンプ').waitFor();
  });

  step('records a session: a participant without consent is refused on the field, one with consent is named', async () => {
    await field('実施内容').selectOption({ label: '児童等の交流会' });
    await field('実施場所').fill('広島市中区地域福祉センター');
    await page.getByRole('checkbox', { name: WORKER.display_name }).check();
    // A headcount typed as words is refused on the form, not sent as no count.
    const project = new URL(page.url()).pathname.split('/').pop() ?? '';
    assert.match(project, /^[0-9a-f-]{36}$/, 'on the project’s page');
    await expectNumberRefused({ label: '児童等の人数', name: 'children_count', submit: '実施を記録する', path: `/projects/${project}/sessions` });
    await field('児童等の人数').fill('5');
    await field('家族の人数').fill('3');
    await field('参加者を氏名で検索').fill('ミサキ');
    await page.getByRole('button', { name: new RegExp(`参加者に追加.*${NO_CONSENT_NAME}`) }).click();
    await page.getByTestId('participants').getByText(NO_CONSENT_NAME, { exact: true }).waitFor();
    await page.getByRole('button', { name: '実施を記録する' }).click();
    const refusal = `${NO_CONSENT_NAME}さんには、実施日に有効な同意がありません。氏名は記録せず、人数にだけ含めてください。`;
    await page.getByRole('link', { name: `参加者（同意のある方）：${refusal}` }).waitFor();
    await page.locator('#field-participants-error').getByText(refusal).waitFor();
    await expectAccessible('project (participant refused)');

    await page.getByRole('button', { name: `${NO_CONSENT_NAME}さんを外す` }).click();
    await field('参加者を氏名で検索').fill('ヨウタ');
    await page.getByRole('button', { name: new RegExp(`参加者に追加.*${CHILD_NAME}`) }).click();
    await page.getByRole('button', { name: '実施を記録する' }).click();
    await page.getByRole('status').getByText('実施を記録しました。').waitFor();
    const sessions = page.getByRole('table', { name: '実施記録' });
    await sessions.getByText('児童等の交流会').waitFor();
    await sessions.getByRole('link', { name: CHILD_NAME }).waitFor();
    await sessions.getByText('児童等5人・家族3人').waitFor();
    await expectAccessible('project (session recorded)');
  });

  step('notes a need and marks it met', async () => {
    await page.getByRole('link', { name: '任意事業の一覧に戻る' }).click();
    await expectHeading('任意事業');
    await page.getByRole('link', { name: 'ニーズ' }).click();
    await expectHeading('ニーズ');
    await page.getByText('条件に合うニーズはありません。').waitFor();
    await expectAccessible('needs (empty)');
    await field('ニーズの種類').selectOption({ label: '一時預かり（レスパイト）' });
    await field('内容').fill('夏休み中の一時預かり先がない');
    await page.getByRole('button', { name: 'ニーズを記録する' }).click();
    await page.getByRole('status').getByText('ニーズを記録しました。').waitFor();
    const table = page.getByRole('table', { name: 'ニーズ' });
    await table.getByRole('cell', { name: '夏休み中の一時預かり先がない', exact: true }).waitFor();
    await expectAccessible('needs (one open)');
    await table.getByRole('button', { name: /充足にする/ }).click();
    await page.getByRole('status').getByText('ニーズを充足にしました。').waitFor();
    await page.getByText('条件に合うニーズはありません。').waitFor();
    await field('表示する状況').selectOption({ label: '充足' });
    await table.getByTestId('need-status').getByText('充足').waitFor();
  });

  step('records a consent given by the guardian for the younger child', async () => {
    await inAppGo(`/patients/${ids.noConsent}`);
    await expectHeading(NO_CONSENT_NAME);
    await page.getByRole('button', { name: '同意を記録' }).click();
    // A minor's consent starts with the guardian as the one who gives it.
    await page.getByRole('radio', { name: '保護者', exact: true, checked: true }).waitFor();
    await field('保護者氏名').fill('中村 由美');
    await field('続柄').fill('母');
    await expectAccessible('consent form (guardian)');
    await page.getByRole('button', { name: '同意を記録する' }).click();
    await page.getByRole('status').getByText('同意を記録しました。').waitFor();
    await page.getByText('保護者（中村 由美・母）').waitFor();
  });

  step('records a 小慢 consultation with its menu and who asked', async () => {
    await inAppGo(`/consultations/new?patient=${ids.child}`);
    await expectHeading('相談の記録');
    const menuGroup = page.getByTestId('shoman-menu');
    await menuGroup.getByRole('radio', { name: 'ピアカウンセリング' }).waitFor();
    await expectAccessible('consultation form (小慢)');
    // Without the menu the server refuses it, and the form says so at the menu.
    await page.getByRole('checkbox', { name: '就労' }).check();
    await page.getByRole('button', { name: '相談を記録する' }).click();
    await page.getByRole('link', { name: '相談メニュー：相談メニューを選んでください。' }).waitFor();
    await menuGroup.getByRole('radio', { name: 'ピアカウンセリング' }).check();
    await menuGroup.getByRole('radio', { name: '家族' }).check();
    await page.getByRole('button', { name: '相談を記録する' }).click();
    await expectHeading(CHILD_NAME);
    await page.getByRole('status').getByText('登録しました。').waitFor();
  });

  step('adds a liaison contact on the plan, against its action', async () => {
    await inAppGo(`/support-plans/${ids.plan}`);
    await expectHeading(`${CHILD_NAME}さんの支援計画`);
    await page.getByRole('heading', { name: '関係機関との連絡調整' }).waitFor();
    await page.getByText('まだ連絡の記録はありません。').waitFor();
    await field('関係する取組').selectOption({ label: SCHOOL });
    assert.equal(await field('連絡先の名称').inputValue(), SCHOOL);
    await field('連絡方法').selectOption({ label: '電話' });
    await field('先方の担当者').fill('担任 佐藤先生');
    await field('連絡の内容').fill('職場体験の日程について担任と調整した');
    // The guardian's consent covers schools: passing the child's data on leaves a record.
    await page.getByRole('checkbox', { name: '本人の情報を伝えた' }).check();
    await page.getByRole('button', { name: '連絡を記録する' }).click();
    await page.getByRole('status').getByText('連絡を記録しました。').waitFor();
    const contacts = page.getByRole('table', { name: '関係機関との連絡調整' });
    await contacts.getByText('職場体験の日程について担任と調整した').waitFor();
    await contacts.getByText(`取組：${SCHOOL}`, { exact: false }).waitFor();
    await contacts.getByTestId('liaison-shared').getByText(/提供の記録/).waitFor();
    await expectAccessible('support plan (liaison contact)');
    // The child's page lists the same contact.
    await inAppGo(`/patients/${ids.child}`);
    await expectHeading(CHILD_NAME);
    await page.getByRole('table', { name: '関係機関との連絡調整' }).getByText('職場体験の日程について担任と調整した').waitFor();
  });

  step('shows the supervisor the 小慢 figures with the chart', async () => {
    await signOut();
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    // A supervisor where the center runs 小慢 sees the plans due too.
    await page.locator('[data-slot="plans-due"]').getByTestId('count-review-overdue').getByText('1件').waitFor();
    await nav('報告');
    await expectHeading('報告');
    await page.getByRole('link', { name: '小児慢性特定疾病児童等自立支援事業（小慢）の集計を見る' }).click();
    await expectHeading('小慢の集計');
    // The session was held this fiscal year; the screen opens on the last completed one.
    await field('年度').selectOption(String(fiscalYearNow()));
    // The plans this file wrote count as written this year.
    const written = page.getByTestId('shoman-plans-table').getByRole('row', { name: /作成した計画/ });
    // (The previous year's figures stay dimmed until this year's arrive.)
    await written.getByRole('cell', { name: /^[1-9]/ }).waitFor();
    const projects = page.getByTestId('report-shoman-projects');
    await projects.getByTestId('shoman-projects-chart').waitFor();
    const row = projects.getByTestId('shoman-projects-table').getByRole('row', { name: /相互交流支援/ });
    await row.getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await page.getByTestId('shoman-needs-table').getByRole('row', { name: /一時預かり/ }).waitFor();
    await page.getByTestId('shoman-implementation-table').getByText(CENTER.name).waitFor();
    await page.getByTestId('report-shoman-consultations').getByRole('heading', { name: '相談支援（メニュー別・相談者別）' }).waitFor();
    // The peer counselling asked by the family, recorded above.
    const peer = page.getByTestId('shoman-consultations-table').getByRole('row', { name: /ピアカウンセリング/ });
    await peer.getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await expectAccessible('小慢 figures');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('downloads-shoman-projects').getByRole('button', { name: /CSVをダウンロード/ }).click(),
    ]);
    assert.match(file.suggestedFilename(), /\.csv$/);
  });

  step('fits a phone-width screen, and the participant picker works from the keyboard', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const pages = [
      ['/', `ようこそ、${SUPERVISOR.display_name}さん`],
      ['/projects', '任意事業'],
      [`/projects/${ids.project}`, PROJECT],
      ['/needs', 'ニーズ'],
      [`/support-plans/${ids.plan}`, `${CHILD_NAME}さんの支援計画`],
      ['/reports/shoman', '小慢の集計'],
    ];
    for (const [path, heading] of pages) {
      await inAppGo(path);
      await expectHeading(heading);
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => !document.body.textContent?.includes('読み込み中'));
      // Wide tables scroll inside their own region; the page itself never scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than a phone's screen`);
    }
    await inAppGo(`/projects/${ids.project}`);
    await expectHeading(PROJECT);
    await field('参加者を氏名で検索').focus();
    await page.keyboard.type('ヨウタ');
    const add = page.getByRole('button', { name: new RegExp(`参加者に追加.*${CHILD_NAME}`) });
    await add.waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await add.evaluate((el) => el === document.activeElement), true, 'Tab reaches the first match');
    await page.keyboard.press('Enter');
    await page.getByTestId('participants').getByText(CHILD_NAME, { exact: true }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

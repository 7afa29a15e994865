// Sign-in and administration, in a real browser against the real server: the center
// administrator registers a consultant with an initial password; the consultant signs in,
// is kept on パスワードの変更 until they have changed it, and then reaches home. The
// administrator resets a supervisor's two-factor sign-in (a lost phone): the supervisor's
// session ends at once, and at their next sign-in the password alone lets them in to enrol
// again before anything else. Every page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { createStaff } from './support/staff.mjs';
import { Authenticator, enrolAdminAndRelax, enrolThroughApi, setTotpRoles } from './support/totp.mjs';

const CENTER = { code: 'yamaguchi', name: '山口県難病相談支援センター', prefecture_code: '35', operating_type: 'municipality' };
const CENTER_ADMIN = { login: 'yamaguchi.admin', display_name: '長門 太郎', password: 'Akiyoshi-cave-limestone-2026' };
const SUPERVISOR = { login: 'hagi.mai', display_name: '萩 舞', password: 'Kintai-bridge-arches-river-38' };
const NEWCOMER = { login: 'ube.ken', display_name: '宇部 健', initial: 'Tsunoshima-bridge-blue-sea-14', own: 'Shimonoseki-fugu-lantern-night-72' };

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);
/** The center administrator's authenticator (enrolled through the API). @type {Authenticator | null} */
let adminApp = null;
/** The supervisor's session before the reset, used beside the browser. */
let supervisorToken = '';

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiCall, token } = harness(
  'password',
  () => page,
  () => server,
);

async function signInAsAdmin() {
  await signIn(CENTER_ADMIN.login, CENTER_ADMIN.password);
  await expectHeading('確認コードの入力');
  await field('確認コード（6桁）').fill(await /** @type {Authenticator} */ (adminApp).code());
  await page.getByRole('button', { name: '確認してログイン' }).click();
  await expectHeading(`ようこそ、${CENTER_ADMIN.display_name}さん`);
}

describe('sign-in and administration: a forced password change and a two-factor reset', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const enrolled = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    adminApp = enrolled.app;
    // Supervisors must sign in with two factors; the supervisor has set it up.
    await setTotpRoles(server.url, enrolled.token, center.id, ['supervisor']);
    await createStaff(server.url, enrolled.token, { ...SUPERVISOR, role: 'supervisor' });
    supervisorToken = await token(SUPERVISOR.login, SUPERVISOR.password);
    await enrolThroughApi(server.url, supervisorToken);

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
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

  step('the center administrator registers a consultant with an initial password', async () => {
    await page.goto(`${server.url}/`);
    await signInAsAdmin();
    await nav('職員');
    await page.getByRole('link', { name: '職員を登録' }).click();
    await expectHeading('職員の登録');
    await field('役割').selectOption('consultant');
    await field('表示名').fill(NEWCOMER.display_name);
    await field('ログインID').fill(NEWCOMER.login);
    await field('初期パスワード').fill(NEWCOMER.initial);
    // The form says the newcomer will be asked to change it.
    await page.getByText(/本人は最初のログインでこのパスワードを変更します。/).waitFor();
    await expectAccessible('the staff form');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading('職員');
    const row = page.getByRole('row', { name: new RegExp(NEWCOMER.display_name) });
    await row.getByText('パスワード変更待ち', { exact: true }).waitFor();
    await expectAccessible('the staff list with a password change pending');
    await signOut();
  });

  step('the consultant signs in and is kept on the password change until it is done', async () => {
    await signIn(NEWCOMER.login, NEWCOMER.initial);
    await expectHeading('パスワードの変更');
    await page.getByText('管理者が設定したパスワードを変更してください', { exact: true }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).count(), 0);
    // Another screen by its address: back to the password change.
    await inAppGo('/patients');
    await page.waitForURL((u) => u.pathname === '/password');
    await expectHeading('パスワードの変更');
    await expectAccessible('the password change (required)');

    // Nothing typed: every field is named in the summary.
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    await page.getByRole('link', { name: /^現在のパスワード：/ }).waitFor();
    await page.getByRole('link', { name: /^新しいパスワード：/ }).waitFor();
    await page.getByRole('link', { name: /^新しいパスワード（確認）：/ }).waitFor();

    // A wrong current password: said at that field, by the server.
    await field('現在のパスワード').fill('not the password I was given');
    await field('新しいパスワード').fill(NEWCOMER.own);
    await field('新しいパスワード（確認）').fill(NEWCOMER.own);
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    await page.getByRole('link', { name: /^現在のパスワード：現在のパスワードが正しくありません。/ }).waitFor();
    assert.equal(await field('現在のパスワード').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the password change with a wrong current password');

    // A confirmation that differs: said at the confirmation.
    await field('現在のパスワード').fill(NEWCOMER.initial);
    await field('新しいパスワード（確認）').fill(`${NEWCOMER.own}!`);
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    await page.getByRole('link', { name: /^新しいパスワード（確認）：新しいパスワードと一致しません/ }).waitFor();

    // A weak one: the server's reason at the new password.
    await field('新しいパスワード').fill('password1234');
    await field('新しいパスワード（確認）').fill('password1234');
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    await page.getByRole('link', { name: /^新しいパスワード：推測されやすいパスワードです/ }).waitFor();

    await field('現在のパスワード').fill(NEWCOMER.initial);
    await field('新しいパスワード').fill(NEWCOMER.own);
    await field('新しいパスワード（確認）').fill(NEWCOMER.own);
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    await expectHeading(`ようこそ、${NEWCOMER.display_name}さん`);
    await page.getByText('パスワードを変更しました。', { exact: true }).waitFor();
    assert.ok((await menu()).includes('患者'));
    await expectAccessible('home after the password change');
  });

  step('anyone finds パスワードの変更 in their menu; the new password signs in', async () => {
    await page.getByRole('region', { name: 'アカウント' }).getByRole('link', { name: 'パスワードの変更' }).click();
    await expectHeading('パスワードの変更');
    await page.getByText('現在のパスワードと、新しいパスワードを入力してください。', { exact: true }).waitFor();
    assert.ok((await menu()).includes('患者'));
    await expectAccessible('the password change (by choice)');
    await signOut();
    await signIn(NEWCOMER.login, NEWCOMER.initial);
    await page.getByText('ログインIDまたはパスワードが正しくありません。', { exact: true }).waitFor();
    await signIn(NEWCOMER.login, NEWCOMER.own);
    await expectHeading(`ようこそ、${NEWCOMER.display_name}さん`);
    await signOut();
  });

  step("the administrator resets the supervisor's two-factor sign-in; their session ends at once", async () => {
    await signInAsAdmin();
    await nav('職員');
    await page.getByRole('link', { name: SUPERVISOR.display_name }).click();
    await expectHeading('職員の編集');
    await page.getByTestId('two-factor-status').getByText('二段階認証は設定済みです。', { exact: true }).waitFor();
    await page.getByRole('button', { name: '二段階認証をリセット' }).click();
    const confirm = page.getByRole('region', { name: `${SUPERVISOR.display_name}さんの二段階認証をリセットしますか？` });
    await confirm.waitFor();
    await expectAccessible('the two-factor reset confirmation');
    await confirm.getByRole('button', { name: 'リセットする' }).click();
    await page.getByText(`${SUPERVISOR.display_name}さんの二段階認証をリセットしました。次回のログインで設定し直します。`).waitFor();
    await page.getByTestId('two-factor-status').getByText('二段階認証は設定されていません。', { exact: true }).waitFor();
    await expectAccessible('the staff page after the reset');
    // The supervisor's session elsewhere has ended.
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${supervisorToken}` } });
    assert.equal(res.status, 401);
    await signOut();
  });

  step('at their next sign-in the supervisor enrols again before anything else', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    // No code asked: the enrolment is gone, and the center requires one of supervisors.
    await expectHeading('二段階認証');
    await page.getByText('センターの方針により、二段階認証の設定が必要です', { exact: true }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).count(), 0);
    await expectAccessible('two-step sign-in after a reset');
    await page.getByRole('button', { name: '設定を始める' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    const app = new Authenticator(secret);
    await field('確認コード（6桁）').fill(await app.code());
    await page.getByRole('button', { name: '確認する', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: '3. リカバリーコードを保存する' }).waitFor();
    await field('リカバリーコードを保存しました').check();
    await page.getByRole('button', { name: '続ける' }).click();
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    assert.ok((await menu()).includes('患者'));
    await signOut();
    // From now on the new authenticator is asked for.
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading('確認コードの入力');
    await field('確認コード（6桁）').fill(await app.code());
    await page.getByRole('button', { name: '確認してログイン' }).click();
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
  });

  it('had no uncaught errors or Content-Security-Policy violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

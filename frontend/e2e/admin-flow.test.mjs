// The first administration slice end to end, in a real browser against the real server:
// the system administrator sets up a center and its administrator, who then registers an
// agency and a consultant. Every main page is checked with axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { Authenticator } from './support/totp.mjs';

const CENTER = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture: '34', operatingType: 'patient_organization' };
// `password` is the initial one an administrator gives; `own` the one they change it to.
const CENTER_ADMIN = { login: 'hiroshima.admin', name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026', own: 'Kure-harbour-crane-sunrise-41' };
// A long login with no place to break it (no hyphen): the staff list must still fit a phone.
const CONSULTANT = { login: 'sato.hanako_kure_intractable_disease_consultation_center', name: '佐藤 花子', password: 'Miyajima-deer-oyster-77', own: 'Itsukushima-tide-lantern-52' };
const AGENCY = { name: 'ハローワーク広島', phone: '082-223-8609' };

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** The center administrator's authenticator app, set up from the enrolment screen. */
let app = /** @type {Authenticator | null} */ (null);
/** Uncaught errors and Content-Security-Policy violations seen in the page. */
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut: harnessSignOut, nav, inAppGo, menu, apiFull, apiCall, token } = harness(
  'admin-flow',
  () => page,
  () => server,
);

// Kept local: this test also checks the notice the sign-in page shows after signing out.
async function signOut() {
  await harnessSignOut();
  await page.getByText('ログアウトしました。', { exact: true }).waitFor();
}

/**
 * The first sign-in's password change, on the screen a user is kept on until it is done.
 * @param {string} current @param {string} next
 */
async function changeInitialPassword(current, next) {
  await expectHeading('パスワードの変更');
  await page.getByText('管理者が設定したパスワードを変更してください', { exact: true }).waitFor();
  await field('現在のパスワード').fill(current);
  await field('新しいパスワード').fill(next);
  await field('新しいパスワード（確認）').fill(next);
  await page.getByRole('button', { name: 'パスワードを変更する' }).click();
}

describe('administration, first slice', () => {
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // A browser far from Japan: every time on screen must still be Asia/Tokyo.
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

  step('sends a visitor to sign-in and refuses a wrong password', async () => {
    await page.goto(`${server.url}/`);
    await expectHeading('ログイン');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ja');
    await expectAccessible('the sign-in page');

    await signIn(ADMIN_LOGIN, 'not-the-password');
    await page.getByText('ログインIDまたはパスワードが正しくありません。', { exact: true }).waitFor();
    await expectAccessible('the sign-in page with an error');
  });

  step('signs the system administrator in to a home page for the role', async () => {
    await signIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await expectHeading('ようこそ（システム管理者）');
    assert.equal(await page.getByTestId('home-role').textContent(), 'システム管理者');
    await page.getByText(/令和\d+年度/).first().waitFor();
    assert.deepEqual(await menu(), ['ホーム', 'センター', '自治体', '職員', '報告', '操作・閲覧の記録', '協議会']);
    // Tokens stay in memory: web storage is empty (only a language choice would go there).
    const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
    assert.deepEqual(stored, []);
    await expectAccessible('home');
  });

  step('creates a center, showing the API’s field errors first', async () => {
    await nav('センター');
    await expectHeading('センター');
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
    await expectAccessible('the center list (empty)');

    await page.getByRole('link', { name: 'センターを登録' }).click();
    await expectHeading('センターの登録');
    await page.getByRole('button', { name: '登録する' }).click();
    const summary = page.getByRole('heading', { name: '入力内容を確認してください' });
    await summary.waitFor();
    // The error summary takes focus and links each error to its field.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-labelledby')), 'error-summary-title');
    await page.getByRole('link', { name: /^センター名：/ }).waitFor();
    assert.equal(await field('センター名').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the center form with errors');

    await field('センターコード').fill(CENTER.code);
    await field('センター名').fill(CENTER.name);
    await field('都道府県').selectOption(CENTER.prefecture);
    await field('運営形態').selectOption(CENTER.operatingType);
    await page.getByRole('button', { name: '登録する' }).click();

    await expectHeading('センター');
    await page.getByText('登録しました。', { exact: true }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(CENTER.name) });
    await row.getByRole('cell', { name: '広島県', exact: true }).waitFor();
    await row.getByRole('cell', { name: '患者・支援者団体委託', exact: true }).waitFor();
    await expectAccessible('the center list');
  });

  step('shows what changed when someone else saved the center first, and reapplies', async () => {
    await page.getByRole('link', { name: CENTER.name }).click();
    await expectHeading('センターの編集');
    await field('センター名').fill(`${CENTER.name}（本所）`);

    // Meanwhile another administrator changes the operating type.
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const list = await apiCall('GET', '/centers', admin);
    const id = list.items[0].id;
    const current = await apiFull('GET', `/centers/${id}`, admin);
    await apiFull('PATCH', `/centers/${id}`, admin, { operating_type: 'medical_institution' }, { 'If-Match': current.etag });

    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { name: '他の人がこのセンターを更新しました' }).waitFor();
    const conflict = page.getByRole('region', { name: '他の人がこのセンターを更新しました' });
    await conflict.getByRole('row', { name: /運営形態/ }).getByRole('cell', { name: '医療機関委託', exact: true }).waitFor();
    await expectAccessible('the edit conflict');

    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    // The other person's change is kept, ours is laid over it.
    assert.equal(await field('運営形態').inputValue(), 'medical_institution');
    assert.equal(await field('センター名').inputValue(), `${CENTER.name}（本所）`);
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading('センター');
    await page.getByText('保存しました。', { exact: true }).waitFor();
    const savedRow = page.getByRole('row', { name: /（本所）/ });
    await savedRow.getByRole('cell', { name: '医療機関委託', exact: true }).waitFor();

    // Shown in Asia/Tokyo although this browser lives in New York.
    const saved = await apiCall('GET', `/centers/${id}`, admin);
    const tokyo = new Intl.DateTimeFormat('ja-JP', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(saved.updated_at));
    await savedRow.getByRole('cell', { name: tokyo, exact: true }).waitFor();
  });

  step('creates the center’s administrator', async () => {
    await nav('職員');
    await expectHeading('職員');
    await expectAccessible('the staff list');
    await page.getByRole('link', { name: '職員を登録' }).click();
    await expectHeading('職員の登録');
    await field('役割').selectOption('center_admin');
    await field('所属センター').selectOption({ label: `${CENTER.name}（本所）` });
    await field('表示名').fill(CENTER_ADMIN.name);
    await field('ログインID').fill(CENTER_ADMIN.login);
    // A weak password first: the API's reason appears next to the field.
    await field('初期パスワード').fill('password1234');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('link', { name: /^初期パスワード：/ }).waitFor();
    await expectAccessible('the staff form with errors');
    await field('初期パスワード').fill(CENTER_ADMIN.password);
    await page.getByRole('button', { name: '登録する' }).click();

    await expectHeading('職員');
    await page.getByText('登録しました。', { exact: true }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(CENTER_ADMIN.name) });
    await row.getByRole('cell', { name: 'センター管理者', exact: true }).waitFor();
    await row.getByRole('cell', { name: `${CENTER.name}（本所）`, exact: true }).waitFor();
  });

  step('signs out and in as the center administrator, who must first change the password and set up two-step sign-in', async () => {
    await signOut();
    await expectAccessible('the sign-in page after sign-out');
    await signIn(CENTER_ADMIN.login, CENTER_ADMIN.password);

    // The system administrator chose the password: it is changed before anything else.
    await expectHeading('パスワードの変更');
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).count(), 0);
    await expectAccessible('the password change (required)');
    await changeInitialPassword(CENTER_ADMIN.password, CENTER_ADMIN.own);

    // The center requires two factors of its administrators: nothing else until enrolled.
    await expectHeading('二段階認証');
    await page.getByText('センターの方針により、二段階認証の設定が必要です', { exact: true }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).count(), 0);
    // Another screen by its address (in the app: a reload would forget the in-memory session).
    await inAppGo('/agencies');
    await expectHeading('二段階認証');
    assert.equal(new URL(page.url()).pathname, '/two-factor');
    await expectAccessible('two-step sign-in (required)');
    await page.getByRole('button', { name: '設定を始める' }).click();

    const qr = page.getByRole('img', { name: /^認証アプリに「つなぐ」のアカウント（hiroshima\.admin）を追加するQRコード/ });
    await qr.waitFor();
    assert.match((await qr.getAttribute('viewBox')) ?? '', /^0 0 \d+ \d+$/);
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    await expectAccessible('two-step sign-in: the QR code');

    // A wrong code first: the API's reason appears at the field.
    await field('確認コード（6桁）').fill('000000');
    await page.getByRole('button', { name: '確認する', exact: true }).click();
    await page.getByRole('link', { name: /^確認コード（6桁）：/ }).waitFor();
    assert.equal(await field('確認コード（6桁）').getAttribute('aria-invalid'), 'true');
    await expectAccessible('two-step sign-in: a wrong code');

    app = new Authenticator(secret);
    await field('確認コード（6桁）').fill(await app.code());
    await page.getByRole('button', { name: '確認する', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: '3. リカバリーコードを保存する' }).waitFor();
    const codes = await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents();
    assert.equal(codes.length, 10);
    for (const c of codes) assert.match(c, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    await expectAccessible('two-step sign-in: the recovery codes');

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'テキストファイルでダウンロード' }).click(),
    ]);
    const text = await readFile(await file.path(), 'utf8');
    assert.ok(codes.every((c) => text.includes(c)));

    // Not without confirming they are saved.
    await page.getByRole('button', { name: '続ける' }).click();
    await page.getByRole('link', { name: /^リカバリーコードを保存しました：/ }).waitFor();
    await field('リカバリーコードを保存しました').check();
    await page.getByRole('button', { name: '続ける' }).click();
    await expectHeading(`ようこそ、${CENTER_ADMIN.name}さん`);
    await page.getByText(`${CENTER.name}（本所）（広島県）`, { exact: true }).waitFor();
    assert.deepEqual(await menu(), ['ホーム', '職員', '就労支援機関', '報告', '操作・閲覧の記録', '外部連携']);
    await expectAccessible('home (center administrator)');
  });

  step('reads the audit trail of the center (without the supervisor\'s other screens)', async () => {
    await nav('操作・閲覧の記録');
    await expectHeading('操作・閲覧の記録');
    assert.equal(await page.getByRole('navigation', { name: '監督のページ' }).count(), 0);
    await page.getByRole('cell', { name: '職員の登録' }).first().waitFor();
    await expectAccessible('the audit trail (center administrator)');
  });

  step('registers an employment agency', async () => {
    await nav('就労支援機関');
    await expectHeading('就労支援機関');
    await expectAccessible('the agency list (empty)');
    await page.getByRole('link', { name: '機関を登録' }).click();
    await expectHeading('就労支援機関の登録');
    await field('機関の種類').selectOption('hello_work');
    await field('機関名').fill(AGENCY.name);
    await field('電話番号').fill(AGENCY.phone);
    await expectAccessible('the agency form');
    await page.getByRole('button', { name: '登録する' }).click();

    await expectHeading('就労支援機関');
    await page.getByText('登録しました。', { exact: true }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(AGENCY.name) });
    await row.getByRole('cell', { name: 'ハローワーク（公共職業安定所）', exact: true }).waitFor();
    await row.getByRole('link', { name: AGENCY.phone }).waitFor();
    await expectAccessible('the agency list');
  });

  step('registers a consultant', async () => {
    await nav('職員');
    await page.getByRole('link', { name: '職員を登録' }).click();
    await expectHeading('職員の登録');
    // A center administrator's staff join its own center: no center to choose.
    assert.equal(await field('所属センター').count(), 0);
    await field('役割').selectOption('consultant');
    await field('表示名').fill(CONSULTANT.name);
    await field('ログインID').fill(CONSULTANT.login);
    await field('初期パスワード').fill(CONSULTANT.password);
    await expectAccessible('the staff form');
    await page.getByRole('button', { name: '登録する' }).click();

    await expectHeading('職員');
    await page.getByRole('row', { name: new RegExp(CONSULTANT.name) }).getByRole('cell', { name: '相談員', exact: true }).waitFor();
    await expectAccessible('the staff list (center administrator)');
    // On a phone each member is a card; the long login breaks rather than widening it.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const card = page.getByRole('row', { name: new RegExp(CONSULTANT.name) });
      const [right, room] = await card.evaluate((row) => {
        const scroller = row.closest('.cards-on-phone');
        return [Math.max(...Array.from(row.querySelectorAll('*'), (el) => el.getBoundingClientRect().right)), scroller?.getBoundingClientRect().right ?? 0];
      });
      assert.ok(right <= room + 0.5, `the card's content reaches ${right}px, its table ${room}px`);
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      assert.ok(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner}`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  step('signs the center administrator in again with the authenticator app’s code', async () => {
    await signOut();
    await signIn(CENTER_ADMIN.login, CENTER_ADMIN.own);
    await expectHeading('確認コードの入力');
    const code = field('確認コード（6桁）');
    assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await code.getAttribute('inputmode'), 'numeric');
    await page.getByRole('button', { name: 'リカバリーコードを使う' }).waitFor();
    await expectAccessible('sign-in: the code');

    await code.fill('000000');
    await page.getByRole('button', { name: '確認してログイン' }).click();
    await page.getByRole('link', { name: /^確認コード（6桁）：確認コードが正しくありません/ }).waitFor();
    assert.equal(await code.getAttribute('aria-invalid'), 'true');
    await expectAccessible('sign-in: a wrong code');

    await code.fill(await /** @type {Authenticator} */ (app).code());
    await page.getByRole('button', { name: '確認してログイン' }).click();
    await expectHeading(`ようこそ、${CENTER_ADMIN.name}さん`);
    await page.getByRole('link', { name: '二段階認証' }).click();
    await page.getByText('二段階認証は有効です', { exact: true }).waitFor();
    await expectAccessible('two-step sign-in (on)');
  });

  step('refreshes the session once when the API refuses an access token', async () => {
    await nav('就労支援機関');
    await page.getByRole('row', { name: new RegExp(AGENCY.name) }).waitFor();
    // The next agency request is answered 401, as if the access token had expired.
    let refused = 0;
    await page.route('**/api/v1/agencies?**', async (route) => {
      if (refused === 0) {
        refused += 1;
        await route.fulfill({
          status: 401,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'urn:tsunagu:problem:invalid_token', title: 'Not signed in', status: 401, code: 'invalid_token' }),
        });
      } else {
        await route.continue();
      }
    });
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
    await field('機関の種類').selectOption('hello_work');
    assert.equal((await refreshed).status(), 200);
    await page.getByRole('row', { name: new RegExp(AGENCY.name) }).waitFor();
    assert.equal(refused, 1);
    await page.unroute('**/api/v1/agencies?**');
    // Still signed in, now with the rotated pair.
    await field('機関の種類').selectOption('vocational_center');
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
    await page.getByTestId('current-user').getByText(CENTER_ADMIN.name).waitFor();
  });

  step('lets the consultant read agencies but not manage them', async () => {
    await signOut();
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await changeInitialPassword(CONSULTANT.password, CONSULTANT.own);
    await expectHeading(`ようこそ、${CONSULTANT.name}さん`);
    await page.getByRole('heading', { level: 2, name: 'フォローアップの予定' }).waitFor();
    await nav('就労支援機関');
    await page.getByRole('row', { name: new RegExp(AGENCY.name) }).waitFor();
    assert.equal(await page.getByRole('link', { name: '機関を登録' }).count(), 0);
    await expectAccessible('the agency list (consultant)');
  });

  step('switches to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expectHeading('Employment agencies');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('row', { name: new RegExp(AGENCY.name) }).getByRole('cell', { name: 'Hello Work (public employment security office)', exact: true }).waitFor();
    await expectAccessible('the agency list in English');
    await page.getByRole('button', { name: '日本語' }).click();
    await expectHeading('就労支援機関');
  });

  it('had no uncaught errors or Content-Security-Policy violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

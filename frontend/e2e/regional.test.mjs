// Regional councils end to end, in a real browser against the real server: the system
// administrator registers 広島県 (340006), assigns the Hiroshima center to it and creates its
// officer; the officer signs in to a dashboard with no patient menu, registers a regional
// issue, moves it to ②対策の検討 with the keyboard only (the reason asked in a dialog,
// focus following the card), is refused ③ without a measure, adds one and moves on, links a
// live figure and reads its value, previews the publication (small counts as 「5未満」) and
// publishes the year; the public page, without a sign-in, shows what was published. Every
// new page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture_code: '34', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const OFFICER = { login: 'hiroshima.pref', display_name: '広島 保子', password: 'Hiroshima-pref-health-2026' };
const INITIAL = 'Initial-password-for-officer-1';
const ISSUE = '就労支援機関への紹介が案内のみに留まる';
const MEASURE = '同行支援の手引きを作成';
const FIGURE_LABEL = '就労に関する相談件数';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);
const ids = { issue: '' };

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, menu, apiCall, token } = harness(
  'regional',
  () => page,
  () => server,
);

/** The fiscal year (April to March) of today in Tokyo. */
function fiscalYearNow() {
  const [y, m] = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date()).split('-').map(Number);
  return m >= 4 ? y : y - 1;
}

/** @param {number} year */
function reiwa(year) {
  const n = year - 2018;
  return `令和${n === 1 ? '元' : n}年度`;
}

describe('regional councils: administrations, the officer’s issues and publication, the public page', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    // One consultation about work this year: the figure the officer links counts it.
    await apiCall('POST', '/consultations', consultant, {
      patient_id: null,
      occurred_at: new Date(Date.now() - 3_600_000).toISOString(),
      channel: 'phone',
      requester: 'family',
      topics: ['employment'],
    });

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true });
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

  step('the system administrator registers 広島県 by its code and assigns the center', async () => {
    await page.goto(`${server.url}/`);
    await signIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await expectHeading(/ようこそ/);
    await nav('自治体');
    await expectHeading('自治体');
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
    await expectAccessible('administrations (empty)');
    await page.getByRole('link', { name: '自治体を登録' }).click();
    await expectHeading('自治体の登録');
    await expectAccessible('new administration');
    await field('自治体の種類').selectOption({ label: '都道府県' });
    // A wrong check digit is refused on the field, in Japanese.
    await field('全国地方公共団体コード').fill('340001');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('link', { name: /^全国地方公共団体コード：/ }).waitFor();
    await field('全国地方公共団体コード').fill('340006');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading('広島県');
    await page.getByRole('status').getByText('登録しました。').waitFor();
    await page.getByText('まだセンターが割り当てられていません。').waitFor();
    await field('割り当てるセンター').selectOption({ label: `${CENTER.name}（広島県）` });
    await page.getByRole('button', { name: '割り当てる' }).click();
    await page.getByRole('table', { name: '管内のセンター' }).getByRole('rowheader', { name: CENTER.name }).waitFor();
    await page.getByText(`${CENTER.name}を割り当てました。`).waitFor();
    await expectAccessible('administration with its center');
  });

  step('creates the officer of 広島県 on the staff screen', async () => {
    await nav('職員');
    await expectHeading('職員');
    await page.getByRole('link', { name: '職員を登録' }).click();
    await expectHeading('職員の登録');
    await field('役割').selectOption({ label: '自治体担当' });
    // An officer belongs to an administration, not to a center.
    assert.equal(await field('所属センター').count(), 0);
    await field('所属する自治体').selectOption({ label: '広島県' });
    await field('表示名').fill(OFFICER.display_name);
    await field('ログインID').fill(OFFICER.login);
    await field('初期パスワード').fill(INITIAL);
    await expectAccessible('new officer');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading('職員');
    await page.getByRole('rowheader', { name: OFFICER.display_name }).waitFor();
    await signOut();
    // The officer's first sign-in replaces the initial password (as every new user's does).
    const first = await apiCall('POST', '/auth/login', null, { login: OFFICER.login, password: INITIAL });
    await apiCall('POST', '/me/password', first.access_token, { current_password: INITIAL, new_password: OFFICER.password });
  });

  step('the officer’s dashboard names the administration and its center, with no patient menu', async () => {
    await signIn(OFFICER.login, OFFICER.password);
    await expectHeading('自治体ダッシュボード');
    assert.equal((await page.getByTestId('administration-name').textContent())?.trim(), '広島県');
    await page.getByTestId('dashboard-centers').getByText(CENTER.name).waitFor();
    assert.deepEqual(await menu(), ['ダッシュボード', '地域の課題', '協議会', '公表', '集計', '外部連携']);
    assert.equal(await page.getByRole('link', { name: '患者' }).count(), 0);
    assert.equal(await page.getByTestId('record-consultation').count(), 0);
    await page.getByTestId('stage-tiles').getByText('①課題の抽出').waitFor();
    await page.getByTestId('report-consultations').waitFor();
    await expectAccessible('officer dashboard');
  });

  step('registers a regional issue', async () => {
    await nav('地域の課題');
    await expectHeading('地域の課題');
    await expectAccessible('issue board (empty)');
    await page.getByRole('link', { name: '課題を登録' }).click();
    await expectHeading('地域の課題の登録');
    await expectAccessible('new issue');
    await field('課題名').fill(ISSUE);
    await field('分野').selectOption({ label: '就労' });
    // With a long address in it (its last part has nowhere to break): the issue's page
    // must still fit a phone (checked below).
    await field('根拠（課題を示す事実）').fill(
      '紹介の多くがレベル1（案内のみ）。出典：https://www.example.lg.jp/nanbyo/soudan_shien_center_houkoku_reiwa7nendo_zenbun_kaisetsu_shiryou.html',
    );
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading(ISSUE);
    ids.issue = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByRole('status').getByText('登録しました。').waitFor();
    assert.equal(await page.getByTestId('issue-stage').textContent(), '①課題の抽出');
    await page.getByText('まだこの課題を扱った会議の記録はありません。').waitFor();
    await expectAccessible('issue');
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      assert.ok(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner}`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  step('moves it from ①課題の抽出 to ②対策の検討 with the keyboard only, the reason asked first', async () => {
    await page.getByRole('link', { name: '地域の課題の一覧に戻る' }).click();
    await expectHeading('地域の課題');
    const extraction = page.getByTestId('column-extraction');
    await extraction.getByRole('link', { name: ISSUE }).waitFor();
    await extraction.getByRole('link', { name: ISSUE }).focus();
    // From the card's link, Tab reaches its one button: 次の段階へ (① has no step back).
    await page.keyboard.press('Tab');
    assert.match((await page.evaluate(() => document.activeElement?.textContent)) ?? '', /^次の段階へ/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '②対策の検討へ移す' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-stage-reason');
    await expectAccessible('stage dialog');
    // Without a reason nothing is sent.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.getByText('入力してください。').waitFor();
    await page.keyboard.type('協議会で課題として確認した');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('board-status').getByText(`「${ISSUE}」を②対策の検討に移しました。`).waitFor();
    await dialog.waitFor({ state: 'detached' });
    const planning = page.getByTestId('column-planning');
    await planning.getByRole('link', { name: ISSUE }).waitFor();
    // Focus follows the card to its new column (on the next frame after the move).
    await page.waitForFunction((title) => document.activeElement?.textContent === title, ISSUE);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid')), 'column-planning');
    assert.equal(await extraction.getByRole('link', { name: ISSUE }).count(), 0);
    await expectAccessible('issue board');
  });

  step('is refused ③対策の実施 without a measure, adds one, and moves on', async () => {
    await page.getByTestId('column-planning').getByRole('link', { name: ISSUE }).click();
    await expectHeading(ISSUE);
    await page.getByRole('button', { name: '次の段階へ（③対策の実施）' }).click();
    const dialog = page.getByRole('dialog', { name: '③対策の実施へ移す' });
    await field('理由').fill('手引きの作成を始める');
    await dialog.getByRole('button', { name: '移す' }).click();
    await dialog.getByText('対策を1つ以上登録してから「対策の実施」に進めてください。').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('issue-stage').textContent(), '②対策の検討');

    await field('対策の内容').fill(MEASURE);
    await field('実施する機関・担当').fill(CENTER.name);
    await page.getByRole('button', { name: '追加する' }).click();
    await page.getByRole('table', { name: '対策' }).getByRole('rowheader', { name: MEASURE }).waitFor();

    await page.getByRole('button', { name: '次の段階へ（③対策の実施）' }).click();
    await field('理由').fill('手引きの作成を始める');
    await page.getByRole('dialog').getByRole('button', { name: '移す' }).click();
    await page.getByTestId('issue-status').getByText(`「${ISSUE}」を③対策の実施に移しました。`).waitFor();
    await page.getByTestId('issue-stage').getByText('③対策の実施').waitFor();
    const history = page.getByRole('table', { name: '段階の履歴' });
    await history.getByText('②対策の検討 → ③対策の実施').waitFor();
    await history.getByText('協議会で課題として確認した').waitFor();
    await history.getByText(OFFICER.display_name).first().waitFor();
  });

  step('links a live figure and reads its value when linked and now', async () => {
    await field('指標の種類').selectOption({ label: '相談内容別の相談件数' });
    await field('相談内容').selectOption({ label: '就労' });
    await field('表示名').fill(FIGURE_LABEL);
    await field('目標').fill('増やす');
    await page.getByRole('button', { name: '紐づける' }).click();
    const figure = page.getByTestId('linked-figure').filter({ hasText: FIGURE_LABEL });
    await figure.waitFor();
    assert.equal(await figure.getByTestId('figure-current').textContent(), '1件');
    assert.equal(await figure.getByTestId('figure-baseline').textContent(), '1件');
    await figure.getByRole('img', { name: `${FIGURE_LABEL}：登録時と現在` }).waitFor();
    await page.getByRole('button', { name: 'コメントする' }).waitFor();
    await field('コメントの内容').fill('次回の部会で扱う');
    await page.getByRole('button', { name: 'コメントする' }).click();
    await page.getByText('次回の部会で扱う').waitFor();
    await expectAccessible('issue with a measure, a figure and a comment');
  });

  step('previews the publication with small counts hidden, and publishes the year', async () => {
    const fy = fiscalYearNow();
    await nav('公表');
    await expectHeading('公表');
    await page.getByTestId('suppression-note').getByText('5件未満の数は「5未満」と表示します').waitFor();
    const indicators = page.getByTestId('indicators');
    await indicators.getByRole('rowheader', { name: FIGURE_LABEL }).waitFor();
    await indicators.getByText('5未満').first().waitFor();
    await page.getByTestId('measures-done').getByText('実施した対策：0件（登録1件）').waitFor();
    await page.getByText('まだ公表していません。').waitFor();
    await expectAccessible('publication preview');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('preview-downloads').getByRole('button', { name: /^CSVをダウンロード/ }).click(),
    ]);
    assert.match(file.suggestedFilename(), /\.csv$/);

    await page.getByRole('button', { name: '公表する' }).click();
    const confirm = page.getByRole('region', { name: `${reiwa(fy)}（${fy}年度）の実施状況を公表しますか？` });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: '公表する' }).click();
    await page.getByText(`${reiwa(fy)}（${fy}年度）の実施状況を公表しました。`).waitFor();
    await page.getByRole('table', { name: 'これまでの公表' }).getByText('第1版').waitFor();
    await expectAccessible('publication published');
    // The officer's own threshold: the preview follows it; what was published does not (the
    // public page below still shows 「5未満」).
    await field('秘匿の基準（この件数未満を「未満」表示）').fill('0');
    await page.getByText('1から100までの整数で入力してください。').waitFor();
    await field('秘匿の基準（この件数未満を「未満」表示）').fill('1');
    await page.getByRole('button', { name: '基準を変更する' }).click();
    await page.getByText('秘匿の基準を変更しました。').waitFor();
    await page.getByTestId('suppression-note').getByText('1件未満の数は「1未満」と表示します').waitFor();
    await page.getByTestId('indicators').getByRole('rowheader', { name: FIGURE_LABEL }).waitFor();
    assert.equal(await page.getByTestId('indicators').getByText('5未満').count(), 0);
  });

  step('reads the centers’ figures combined under 集計, without choosing a prefecture', async () => {
    await nav('集計');
    await expectHeading('報告');
    await page.getByText('管内のセンターをまとめた、国への報告と同じ集計です。').waitFor();
    await page.getByTestId('report-consultations').waitFor();
    assert.equal(await field('都道府県').count(), 0);
    await expectAccessible('reports (officer)');
  });

  step('registers the administration’s own application with regional scopes, which reaches no patient', async () => {
    await nav('外部連携');
    await expectHeading('外部連携アプリ');
    // No webhooks for an administration: those announce a center's records.
    const pages = page.getByRole('navigation', { name: '外部連携のページ' });
    assert.deepEqual(await pages.getByRole('link').allTextContents(), ['外部連携アプリ']);
    await page.getByRole('link', { name: 'アプリを登録' }).click();
    await expectHeading('外部連携アプリの登録');
    // Only what an administration may grant is offered.
    assert.equal(await page.getByRole('group', { name: '患者・相談の記録（個人情報を含む）', exact: true }).count(), 0);
    const regional = page.getByRole('group', { name: '地域協議会・地域の課題', exact: true });
    await field('アプリ名').fill('県庁 課題管理システム');
    await regional.getByRole('checkbox', { name: /^協議会・会議・地域の課題（連動する数値を含む）と公表内容の閲覧/ }).check();
    await page.getByRole('group', { name: '管内センターの集計', exact: true }).getByRole('checkbox').check();
    await expectAccessible('the administration’s API client form');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('region', { name: 'クライアントシークレットを発行しました' }).waitFor();
    const clientId = ((await page.getByTestId('client-id').textContent()) ?? '').trim();
    const secret = ((await page.getByTestId('client-secret').textContent()) ?? '').trim();
    const granted = await fetch(`${server.url}/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
    });
    assert.equal(granted.status, 200);
    const { access_token: clientToken, scope } = /** @type {{access_token: string, scope: string}} */ (await granted.json());
    assert.equal(scope, 'reports:read regional:read');
    const auth = { Authorization: `Bearer ${clientToken}` };
    const issues = await fetch(`${server.url}/api/v1/regional-issues`, { headers: auth });
    assert.equal(issues.status, 200);
    const listed = /** @type {{items: {title: string}[]}} */ (await issues.json());
    assert.deepEqual(listed.items.map((i) => i.title), [ISSUE]);
    assert.equal((await fetch(`${server.url}/api/v1/patients`, { headers: auth })).status, 403);
    await signOut();
  });

  step('the public page shows the published summary without a sign-in', async () => {
    const fy = fiscalYearNow();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const signedInPage = page;
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/public/administrations/340006/summary`);
    await expectHeading(`広島県 ${reiwa(fy)} 地域協議会の実施状況`);
    // No menu and no account: nobody is signed in.
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).count(), 0);
    await page.getByTestId('published-at').waitFor();
    await page.getByTestId('indicators').getByRole('rowheader', { name: FIGURE_LABEL }).waitFor();
    await page.getByTestId('indicators').getByText('5未満').first().waitFor();
    await page.getByRole('img', { name: '段階別の課題の数' }).waitFor();
    const csv = await page.getByRole('link', { name: 'CSVをダウンロード' }).getAttribute('href');
    assert.match(csv ?? '', new RegExp(`/api/v1/public/administrations/340006/summary\\?fiscal_year=${fy}&format=csv$`));
    const res = await fetch(`${server.url}${csv}`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /広島県/);
    await expectAccessible('public summary');
    // A year not published says so.
    await page.goto(`${server.url}/public/administrations/340006/summary?fiscal_year=${fy - 5}`);
    await page.getByText('この年度の実施状況はまだ公表されていません。').waitFor();
    page = signedInPage;
    await context.close();
  });

  step('the system administrator reads the part-2 tables from the reports menu', async () => {
    const fy = fiscalYearNow();
    await page.goto(`${server.url}/`);
    await signIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await nav('報告');
    await expectHeading('報告');
    await page.getByRole('link', { name: /^地域協議会の設置・開催状況/ }).click();
    await expectHeading('地域協議会の設置・開催状況');
    await field('年度').selectOption(String(fy));
    const issues = page.getByRole('table', { name: '分野別・段階別の地域の課題' });
    // The issue of 広島県 stands at ③対策の実施 in the area 就労.
    const row = issues.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '就労', exact: true }) });
    // The table comes with the year's figures: read its cells once the row is there.
    await row.waitFor();
    assert.deepEqual((await row.getByRole('cell').allTextContents()).map((x) => x.trim()), ['0', '0', '1', '0']);
    const prefectures = page.getByRole('table', { name: '自治体の種類別の設置状況' });
    await prefectures.getByRole('rowheader', { name: '都道府県' }).waitFor();
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('councils-downloads').getByRole('button', { name: /^Excelをダウンロード/ }).click(),
    ]);
    assert.match(file.suggestedFilename(), /\.xlsx$/);
    await expectAccessible('regional councils report');
  });

  step('raised no uncaught error and no Content-Security-Policy violation', () => {
    assert.deepEqual(pageProblems, []);
  });
});

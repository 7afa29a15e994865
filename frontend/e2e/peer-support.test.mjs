// ピア・サポーター end to end, in a real browser against the real server: the center
// administrator registers a peer supporter; a supervisor assigns them to a patient from the
// patient's page (and, when a colleague assigned another one first, is told so in Japanese,
// then ends that assignment); the peer supporter signs in, finds only that patient, records
// a consultation from the patient's page, is offered no referral, consents or anything that
// the API would refuse, and reads their own evidence; the supervisor reads the evidence of
// every supporter. Every page is checked with axe-core, the peer supporter's also at a
// phone's width.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'tottori', name: '鳥取県難病相談支援センター', prefecture_code: '31', operating_type: 'medical_institution' };
const CENTER_ADMIN = { login: 'tottori.admin', display_name: '砂丘 太郎', password: 'Sakyu-dune-pear-garden-2026' };
const CONSULTANT = { login: 'ueda.mika', display_name: '上田 美香', password: 'Daisen-mountain-snow-41' };
const SUPERVISOR = { login: 'nishimura.jun', display_name: '西村 潤', password: 'Kaike-onsen-crab-harbor-58' };
// Registered on screen with `password`, which the peer supporter changes to `own` at their first sign-in.
const PEER = { login: 'matsui.yoko', display_name: '松井 洋子', password: 'Mizuki-road-yokai-bronze-63', own: 'Hakuto-rabbit-shore-lantern-18' };
const PEER2 = { login: 'kondo.ken', display_name: '近藤 健', password: 'Uradome-coast-cave-blue-27' };
const ASSIGNED = '青木 花子';
const OTHER = '馬場 次郎';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);
/** Calls the API refused with 403 while the peer supporter used the screens: there should be none. */
const refused = /** @type {string[]} */ ([]);
let watchRefusals = false;
const ids = { assigned: '', other: '', peer2: '' };
const tokens = { supervisor: '' };
/** The center administrator's authenticator (enrolled through the API). @type {import('./support/totp.mjs').Authenticator | null} */
let adminApp = null;

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiCall, token, expectNumberRefused } = harness(
  'peer-support',
  () => page,
  () => server,
);

/** @param {string} family @param {string} given @param {string} familyKana @param {string} givenKana */
function patientBody(family, given, familyKana, givenKana) {
  return {
    family_name: family,
    given_name: given,
    family_name_kana: familyKana,
    given_name_kana: givenKana,
    birth_date: '1975-03-03',
    employment_status: 'employed',
    support_awareness: 'aware_not_used',
    program: 'nanbyo',
  };
}

describe('ピア・サポーター: assigned by a supervisor, reaching only their patient, their evidence', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin, app } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    adminApp = app;
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });
    ids.peer2 = (await createStaff(server.url, centerAdmin, { ...PEER2, role: 'peer_supporter' })).id;
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    tokens.supervisor = await token(SUPERVISOR.login, SUPERVISOR.password);
    // With a long e-mail address (no place to break it) and the longest term of the profile
    // (センターを知ったきっかけ): the profile must still fit a phone (checked at the end).
    ids.assigned = (
      await apiCall('POST', '/patients', consultant, {
        ...patientBody('青木', '花子', 'アオキ', 'ハナコ'),
        email: 'hanako.aoki.contact-address@example.jp',
        referral_source: 'leaflet_at_application',
      })
    ).id;
    ids.other = (await apiCall('POST', '/patients', consultant, patientBody('馬場', '次郎', 'ババ', 'ジロウ'))).id;

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'America/New_York' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageProblems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) pageProblems.push(`CSP: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (watchRefusals && r.status() === 403 && r.url().includes('/api/v1/')) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the center administrator registers a peer supporter', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CENTER_ADMIN.login, CENTER_ADMIN.password);
    await expectHeading('確認コードの入力');
    await field('確認コード（6桁）').fill(await /** @type {import('./support/totp.mjs').Authenticator} */ (adminApp).code());
    await page.getByRole('button', { name: '確認してログイン' }).click();
    await expectHeading(`ようこそ、${CENTER_ADMIN.display_name}さん`);
    await nav('職員');
    await page.getByRole('link', { name: '職員を登録' }).click();
    await expectHeading('職員の登録');
    await field('役割').selectOption({ label: 'ピア・サポーター' });
    await field('表示名').fill(PEER.display_name);
    await field('ログインID').fill(PEER.login);
    await field('初期パスワード').fill(PEER.password);
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading('職員');
    await page.getByRole('row', { name: new RegExp(PEER.display_name) }).getByRole('cell', { name: 'ピア・サポーター', exact: true }).waitFor();
    await expectAccessible('the staff list with a peer supporter');
    await signOut();
  });

  step("a supervisor assigns the peer supporter on the patient's page", async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await inAppGo(`/patients/${ids.assigned}`);
    await expectHeading(ASSIGNED);
    const section = page.getByTestId('peer-supporters');
    await section.getByRole('heading', { name: 'ピア・サポーター', level: 2 }).waitFor();
    await section.getByText('担当のピア・サポーターはいません。', { exact: true }).waitFor();
    await expectAccessible("the patient's page with no peer supporter");
    // Nothing chosen: said at the field.
    await section.getByRole('button', { name: '担当に加える' }).click();
    await section.getByRole('link', { name: '加えるピア・サポーター：ピア・サポーターを選んでください。' }).waitFor();
    await field('加えるピア・サポーター').selectOption({ label: PEER.display_name });
    await section.getByRole('button', { name: '担当に加える' }).click();
    await section.getByRole('status').getByText(`${PEER.display_name}さんを担当に加えました。`).waitFor();
    const row = section.getByRole('row', { name: new RegExp(PEER.display_name) });
    await row.getByText('担当中', { exact: true }).waitFor();
    await expectAccessible("the patient's page with a peer supporter");
  });

  step('told in Japanese when a colleague assigned the same supporter first, then ends that assignment', async () => {
    const section = page.getByTestId('peer-supporters');
    await field('加えるピア・サポーター').selectOption({ label: PEER2.display_name });
    // Another supervisor, meanwhile, assigns the same supporter.
    await apiCall('POST', `/patients/${ids.assigned}/peer-supporters`, tokens.supervisor, { user_id: ids.peer2 });
    await section.getByRole('button', { name: '担当に加える' }).click();
    await section.getByRole('heading', { name: 'このピア・サポーターはすでにこの患者を担当しています。' }).waitFor();
    await expectAccessible('the assignment refused (409)');
    // Coming back to the page reads the assignments afresh (a reload would sign out: tokens live in memory).
    await inAppGo('/patients');
    await expectHeading('患者');
    await inAppGo(`/patients/${ids.assigned}`);
    await expectHeading(ASSIGNED);
    const row = section.getByRole('row', { name: new RegExp(PEER2.display_name) });
    await row.getByRole('button', { name: /担当を終える/ }).click();
    const confirm = page.getByRole('region', { name: `${PEER2.display_name}さんの担当を終えますか？` });
    await confirm.waitFor();
    await expectAccessible('ending an assignment (confirmation)');
    await confirm.getByRole('button', { name: '担当を終える' }).click();
    await section.getByRole('status').getByText(`${PEER2.display_name}さんの担当を終えました。`).waitFor();
    await section.getByRole('row', { name: new RegExp(PEER2.display_name) }).getByText('担当終了', { exact: true }).waitFor();
    await section.getByRole('row', { name: new RegExp(PEER.display_name) }).getByText('担当中', { exact: true }).waitFor();
    await signOut();
  });

  step('the peer supporter sees only the assigned patient', async () => {
    await signIn(PEER.login, PEER.password);
    // The administrator chose the password: the peer supporter replaces it first.
    await expectHeading('パスワードの変更');
    await field('現在のパスワード').fill(PEER.password);
    await field('新しいパスワード').fill(PEER.own);
    await field('新しいパスワード（確認）').fill(PEER.own);
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    watchRefusals = true;
    await expectHeading(`ようこそ、${PEER.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', '活動実績', '就労支援機関']);
    const mine = page.getByTestId('my-patients');
    await mine.getByRole('link', { name: ASSIGNED, exact: true }).waitFor();
    assert.equal(await mine.getByRole('link', { name: OTHER }).count(), 0);
    await expectAccessible("the peer supporter's home");
    await nav('患者');
    await expectHeading('患者');
    await page.getByText('あなたが担当する患者です。', { exact: false }).waitFor();
    const table = page.getByRole('table', { name: '患者の一覧' });
    await table.getByRole('link', { name: ASSIGNED }).waitFor();
    assert.equal(await table.getByRole('row').count(), 2, 'the header and one patient');
    assert.equal(await page.getByRole('link', { name: '患者を登録' }).count(), 0);
    await expectAccessible("the peer supporter's patients");
    // Another patient's page answers "not found", as the API does.
    await inAppGo(`/patients/${ids.other}`);
    await page.getByText('見つかりませんでした。', { exact: false }).waitFor();
    assert.equal(await page.getByText(OTHER).count(), 0);
  });

  step("records a consultation from the patient's page, with no referral, consents or editing offered", async () => {
    await inAppGo(`/patients/${ids.assigned}`);
    await expectHeading(ASSIGNED);
    await page.getByText('あなたはこの患者の担当ピア・サポーターです。', { exact: false }).waitFor();
    assert.equal(await page.getByRole('link', { name: '就労支援機関に紹介' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: '患者情報を編集' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: '情報提供への同意' }).count(), 0);
    assert.equal(await page.getByTestId('peer-supporters').count(), 0);
    await expectAccessible("the patient's page (peer supporter)");
    await page.getByRole('link', { name: 'この患者の相談を記録' }).click();
    await expectHeading('相談の記録');
    await page.getByRole('radio', { name: new RegExp(`^${ASSIGNED}`) }).and(page.locator(':checked')).waitFor();
    // Always in their own name: no colleague to choose.
    await page.getByText(`${PEER.display_name}（あなた）`, { exact: true }).waitFor();
    assert.equal(await page.getByRole('combobox', { name: '担当' }).count(), 0);
    await expectAccessible('the consultation form (peer supporter)');
    await page.getByRole('radio', { name: '面談' }).check();
    await page.getByRole('checkbox', { name: 'ピアサポート' }).check();
    await field('所要時間（分）').fill('30');
    await field('概要').fill('同じ病気の経験を話した');
    await page.getByRole('button', { name: '相談を記録する' }).click();
    await expectHeading(ASSIGNED);
    await page.getByText('登録しました。', { exact: true }).waitFor();
    const entry = page.locator('li[data-kind="consultation"]');
    await entry.getByText('30分', { exact: true }).waitFor();
    await entry.getByText(`${PEER.display_name}（あなた）`, { exact: true }).waitFor();
    // Their own record they may correct.
    await entry.getByRole('link', { name: /修正/ }).waitFor();
    await expectAccessible("the patient's page after recording (peer supporter)");
  });

  step('reads their own evidence (one consultation, half an hour) and records their 養成講習会', async () => {
    await nav('活動実績');
    await expectHeading('ピア・サポーターの活動実績');
    const lines = page.getByTestId('peer-line');
    await lines.first().waitFor();
    assert.equal(await lines.count(), 1, 'only their own line');
    await lines.getByRole('heading', { name: PEER.display_name }).waitFor();
    await lines.getByText('1件', { exact: true }).first().waitFor();
    await lines.getByText('0.5時間', { exact: true }).first().waitFor();
    await lines.getByTestId('month-chart').waitFor();
    await lines.getByText('修了の記録はありません', { exact: true }).waitFor();
    await expectAccessible("the peer supporter's evidence");
    // Their 養成講習会, recorded by themselves, shows as completed.
    await page.getByRole('link', { name: '養成講習会・研修の受講を記録する' }).click();
    await expectHeading('研修');
    await field('研修の種類').selectOption({ label: 'ピア・サポーター養成講習会' });
    await field('研修名').fill('ピア・サポーター養成講習会（基礎）');
    await field('時間数').fill('12');
    await expectAccessible('the trainings page (peer supporter)');
    await page.getByRole('button', { name: '研修を記録する' }).click();
    await page.getByRole('status').getByText('研修を記録しました。').waitFor();
    await page.getByRole('link', { name: 'ピア・サポーターの活動実績に戻る' }).click();
    await expectHeading('ピア・サポーターの活動実績');
    await lines.getByText(/に修了$/).waitFor();
    await lines.getByText('12時間', { exact: true }).waitFor();
  });

  step('fits a phone for the peer supporter, and no call of theirs was refused', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, heading] of /** @type {[string, string][]} */ ([
      ['/', `ようこそ、${PEER.display_name}さん`],
      ['/patients', '患者'],
      [`/patients/${ids.assigned}`, ASSIGNED],
      ['/reports/peer-support', 'ピア・サポーターの活動実績'],
    ])) {
      await inAppGo(path);
      await expectHeading(heading);
      await page.waitForLoadState('networkidle');
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      assert.ok(scroll <= inner, `${path}: scrollWidth ${scroll} > innerWidth ${inner}`);
    }
    await expectAccessible("the peer supporter's evidence on a phone");
    await page.setViewportSize({ width: 1366, height: 768 });
    watchRefusals = false;
    assert.deepEqual(refused, []);
    await signOut();
  });

  step("the supervisor records a supporter's 養成講習会 and reads every supporter’s evidence among the reports", async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    // The supervisor records the other supporter's 養成講習会 for them.
    await inAppGo('/activities/trainings');
    await expectHeading('研修');
    await field('職員').selectOption({ label: `${PEER2.display_name}（ピア・サポーター）` });
    await field('研修の種類').selectOption({ label: 'ピア・サポーター養成講習会' });
    await field('研修名').fill('ピア・サポーター養成講習会（基礎）');
    // Hours that are not a number are refused beside the field and in the summary, and nothing is sent.
    await expectNumberRefused({ label: '時間数', name: 'hours', submit: '研修を記録する', path: '/trainings' });
    await field('時間数').fill('6');
    await expectAccessible('the trainings page (supervisor, for a colleague)');
    await page.getByRole('button', { name: '研修を記録する' }).click();
    await page.getByRole('status').getByText('研修を記録しました。').waitFor();
    await page.getByRole('table', { name: '研修' }).getByRole('cell', { name: PEER2.display_name, exact: true }).waitFor();
    await nav('報告');
    await expectHeading('報告');
    await page.getByRole('link', { name: 'ピア・サポーターの活動実績を見る' }).click();
    await expectHeading('ピア・サポーターの活動実績');
    const lines = page.getByTestId('peer-line');
    await lines.first().waitFor();
    assert.equal(await lines.count(), 2);
    const line = lines.filter({ has: page.getByRole('heading', { name: PEER.display_name }) });
    await line.getByRole('table', { name: `${PEER.display_name}さんの月別の活動実績` }).getByRole('row', { name: /合計/ }).getByRole('cell', { name: '1', exact: true }).waitFor();
    await line.getByText('0.5時間', { exact: true }).first().waitFor();
    const other = lines.filter({ has: page.getByRole('heading', { name: PEER2.display_name }) });
    await other.getByText(/に修了$/).waitFor();
    await other.getByText('6時間', { exact: true }).waitFor();
    // The fiscal year is named in 和暦 too.
    assert.match(await field('年度').locator('option:checked').innerText(), /^令和\d+年度（\d{4}年度）/);
    await expectAccessible('the peer support evidence (supervisor)');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('downloads-peer-support').getByRole('button', { name: /CSVをダウンロード/ }).click(),
    ]);
    assert.match(file.suggestedFilename(), /\.csv$/);
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

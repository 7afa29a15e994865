// The case slice end to end, in a real browser against the real server: a consultant
// registers a patient, finds them again, records a consultation and the patient's consent,
// refers them at level 4, sees the follow-up that schedules on the patient's page and at
// home, and records it; the supervisor then finds that referral in the audit queue, approves
// it, and reads it in the current fiscal year's report. Every new main page is checked with
// axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { escapeRegExp, harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture_code: '34', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const HELLO_WORK = { agency_type: 'hello_work', name: 'ハローワーク広島' };
const OTHER_AGENCY = { agency_type: 'other', name: 'ひろしましごとサポートセンター' };
const PATIENT = { family: '山本', given: '和子', familyKana: 'やまもと', givenKana: 'かずこ', birth: '1985-04-12' };
const PATIENT_NAME = `${PATIENT.family} ${PATIENT.given}`;
/** The center's days from a level-4 referral to its first follow-up, set by its administrator. */
const FOLLOW_UP_DAYS = 10;
const HELLO_WORK_LABEL = 'ハローワーク（公共職業安定所）';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** The center administrator's recovery codes (enrolled through the API). */
let recoveryCodes = /** @type {string[]} */ ([]);
/** The level-4 referral made through the referral form (its id, from the page's address). */
let levelFourReferral = '';
/** Uncaught errors and Content-Security-Policy violations seen in the page. */
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, menu, apiFull, apiCall, token, expectNumberRefused } = harness(
  'case-flow',
  () => page,
  () => server,
);

/** The audit queue's rows of referrals in the queue for `reason`. @param {string} reason */
function queueRows(reason) {
  return page.getByRole('row').filter({ has: page.getByTestId('queue-reasons').getByText(reason, { exact: true }) });
}

/**
 * The cells of a report table's row, found by its row header.
 * @param {import('playwright-core').Locator} table @param {string} header
 */
async function rowCells(table, header) {
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: header, exact: true }) });
  return (await row.getByRole('cell').allTextContents()).map((s) => s.trim());
}

/** Today and a later day in Asia/Tokyo, YYYY-MM-DD, as the server counts them. */
function tokyoDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The fiscal year (April to March) running today in Tokyo: the one this test's referrals fall in. */
function currentFiscalYear() {
  const [y, m] = tokyoDate().split('-').map(Number);
  return Number(m) >= 4 ? Number(y) : Number(y) - 1;
}

/** 2026 → 令和8年度 @param {number} year */
function reiwa(year) {
  const n = year - 2018;
  return `令和${n === 1 ? '元' : n}年度`;
}

/** 2026-12-08 → 2026年12月8日 (the screens' Japanese date without the era). */
function jaDate(/** @type {string} */ iso) {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

describe('the case: patient, consultation, consent, referral, follow-up, review, report', () => {
  before(async () => {
    server = await startServer();
    // The center and its people come through the API: the first slice's test covers those screens.
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    // The center requires two factors of its administrator and supervisors by default: the
    // administrator enrols through the API, keeping its recovery codes for signing in below,
    // and lets the rest of the staff sign in with a password.
    const enrolled = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    recoveryCodes = enrolled.recoveryCodes;
    const centerAdmin = enrolled.token;
    await apiCall('POST', '/agencies', centerAdmin, HELLO_WORK);
    await apiCall('POST', '/agencies', centerAdmin, OTHER_AGENCY);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });

    browser = await launchBrowser();
    // A browser far from Japan: every date on screen must still be Asia/Tokyo's.
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

  step('lets the center administrator set the days to the first follow-up, and shows no patients', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CENTER_ADMIN.login, CENTER_ADMIN.password);
    // Enrolled in two-factor sign-in: away from the phone, a recovery code does instead.
    await expectHeading('確認コードの入力');
    await page.getByRole('button', { name: 'リカバリーコードを使う' }).click();
    await field('リカバリーコード').fill(recoveryCodes[0] ?? '');
    await expectAccessible('sign-in with a recovery code');
    await page.getByRole('button', { name: '確認してログイン' }).click();
    await expectHeading(`ようこそ、${CENTER_ADMIN.display_name}さん`);
    // Health data is for case workers only: no patient screens for an administrator.
    assert.deepEqual(await menu(), ['ホーム', '職員', '就労支援機関', '報告', '操作・閲覧の記録', '外部連携']);
    assert.equal(await page.getByTestId('record-consultation').count(), 0);
    await page.getByRole('link', { name: 'センターの設定' }).click();
    await expectHeading('センターの設定');
    assert.equal(await field('最初のフォローアップまでの日数').inputValue(), '14');
    // The roles that must use two factors: none since the administrator relaxed it (setup).
    const totpRoles = page.getByRole('group', { name: '二段階認証が必要な役割' });
    for (const role of ['センター管理者', '管理責任者', '相談員']) {
      assert.equal(await totpRoles.getByRole('checkbox', { name: role }).isChecked(), false);
    }
    await expectAccessible('the center settings');
    await field('最初のフォローアップまでの日数').fill(String(FOLLOW_UP_DAYS));
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(`ようこそ、${CENTER_ADMIN.display_name}さん`);
    await page.getByText('保存しました。', { exact: true }).waitFor();
    await signOut();
  });

  step('signs the consultant in to a home page with an empty follow-up queue', async () => {
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関']);
    await page.getByText('予定されているフォローアップはありません。', { exact: true }).waitFor();
    await page.getByText('まだ相談の記録がありません。', { exact: true }).waitFor();
    await expectAccessible('home (consultant)');
  });

  step('registers a patient, the reading typed in hiragana', async () => {
    await nav('患者');
    await expectHeading('患者');
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
    await expectAccessible('the patient list (empty)');
    await page.getByRole('link', { name: '患者を登録' }).click();
    await expectHeading('患者の登録');

    // Submitting empty first: the API's field errors appear at the fields.
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    await page.getByRole('link', { name: /^セイ：/ }).waitFor();
    assert.equal(await field('セイ').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the patient form with errors');

    await field('姓').fill(PATIENT.family);
    await field('名').fill(PATIENT.given);
    await field('セイ').fill(PATIENT.familyKana);
    await field('メイ').fill(PATIENT.givenKana);
    await page.getByTestId('kana-preview').getByText('登録されるフリガナ：ヤマモト カズコ').waitFor();
    await field('生年月日').fill(PATIENT.birth);
    await page.getByTestId('birth_date-read').getByText('昭和60年4月12日（1985-04-12）として入力されます', { exact: true }).waitFor();
    // The designated disease, found by part of its name written in half-width kana.
    await field('指定難病を病名または告示番号で絞り込む').fill('ｸﾛｰﾝ');
    await page.getByText('1件の病名が該当します。', { exact: true }).waitFor();
    await field('病名（指定難病）').selectOption('96');
    await field('都道府県').selectOption('34');
    await field('市区町村').selectOption({ label: '広島市 中区' });
    await field('就労状況').selectOption('job_seeking');
    await page.getByRole('radio', { name: '知っているが利用したことはない' }).check();
    await expectAccessible('the patient form');
    await page.getByRole('button', { name: '登録する' }).click();

    await expectHeading(PATIENT_NAME);
    await page.getByText('登録しました。', { exact: true }).waitFor();
    assert.match((await page.getByTestId('case-number').textContent()) ?? '', /^\d{4}-0001$/);
    await page.getByText('ヤマモト カズコ').waitFor();
    await page.getByText('1985年4月12日（昭和60年4月12日）・', { exact: false }).waitFor();
    await page.getByText('96\u3000クローン病', { exact: true }).waitFor();
    await page.getByText('広島県 広島市 中区', { exact: true }).waitFor();
    await expectAccessible('the patient page (new patient)');
  });

  step('finds the patient by the reading in half-width katakana', async () => {
    await nav('患者');
    await expectHeading('患者');
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('ﾔﾏﾓﾄ');
    const row = page.getByRole('row', { name: new RegExp(PATIENT_NAME) });
    await row.getByRole('cell', { name: 'ヤマモト カズコ', exact: true }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('q'), 'ﾔﾏﾓﾄ');
    await expectAccessible('the patient search');
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('ｽｽﾞｷ');
    await page.getByText('「ｽｽﾞｷ」に一致する患者はいません。', { exact: true }).waitFor();
    // The same box takes a birth date in 和暦.
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('昭和60年4月12日');
    await page.getByRole('row', { name: new RegExp(PATIENT_NAME) }).waitFor();
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('かずこ');
    await page.getByRole('link', { name: PATIENT_NAME }).click();
    await expectHeading(PATIENT_NAME);
  });

  step('warns before registering someone already registered, and opens their record instead', async () => {
    await nav('患者');
    await page.getByRole('link', { name: '患者を登録' }).click();
    await expectHeading('患者の登録');
    await field('姓').fill(PATIENT.family);
    await field('名').fill(PATIENT.given);
    await field('セイ').fill('ヤマモト');
    await field('メイ').fill('ｶｽﾞｺ');
    await field('生年月日').fill('S60.4.12');
    await page.getByRole('button', { name: '登録する' }).click();
    const warning = page.getByText('同じ人がすでに登録されているかもしれません');
    await warning.waitFor();
    const found = page.getByRole('list', { name: '登録済みの可能性がある患者' });
    await found.getByText('フリガナと生年月日が同じ', { exact: false }).waitFor();
    await expectAccessible('the duplicate warning');
    await found.getByRole('link', { name: new RegExp(PATIENT.family) }).click();
    await expectHeading(PATIENT_NAME);
  });

  step('shows what changed when someone else saved the patient first, and reapplies', async () => {
    const patientId = new URL(page.url()).pathname.split('/')[2];
    await page.getByRole('link', { name: '患者情報を編集' }).click();
    await expectHeading('患者情報の編集');
    assert.equal(await field('セイ').inputValue(), 'ヤマモト');
    await field('電話番号').fill('082-555-0123');

    // Meanwhile the supervisor records that the patient went on leave.
    const supervisor = await token(SUPERVISOR.login, SUPERVISOR.password);
    const current = await apiFull('GET', `/patients/${patientId}`, supervisor);
    await apiFull('PATCH', `/patients/${patientId}`, supervisor, { employment_status: 'on_leave' }, { 'If-Match': current.etag });

    await page.getByRole('button', { name: '保存する' }).click();
    const conflict = page.getByRole('region', { name: '他の人がこの患者情報を更新しました' });
    await conflict.waitFor();
    await conflict.getByRole('row', { name: /就労状況/ }).getByRole('cell', { name: '休職中', exact: true }).waitFor();
    await conflict.getByRole('row', { name: /電話番号/ }).getByRole('cell', { name: '082-555-0123', exact: true }).waitFor();
    await expectAccessible('the patient edit conflict');
    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    assert.equal(await field('就労状況').inputValue(), 'on_leave');
    assert.equal(await field('電話番号').inputValue(), '082-555-0123');
    await page.getByRole('button', { name: '保存する' }).click();

    await expectHeading(PATIENT_NAME);
    await page.getByText('保存しました。', { exact: true }).waitFor();
    await page.getByRole('link', { name: '082-555-0123' }).waitFor();
    await page.getByText('休職中', { exact: true }).waitFor();
  });

  step('records a consultation from the patient’s page, by keyboard', async () => {
    await page.getByRole('link', { name: 'この患者の相談を記録' }).click();
    await expectHeading('相談の記録');
    // The patient is chosen already; "now" and the caller are the defaults.
    await page.getByRole('radio', { name: new RegExp(`^${PATIENT_NAME}`) }).and(page.locator(':checked')).waitFor();
    assert.match(await field('相談日時').inputValue(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    await page.getByText(`${CONSULTANT.display_name}（あなた）`, { exact: true }).waitFor();
    await expectAccessible('the consultation form');

    await page.getByRole('radio', { name: '面談' }).check();
    await page.getByRole('checkbox', { name: '就労' }).check();
    await page.getByRole('checkbox', { name: '病気・療養' }).check();
    // Minutes typed as words are refused on the form, not saved as no duration.
    await expectNumberRefused({ label: '所要時間（分）', name: 'duration_minutes', submit: '相談を記録する', path: '/consultations' });
    await field('所要時間（分）').fill('45');
    await field('概要').fill('職場に病気をどう伝えるか相談');
    // Ctrl+Enter saves from the text area.
    await field('概要').press('Control+Enter');

    await expectHeading(PATIENT_NAME);
    await page.getByText('登録しました。', { exact: true }).waitFor();
    const entry = page.locator('li[data-kind="consultation"]');
    await entry.getByText('病気・療養、就労', { exact: true }).waitFor();
    await entry.getByText('45分', { exact: true }).waitFor();
  });

  step('records an anonymous consultation from the global action', async () => {
    await page.getByTestId('record-consultation').click();
    await expectHeading('相談の記録');
    await page.getByRole('checkbox', { name: '制度（医療費助成・障害福祉サービス・介護保険）' }).check();
    await page.getByRole('button', { name: '相談を記録する' }).click();
    // Whose consultation is a choice to make.
    await page.getByRole('link', { name: '誰の相談か：患者を選ぶか、匿名を選んでください。' }).waitFor();
    await expectAccessible('the consultation form with an error');
    await page.getByRole('radio', { name: '匿名（名前を聞いていない相談）' }).check();
    await page.getByRole('button', { name: '相談を記録する' }).click();
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await page.getByText('登録しました。', { exact: true }).waitFor();
    const recent = page.getByRole('table', { name: 'あなたの最近の相談' });
    await recent.getByRole('cell', { name: '匿名', exact: true }).waitFor();
    await recent.getByRole('link', { name: new RegExp(PATIENT_NAME) }).waitFor();
  });

  step('records the patient’s consent', async () => {
    await page.getByRole('table', { name: 'あなたの最近の相談' }).getByRole('link', { name: new RegExp(PATIENT_NAME) }).click();
    await expectHeading(PATIENT_NAME);
    await page.getByText('同意の記録はありません。', { exact: true }).waitFor();
    await page.getByRole('button', { name: '同意を記録', exact: true }).click();
    // Focus moves into the form; today and employment agencies are the defaults.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-given_on');
    assert.equal(await field('同意日').inputValue(), tokyoDate());
    await page.getByRole('radio', { name: /^就労支援機関/ }).and(page.locator(':checked')).waitFor();
    await expectAccessible('the consent form');
    await page.getByRole('button', { name: '同意を記録する' }).click();
    await page.getByText('同意を記録しました。', { exact: true }).waitFor();
    const row = page.getByRole('table', { name: '同意の記録' }).getByRole('row', { name: new RegExp(jaDate(tokyoDate())) });
    await row.getByText('有効', { exact: true }).waitFor();
    await page.locator('li[data-kind="consent"]').waitFor();
  });

  step('refers at level 4, told plainly when the consent does not cover the agency', async () => {
    await page.getByRole('link', { name: '就労支援機関に紹介' }).click();
    await expectHeading('就労支援機関への紹介');
    await expectAccessible('the referral form');

    // An "other" body: the employment-agency consent does not cover it.
    await field('機関の種類').selectOption('other');
    await field('紹介先の機関').selectOption({ label: OTHER_AGENCY.name });
    await page.getByRole('radio', { name: '新規就労' }).check();
    await page.getByRole('radio', { name: '4段階中の2段階目： 電話仲介の上、患者を誘導' }).check();
    const panel = page.getByTestId('consent-panel');
    await panel.getByText(/この機関に提供できる有効な同意がありません。/).waitFor();
    await page.getByRole('checkbox', { name: '氏名', exact: true }).check();
    await page.getByRole('button', { name: '紹介を記録する' }).click();
    await page
      .getByRole('heading', { name: /^この対応内容では患者の個人情報を機関に提供します。先に、この機関を範囲に含む本人の同意を記録してください。$/ })
      .waitFor();
    await expectAccessible('the referral form refused for want of consent');

    // Consent can be recorded right there; for an "other" body it must cover all agencies.
    await panel.getByRole('button', { name: '同意を記録', exact: true }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-given_on');
    await panel.getByRole('radio', { name: 'その他の就労等関係機関を含むすべての連携先' }).and(page.locator(':checked')).waitFor();
    await panel.getByRole('button', { name: '同意を記録する' }).click();
    await panel.getByText('同意を記録しました。', { exact: true }).waitFor();
    await panel.getByText(/^この機関に提供できる同意があります：/).waitFor();
    // Focus returns to where it was; the referral itself was not sent.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '同意を記録');
    await expectHeading('就労支援機関への紹介');

    // Hello Work is covered: level 4, with the data handed over.
    await field('機関の種類').selectOption('hello_work');
    await field('紹介先の機関').selectOption({ label: HELLO_WORK.name });
    await page.getByRole('radio', { name: /就労支援機関の相談に同席し、その後もフォローアップ$/ }).check();
    await page.getByText(`この対応内容では、${FOLLOW_UP_DAYS}日後に最初のフォローアップが自動で予定されます。`, { exact: true }).waitFor();
    await panel.getByText(/^この機関に提供できる同意があります：/).waitFor();
    await page.getByRole('checkbox', { name: '連絡先', exact: true }).check();
    await field('渡したもの').fill('就労相談票');
    await page.getByRole('button', { name: '紹介を記録する' }).click();

    await expectHeading(`紹介：${HELLO_WORK.name}`);
    await page.getByText('登録しました。', { exact: true }).waitFor();
    levelFourReferral = new URL(page.url()).pathname.split('/')[2] ?? '';
    assert.match(levelFourReferral, /^[0-9a-f-]{36}$/);
    // The four-step badge: four filled dots, the survey wording, and "level 4 of 4" for screen readers.
    const summary = page.getByRole('region', { name: '紹介の内容' });
    await summary.getByText('●●●●', { exact: true }).waitFor();
    await summary.getByText('4段階中の4段階目：就労支援機関の相談に同席し、その後もフォローアップ').waitFor();
    await summary.getByText(/^氏名、連絡先（/).waitFor();
    const history = page.getByRole('table', { name: '対応内容の履歴' });
    await history.getByRole('cell', { name: /^紹介時/ }).waitFor();
    const followUps = page.getByRole('table', { name: 'フォローアップ', exact: true });
    await followUps.getByRole('row', { name: new RegExp(jaDate(tokyoDate(FOLLOW_UP_DAYS))) }).getByText('予定', { exact: true }).waitFor();
    await expectAccessible('the referral page');
  });

  step('shows the scheduled follow-up in the patient’s timeline', async () => {
    await page.getByRole('region', { name: '紹介の内容' }).getByRole('link', { name: new RegExp(PATIENT_NAME) }).click();
    await expectHeading(PATIENT_NAME);
    const entry = page.locator('li[data-kind="follow_up"]');
    await entry.getByText('予定', { exact: true }).waitFor();
    await entry.getByText(new RegExp(`^${jaDate(tokyoDate(FOLLOW_UP_DAYS))}`)).first().waitFor();
    await page.locator('li[data-kind="referral"]').getByText('●●●●').waitFor();
    await page.locator('li[data-kind="provision"]').getByText('氏名、連絡先', { exact: true }).waitFor();
    await expectAccessible('the patient page with a referral');
  });

  step('lists the follow-up at home and records it done in a few keys', async () => {
    await nav('ホーム');
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    const row = page.getByRole('table', { name: 'フォローアップの予定' }).getByRole('row', { name: new RegExp(PATIENT_NAME) });
    await row.getByText('予定', { exact: true }).waitFor();
    await row.getByText(`あと${FOLLOW_UP_DAYS}日`, { exact: true }).waitFor();
    await expectAccessible('home with a follow-up');

    await row.getByRole('link', { name: /^記録する/ }).click();
    await expectHeading('フォローアップの記録');
    assert.equal(await field('実施日').inputValue(), tokyoDate());
    await expectAccessible('the follow-up form');
    await page.getByRole('radio', { name: '求職中' }).check();
    // Level 4 proposes the next follow-up at the center's interval; this chain ends here.
    assert.equal(await field('次回の予定日').inputValue(), tokyoDate(FOLLOW_UP_DAYS));
    await field('次回の予定日').fill('');
    await page.getByRole('radio', { name: '求職中' }).press('Control+Enter');

    // Saving returns to the case (the referral), not to where the list was.
    await expectHeading(/^紹介：/);
    await page.getByText('保存しました。', { exact: true }).waitFor();
    await nav('ホーム');
    await page.getByText('予定されているフォローアップはありません。', { exact: true }).waitFor();
  });

  step('shows the done follow-up in the queue and the timeline', async () => {
    await nav('フォローアップ');
    await expectHeading('フォローアップ');
    await page.getByText('該当するフォローアップはありません。', { exact: true }).waitFor();
    await field('状態').selectOption('done');
    const row = page.getByRole('row', { name: new RegExp(PATIENT_NAME) });
    await row.getByText('実施済み', { exact: true }).waitFor();
    await expectAccessible('the follow-up queue');
    await row.getByRole('link', { name: PATIENT_NAME }).click();
    await expectHeading(PATIENT_NAME);
    const entry = page.locator('li[data-kind="follow_up"]');
    await entry.getByText('実施済み', { exact: true }).waitFor();
    await entry.getByText('求職中', { exact: true }).waitFor();
  });

  step('raises the level of a referral and closes another with its outcome', async () => {
    // A referral that only gave the patient directions (recorded beside the browser)…
    const patientId = new URL(page.url()).pathname.split('/')[2];
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    const agencies = await apiCall('GET', '/agencies?agency_type=hello_work', consultant);
    await apiCall('POST', '/referrals', consultant, {
      patient_id: patientId,
      agency_id: agencies.items[0].id,
      purpose: 'job_retention',
      level: 'information_only',
    });
    await nav('患者');
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill(PATIENT.family);
    await page.getByRole('link', { name: PATIENT_NAME }).click();
    await expectHeading(PATIENT_NAME);
    await page.locator('li[data-kind="referral"]').filter({ hasText: '●○○○' }).getByRole('link', { name: /^紹介の詳細/ }).click();
    await expectHeading(`紹介：${HELLO_WORK.name}`);

    // …is raised to "accompanied": the data it now passes must be named.
    await page.getByRole('radio', { name: '4段階中の3段階目： 就労支援機関への相談に同席' }).check();
    await page.getByRole('checkbox', { name: '氏名', exact: true }).check();
    await page.getByRole('button', { name: '対応内容を変更する' }).click();
    await page.getByText('対応内容を変更しました。', { exact: true }).waitFor();
    const history = page.getByRole('table', { name: '対応内容の履歴' });
    await history.getByRole('row').filter({ hasText: '●○○○' }).filter({ hasText: '●●●○' }).waitFor();
    await page.getByRole('region', { name: '紹介の内容' }).getByText('●●●○', { exact: true }).waitFor();
    await expectAccessible('the referral page after a level change');

    // The level-4 referral, its follow-up done, is closed with its outcome.
    await page.getByRole('region', { name: '紹介の内容' }).getByRole('link', { name: new RegExp(PATIENT_NAME) }).click();
    await expectHeading(PATIENT_NAME);
    await page.locator('li[data-kind="referral"]').filter({ hasText: '●●●●' }).getByRole('link', { name: /^紹介の詳細/ }).click();
    await expectHeading(`紹介：${HELLO_WORK.name}`);
    await field('結果').selectOption('employed');
    await page.getByRole('button', { name: '終了を記録する' }).click();
    await page.getByText('紹介を終了しました。', { exact: true }).waitFor();
    await page.getByRole('region', { name: '紹介の内容' }).getByText('終了（就職）', { exact: true }).waitFor();
    await page.getByText('この紹介は終了しています。', { exact: true }).waitFor();
  });

  step('speaks English on the case screens too', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Level history' }).waitFor();
    await page
      .getByRole('region', { name: 'Referral' })
      .getByText("Accompanied the patient to the agency's consultation, and followed up afterwards")
      .waitFor();
    await page.getByText('Closed (Employed)', { exact: true }).waitFor();
    await expectAccessible('the referral page in English');
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('heading', { level: 2, name: '対応内容の履歴' }).waitFor();
  });

  step('shows the supervisor the consultant’s recorded follow-up awaiting review in the audit queue', async () => {
    await signOut();
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関', '報告', '監督', '台帳の取込']);
    await nav('監督');
    await expectHeading('要確認リスト');
    // Only the level-4 referral had follow-up work recorded: it alone awaits review. (The
    // level-3 referral may be drawn for the quality sample, so the total is not fixed.)
    const awaiting = queueRows('確認待ち');
    await awaiting.waitFor();
    assert.equal(await awaiting.count(), 1);
    await awaiting.getByRole('link', { name: new RegExp(`^${PATIENT_NAME}`) }).waitFor();
    await awaiting.getByText('●●●●', { exact: true }).waitFor();
    await awaiting.getByText('就労支援機関の相談に同席し、その後もフォローアップ').waitFor();
    const agencyCell = awaiting.getByRole('cell', { name: new RegExp(`^${escapeRegExp(`${HELLO_WORK.name}（${HELLO_WORK_LABEL}）`)}`) });
    await agencyCell.getByText(jaDate(tokyoDate()), { exact: true }).waitFor();
    await awaiting.getByText(CONSULTANT.display_name).waitFor();
    await expectAccessible('the audit queue');

    await awaiting.getByRole('link').click();
    await expectHeading(`紹介：${HELLO_WORK.name}`);
    assert.equal(new URL(page.url()).pathname, `/referrals/${levelFourReferral}`);
    await page.getByRole('region', { name: '紹介の内容' }).getByText('●●●●', { exact: true }).waitFor();
    await page.getByTestId('review-state').getByText('確認待ち', { exact: true }).waitFor();
    // What is under review: the follow-up the consultant recorded.
    const followUps = page.getByRole('table', { name: 'フォローアップ', exact: true });
    await followUps.getByRole('row', { name: new RegExp(jaDate(tokyoDate(FOLLOW_UP_DAYS))) }).getByText('実施済み', { exact: true }).waitFor();
    await page.getByText('まだ確認はしていません。', { exact: true }).waitFor();
    await expectAccessible('the referral page with the review form');
  });

  step('lets the supervisor approve the referral (the consultant recorded its follow-up)', async () => {
    await page.getByRole('radio', { name: '承認', exact: true }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByText('確認結果を記録しました。', { exact: true }).waitFor();
    await page.getByTestId('review-state').getByText('承認済み', { exact: true }).waitFor();
    const history = page.getByRole('table', { name: '確認の履歴' });
    const approved = history.getByRole('row').filter({ hasText: SUPERVISOR.display_name });
    await approved.getByRole('cell', { name: '承認', exact: true }).waitFor();
    assert.equal(await history.getByRole('row').count(), 2, 'a header and the one review');
    await expectAccessible('the approved referral');

    // Approved, it leaves the queue.
    await nav('監督');
    await expectHeading('要確認リスト');
    await page.getByTestId('queue-total').waitFor();
    await queueRows('確認待ち').waitFor({ state: 'detached' });
    // Closed and approved, the level-4 referral has no reason left to be there.
    assert.equal(await page.getByRole('row').filter({ hasText: '●●●●' }).count(), 0);
  });

  step('counts the level-4 referral for Hello Work in this fiscal year’s report', async () => {
    const fy = currentFiscalYear();
    await nav('報告');
    await expectHeading('報告');
    const levels = page.getByTestId('report-referral-levels');
    const table = levels.getByRole('table', { name: '機関の種類・対応内容別の紹介件数' });
    // The screen opens on the last completed year: nothing was referred then.
    assert.equal(await field('年度').inputValue(), String(fy - 1));
    await page.getByTestId('report-period').getByText(`${fy - 1}年4月1日〜${fy}年3月31日`, { exact: false }).waitFor();
    await table.getByRole('rowheader', { name: HELLO_WORK_LABEL, exact: true }).waitFor();
    assert.deepEqual(await rowCells(table, HELLO_WORK_LABEL), ['0（—）', '0（—）', '0（—）', '0（—）', '0', '全くできていない']);

    // This year, still running: today's referrals, at their current levels.
    await field('年度').selectOption(String(fy));
    const chosen = await field('年度').evaluate((el) => {
      const s = /** @type {HTMLSelectElement} */ (el);
      return s.options[s.selectedIndex]?.text ?? '';
    });
    assert.equal(chosen, `${reiwa(fy)}（${fy}年度）・年度途中`);
    await page.getByTestId('report-period').getByText(`${fy}年4月1日〜${fy + 1}年3月31日`, { exact: false }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('fy'), String(fy));
    const helloWork = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: HELLO_WORK_LABEL, exact: true }) });
    await helloWork.getByRole('cell', { name: '1（50.0%）', exact: true }).first().waitFor();
    // Level 4: the referral approved above; level 3: the one raised from level 1. The
    // answer is the lower median of the two.
    assert.deepEqual(await rowCells(table, HELLO_WORK_LABEL), [
      '0（0.0%）',
      '0（0.0%）',
      '1（50.0%）',
      '1（50.0%）',
      '2',
      '3 就労支援機関への相談に同席',
    ]);
    // The referral to the other body was refused for want of consent: it was never made.
    assert.deepEqual(await rowCells(table, 'その他の就労等関係機関'), ['0（—）', '0（—）', '0（—）', '0（—）', '0', '全くできていない']);
    const summary = (await levels.getByTestId('level-chart-summary').getByRole('listitem').allTextContents()).map((s) => s.trim());
    assert.equal(summary[0], `${HELLO_WORK_LABEL}（合計 2）：1 0.0%、2 0.0%、3 50.0%、4 50.0%`);

    // The level-4 referral was for new employment and closed "employed": one patient referred, one employed.
    const outcomes = page.getByTestId('report-employment-outcomes').getByRole('table', { name: '目的・機関の種類別の就職・就労継続' });
    const newEmployment = outcomes
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: HELLO_WORK_LABEL, exact: true }) })
      .filter({ hasText: '新規就労' });
    await newEmployment.getByRole('cell', { name: '100.0%', exact: true }).waitFor();
    assert.deepEqual((await newEmployment.getByRole('cell').allTextContents()).map((s) => s.trim()), ['新規就労', '1', '1', '100.0%']);
    await expectAccessible('the reports for the current fiscal year');
  });

  it('had no uncaught errors or Content-Security-Policy violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

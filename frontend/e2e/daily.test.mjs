// A consultant's daily work end to end, in a real browser against the real server: saved
// records corrected on screen (with the conflict panel when someone saved first), the
// patient page's summary and paged history, the referral's follow-ups in full, a level-4
// follow-up proposing the next date, 和暦 dates, a phone's width without sideways scrolling,
// and small wording. Every page is checked with axe-core.
import assert from 'node:assert/strict';
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
};
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const PATIENT_NAME = '山本 和子';
const AGENCY = 'ハローワーク広島';
/** The center's days to a level-4 referral's next follow-up (not the default 14). */
const FOLLOW_UP_DAYS = 21;
/** Records of the busy patient, whose page must still open at once. */
const BUSY_RECORDS = 500;

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { patient: '', consultation: '', referral: '', followUp: '', consent: '', busy: '' };
const tokens = { consultant: '', supervisor: '' };
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, inAppGo, apiFull, apiCall, token } = harness(
  'daily',
  () => page,
  () => server,
);

/** A day in Asia/Tokyo, YYYY-MM-DD, `offsetDays` from today. */
function tokyoDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** 2025年4月1日, as the screens write a date without its era. @param {string} iso */
function jaDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The patient page's history. */
function history() {
  return page.getByRole('list', { name: '経過' });
}

describe("daily work: corrections, the patient's page, follow-ups, 和暦, a phone's width", () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    const settings = await apiFull('GET', `/centers/${center.id}`, centerAdmin);
    await apiFull('PATCH', `/centers/${center.id}`, centerAdmin, { follow_up_days: FOLLOW_UP_DAYS }, { 'If-Match': settings.etag });
    const helloWork = await apiCall('POST', '/agencies', centerAdmin, { agency_type: 'hello_work', name: AGENCY });
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });
    tokens.consultant = await token(CONSULTANT.login, CONSULTANT.password);
    tokens.supervisor = await token(SUPERVISOR.login, SUPERVISOR.password);
    const consultant = tokens.consultant;

    const patient = await apiCall('POST', '/patients', consultant, {
      family_name: '山本',
      given_name: '和子',
      family_name_kana: 'ヤマモト',
      given_name_kana: 'カズコ',
      birth_date: '1985-04-12',
      program: 'nanbyo',
      employment_status: 'job_seeking',
      support_awareness: 'aware_not_used',
    });
    ids.patient = patient.id;
    ids.consent = (await apiCall('POST', `/patients/${patient.id}/consents`, consultant, { given_on: tokyoDate(-60), scope: 'all_agencies' })).id;
    ids.consultation = (
      await apiCall('POST', '/consultations', consultant, {
        patient_id: patient.id,
        occurred_at: `${tokyoDate(-30)}T10:00:00+09:00`,
        channel: 'phone',
        requester: 'patient',
        topics: ['employment'],
        with_employment_supporter: false,
        summary: '事務職での再就職を希望',
      })
    ).id;
    // A level-4 referral whose first follow-up is recorded as done.
    const referral = await apiCall('POST', '/referrals', consultant, {
      patient_id: patient.id,
      agency_id: helloWork.id,
      purpose: 'new_employment',
      level: 'accompanied_with_follow_up',
      referred_on: tokyoDate(-20),
      shared_items: ['name', 'contact'],
      consultation_id: ids.consultation,
    });
    ids.referral = referral.id;
    const first = (await apiCall('GET', `/referrals/${referral.id}/follow-ups`, consultant)).items[0];
    ids.followUp = first.id;
    const current = await apiFull('GET', `/follow-ups/${first.id}`, consultant);
    await apiFull(
      'PATCH',
      `/follow-ups/${first.id}`,
      consultant,
      { done_on: tokyoDate(-2), method: 'phone', contacted: 'patient', outcome: 'searching', notes: '求人票を2件確認' },
      { 'If-Match': current.etag },
    );

    // A patient with 500 consultations, one a day back from yesterday.
    ids.busy = (
      await apiCall('POST', '/patients', consultant, {
        family_name: '大田',
        given_name: '多恵',
        family_name_kana: 'オオタ',
        given_name_kana: 'タエ',
        birth_date: '1970-11-03',
        program: 'nanbyo',
        employment_status: 'employed',
        support_awareness: 'using',
      })
    ).id;
    for (let batch = 0; batch < BUSY_RECORDS; batch += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          apiCall('POST', '/consultations', consultant, {
            patient_id: ids.busy,
            occurred_at: `${tokyoDate(-(batch + k + 1))}T09:00:00+09:00`,
            channel: 'phone',
            requester: 'patient',
            topics: ['illness'],
            with_employment_supporter: false,
            summary: `定期連絡 ${batch + k + 1}`,
          }),
        ),
      );
    }

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

  step('corrects a consultation after someone else saved it first (conflict panel, reapply); the history shows it', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/patients/${ids.patient}`);
    await expectHeading(PATIENT_NAME);
    await history().locator('li[data-kind="consultation"]').getByRole('link', { name: /^修正/ }).click();
    await expectHeading('相談の修正');
    assert.equal(await field('概要').inputValue(), '事務職での再就職を希望');
    await expectAccessible('correcting a consultation');
    await field('概要').fill('事務職での再就職を希望。通院は月1回');
    // A colleague saves the duration meanwhile.
    const now = await apiFull('GET', `/consultations/${ids.consultation}`, tokens.supervisor);
    await apiFull('PATCH', `/consultations/${ids.consultation}`, tokens.supervisor, { duration_minutes: 45 }, { 'If-Match': now.etag });
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { name: '他の人がこの相談を更新しました' }).waitFor();
    await expectAccessible('the conflict panel on a consultation');
    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    assert.equal(await field('所要時間（分）').inputValue(), '45');
    assert.equal(await field('概要').inputValue(), '事務職での再就職を希望。通院は月1回');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(PATIENT_NAME);
    await page.getByRole('status').getByText('保存しました。').waitFor();
    const entry = history().locator('li[data-kind="consultation"]');
    await entry.getByText('事務職での再就職を希望。通院は月1回').waitFor();
    await entry.getByText('45分').waitFor();
    await entry.getByText(/に修正$/).waitFor();
  });

  step('corrects a done follow-up from the referral and comes back to the referral', async () => {
    await history().getByRole('link', { name: /^紹介の詳細/ }).click();
    await expectHeading(`紹介：${AGENCY}`);
    await page.getByRole('link', { name: /^記録を修正/ }).click();
    await expectHeading('フォローアップの記録の修正');
    await expectAccessible('correcting a follow-up');
    assert.equal(await field('メモ').inputValue(), '求人票を2件確認');
    await field('メモ').fill('求人票を2件確認。来週面接');
    await page.getByRole('radio', { name: '訪問' }).check();
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(`紹介：${AGENCY}`);
    assert.equal(new URL(page.url()).pathname, `/referrals/${ids.referral}`);
    await page.getByRole('status').getByText('保存しました。').waitFor();
  });

  step("corrects the referral's details (conflict panel) and the consent's notes; both show", async () => {
    await page.getByRole('link', { name: '紹介の内容を修正' }).click();
    await expectHeading('紹介の内容の修正');
    await expectAccessible('correcting a referral');
    await field('渡したもの').fill('就労相談票');
    const now = await apiFull('GET', `/referrals/${ids.referral}`, tokens.supervisor);
    await apiFull('PATCH', `/referrals/${ids.referral}`, tokens.supervisor, { notes: '面接に同行予定' }, { 'If-Match': now.etag });
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { name: '他の人がこの紹介を更新しました' }).waitFor();
    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    assert.equal(await field('メモ').inputValue(), '面接に同行予定');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(`紹介：${AGENCY}`);
    await page.getByText('就労相談票', { exact: true }).waitFor();
    await page.getByText('面接に同行予定', { exact: true }).waitFor();

    await inAppGo(`/patients/${ids.patient}`);
    await expectHeading(PATIENT_NAME);
    await page.getByRole('table', { name: '同意の記録' }).getByRole('link', { name: /^修正/ }).click();
    await expectHeading('同意の記録の修正');
    await expectAccessible('correcting a consent');
    await field('メモ').fill('書面で受領（原本は施錠保管）');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(PATIENT_NAME);
    const consent = history().locator('li[data-kind="consent"]');
    await consent.getByText('書面で受領（原本は施錠保管）').waitFor();
    const followUp = history().locator('li[data-kind="follow_up"]').filter({ hasText: '来週面接' });
    await followUp.getByText('求人票を2件確認。来週面接').waitFor();
    await followUp.getByText('訪問').waitFor();
  });

  step("opens the patient's page with a summary on top and the history newest first, filtered by kind and period", async () => {
    // (still on the patient's page)
    const summary = page.getByTestId('patient-summary');
    await summary.getByRole('heading', { name: 'いまの状況' }).waitFor();
    await summary.getByText(`${jaDate(tokyoDate(-60))}（その他の就労等関係機関を含むすべての連携先）`).waitFor();
    await summary.getByText(`${jaDate(tokyoDate(-2))}（フォローアップ）`).waitFor();
    await summary.getByRole('heading', { name: '対応中の紹介（1件）' }).waitFor();
    const open = summary.getByTestId('open-referral');
    await open.getByRole('link', { name: AGENCY }).waitFor();
    await open.getByText('就労支援機関の相談に同席し、その後もフォローアップ').waitFor();
    await open.getByText('次回のフォローアップは予定されていません').waitFor();
    await expectAccessible('the patient page with its summary');
    const kinds = await history().locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.equal(kinds[0], 'follow_up', `newest first: ${kinds.join(', ')}`);
    assert.equal(kinds.at(-1), 'consent');
    await field('種類').selectOption({ label: '相談' });
    assert.deepEqual(await history().locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))), ['consultation']);
    await page.getByTestId('history-count').getByText('1件中1件を表示中（新しい順）').waitFor();
    await field('種類').selectOption({ label: 'すべて' });
    await field('期間（から）').fill(tokyoDate(-25));
    await field('期間（まで）').fill(tokyoDate(-10));
    assert.deepEqual(
      (await history().locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).sort(),
      ['provision', 'referral'],
    );
  });

  step('opens a patient with 500 records at once, 20 at a time', async () => {
    const started = Date.now();
    await inAppGo(`/patients/${ids.busy}`);
    await expectHeading('大田 多恵');
    await history().locator(':scope > li').first().waitFor();
    const took = Date.now() - started;
    assert.equal(await history().locator(':scope > li').count(), 20);
    await page.getByTestId('history-count').getByText(`${BUSY_RECORDS}件中20件を表示中（新しい順）`).waitFor();
    console.log(`the page of a patient with ${BUSY_RECORDS} records opened in ${took} ms`);
    assert.ok(took < 5_000, `took ${took} ms`);
    await history().getByText('定期連絡 1', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'さらに表示' }).click();
    await page.getByTestId('history-count').getByText(`${BUSY_RECORDS}件中40件を表示中（新しい順）`).waitFor();
    assert.equal(await history().locator(':scope > li').count(), 40);
    await expectAccessible('the page of a patient with 500 records');
  });

  step("shows each follow-up's method, contact, outcome and memo on the referral", async () => {
    await inAppGo(`/referrals/${ids.referral}`);
    await expectHeading(`紹介：${AGENCY}`);
    const table = page.getByRole('table', { name: 'フォローアップ' });
    const head = await table.getByRole('columnheader').allTextContents();
    for (const h of ['方法', '連絡した相手', '状況', 'メモ']) assert.ok(head.includes(h), `${h} in ${head.join(', ')}`);
    const row = table.getByRole('row').filter({ hasText: '来週面接' });
    for (const text of ['訪問', '本人', '求職中', '求人票を2件確認。来週面接']) await row.getByText(text, { exact: true }).waitFor();
    await expectAccessible('the referral with its follow-ups in full');
  });

  step('preselects the consultation just recorded as the new referral\'s trigger', async () => {
    await inAppGo(`/patients/${ids.patient}`);
    await expectHeading(PATIENT_NAME);
    await page.getByRole('link', { name: 'この患者の相談を記録' }).click();
    await expectHeading('相談の記録');
    await page.getByRole('checkbox', { name: '就労' }).check();
    await field('概要').fill('面接の準備について');
    await field('概要').press('Control+Enter');
    await expectHeading(PATIENT_NAME);
    await page.getByRole('status').getByText('登録しました。').waitFor();
    const recorded = (await apiCall('GET', `/consultations?patient_id=${ids.patient}`, tokens.consultant)).items.find(
      (/** @type {{ summary: string }} */ c) => c.summary === '面接の準備について',
    );
    assert.ok(recorded, 'the consultation was recorded');
    await page.getByRole('link', { name: '就労支援機関に紹介' }).click();
    await expectHeading('就労支援機関への紹介');
    await page.waitForFunction(
      (id) => /** @type {HTMLSelectElement | null} */ (document.querySelector('#field-consultation_id'))?.value === id,
      recorded.id,
    );
    assert.equal(await field('きっかけとなった相談').inputValue(), recorded.id);
    await page.getByRole('link', { name: 'キャンセル' }).click();
    await expectHeading(PATIENT_NAME);
  });

  step('saving a follow-up from the queue returns to its referral, not to the queue', async () => {
    await apiCall('POST', `/referrals/${ids.referral}/follow-ups`, tokens.consultant, { due_on: tokyoDate(-1) });
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'フォローアップ', exact: true }).click();
    await expectHeading('フォローアップ');
    await page.getByRole('link', { name: /^記録する/ }).first().click();
    await expectHeading('フォローアップの記録');
    await page.getByRole('radio', { name: '求職中' }).check();
    await field('メモ').fill('面接日が決まった');
    // Level 4: the next date is proposed at the center's interval (not left blank).
    assert.equal(await field('次回の予定日').inputValue(), tokyoDate(FOLLOW_UP_DAYS));
    await page.getByText(`センターの設定どおり${FOLLOW_UP_DAYS}日後を提案しています`, { exact: false }).waitFor();
    await expectAccessible('recording a level-4 follow-up');
    await page.getByRole('button', { name: '実施を記録する' }).click();
    await expectHeading(`紹介：${AGENCY}`);
    assert.equal(new URL(page.url()).pathname, `/referrals/${ids.referral}`);
    const table = page.getByRole('table', { name: 'フォローアップ' });
    await table.getByText('面接日が決まった', { exact: true }).waitFor();
    // The chain goes on: the next follow-up is scheduled.
    await table.getByRole('row').filter({ hasText: jaDate(tokyoDate(FOLLOW_UP_DAYS)) }).getByText('予定', { exact: true }).waitFor();
  });

  step('closing the referral with a level-4 follow-up schedules no next one', async () => {
    await page.getByRole('table', { name: 'フォローアップ' }).getByRole('link', { name: /^記録する/ }).click();
    await expectHeading('フォローアップの記録');
    await page.getByRole('radio', { name: '就職' }).check();
    await page.getByRole('checkbox', { name: 'この記録で紹介を終了する' }).check();
    assert.equal(await field('次回の予定日').count(), 0);
    await page.getByRole('button', { name: '実施を記録する' }).click();
    await expectHeading(`紹介：${AGENCY}`);
    await page.getByText('この紹介は終了しています。', { exact: true }).waitFor();
    const referral = await apiCall('GET', `/referrals/${ids.referral}`, tokens.consultant);
    assert.equal(referral.status, 'closed');
    assert.equal(referral.outcome, 'employed');
    const open = (await apiCall('GET', `/referrals/${ids.referral}/follow-ups`, tokens.consultant)).items.filter(
      (/** @type {{ state: string }} */ f) => f.state === 'due' || f.state === 'overdue',
    );
    assert.deepEqual(open, []);
  });

  step('takes dates in 和暦 or 西暦 and shows what it read in both', async () => {
    await inAppGo(`/patients/${ids.busy}`);
    await expectHeading('大田 多恵');
    const from = field('期間（から）');
    const read = page.getByTestId('history_from-read');
    for (const [typed, shown] of [
      ['令和7年4月1日', '令和7年4月1日（2025-04-01）'],
      ['R7.4.1', '令和7年4月1日（2025-04-01）'],
      ['H31.4.30', '平成31年4月30日（2019-04-30）'],
      ['令和元年5月1日', '令和元年5月1日（2019-05-01）'],
      ['2025/4/1', '令和7年4月1日（2025-04-01）'],
      ['2025-04-01', '令和7年4月1日（2025-04-01）'],
    ]) {
      await from.fill(typed);
      await read.getByText(`${shown}として入力されます`, { exact: true }).waitFor();
    }
    await from.fill('令和元年4月30日');
    await read.getByText(/^日付として読み取れません/).waitFor();
    assert.equal(await from.getAttribute('aria-describedby').then((v) => v?.includes('field-history_from-read')), true);
    // A period typed in 和暦 filters: the last ten days before today.
    const [y, m, d] = tokyoDate(-10).split('-').map(Number);
    await from.fill(`R${y - 2018}.${m}.${d}`);
    await page.getByTestId('history-count').getByText('10件中10件を表示中（新しい順）').waitFor();
    await expectAccessible('a date typed in 和暦');
  });

  step('narrows the patient list by filters, orders it by reading and says how many match', async () => {
    // Home counts what is due soon, not only what is overdue, each a link to where it is.
    await inAppGo('/');
    const counts = page.getByRole('list', { name: 'フォローアップの件数' });
    assert.equal(await counts.getByRole('link', { name: /^期限超過 \d+件$/ }).getAttribute('href'), '/follow-ups?state=overdue');
    assert.equal(await counts.getByRole('link', { name: /^今日が期限 \d+件$/ }).getAttribute('href'), '/follow-ups/calendar');
    await counts.getByRole('link', { name: /^7日以内に期限 \d+件$/ }).waitFor();
    await inAppGo('/patients');
    await expectHeading('患者');
    const total = page.getByTestId('patient-total');
    await total.getByText('該当 2 人').waitFor();
    const table = page.getByRole('table', { name: '患者の一覧' });
    const firstName = () => table.getByRole('rowheader').first().textContent();
    // Registration order first (山本 before 大田), then by reading (オオタ before ヤマモト).
    assert.equal(await firstName(), PATIENT_NAME);
    await field('並び順').selectOption({ label: 'フリガナ順（あいうえお順）' });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'kana');
    await table.getByRole('rowheader').first().getByText('大田 多恵').waitFor();
    // Only those looking for work: 山本 alone.
    await field('就労状況').selectOption({ label: '求職中' });
    await total.getByText('該当 1 人').waitFor();
    assert.equal(await firstName(), PATIENT_NAME);
    await expectAccessible('the filtered patient list');
    // …with a referral in progress: nobody (山本's was closed above).
    // A click, then the address: the box shows the filter once the router has moved (an
    // immediate re-check of the box, as `check()` does, can run before that).
    const inProgress = page.getByRole('checkbox', { name: '紹介が進行中の人' });
    await inProgress.click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('open_referral') === 'true');
    // The box follows the address on the render after it; wait for that render, not a
    // snapshot taken right after the address changed (a race on a busy machine).
    await page.getByRole('checkbox', { name: '紹介が進行中の人', checked: true }).waitFor();
    await page.getByText('この条件に当てはまる患者はいません。').waitFor();
    // The question is in the address, so "back" from a patient returns to it.
    const url = new URL(page.url());
    assert.deepEqual(
      [url.searchParams.get('open_referral'), url.searchParams.get('employment_status'), url.searchParams.get('sort')],
      ['true', 'job_seeking', 'kana'],
    );
    await page.getByRole('button', { name: '絞り込みを解除' }).click();
    await total.getByText('該当 2 人').waitFor();
    assert.equal(new URL(page.url()).search, '');
    // The next step starts here: choosing 患者 in the phone's menu, on the patients' page
    // already, must fold the menu all the same.
  });

  step('has no sideways scrolling at 390×844 on the main pages; the header folds behind a menu button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const menuButton = page.getByRole('button', { name: 'メニュー', exact: true });
    await menuButton.waitFor();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).isVisible(), false);
    await menuButton.click();
    const close = page.getByRole('button', { name: 'メニューを閉じる' });
    assert.equal(await close.getAttribute('aria-expanded'), 'true');
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '患者', exact: true }).click();
    await expectHeading('患者');
    // Opening a page folds the menu again.
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).isVisible(), false);
    await expectAccessible('the folded header on a phone');

    /** @param {string} who @param {[string, string | RegExp][]} pages */
    const noSideways = async (who, pages) => {
      for (const [path, heading] of pages) {
        await inAppGo(path);
        await expectHeading(heading);
        await page.waitForLoadState('networkidle');
        const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        // What sticks out, to name in the failure: the outermost elements past the edge.
        const wide =
          scroll <= inner
            ? []
            : await page.evaluate(() =>
                Array.from(document.querySelectorAll('body *'))
                  .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
                  .filter((e) => !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 1))
                  .slice(0, 5)
                  .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${Math.round(e.getBoundingClientRect().right)} px`),
              );
        assert.ok(scroll <= inner, `${who} ${path}: scrollWidth ${scroll} > innerWidth ${inner}: ${wide.join('; ')}`);
      }
    };
    await noSideways('consultant', [
      ['/', `ようこそ、${CONSULTANT.display_name}さん`],
      ['/patients', '患者'],
      [`/patients/${ids.patient}`, PATIENT_NAME],
      [`/referrals/${ids.referral}`, `紹介：${AGENCY}`],
      ['/follow-ups', 'フォローアップ'],
    ]);
    await menuButton.click();
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expectHeading('ログイン');
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await noSideways('supervisor', [
      ['/', `ようこそ、${SUPERVISOR.display_name}さん`],
      ['/supervision', '要確認リスト'],
      ['/reports', '報告'],
      ['/follow-ups/calendar', /予定表/],
      [`/patients/${ids.patient}`, PATIENT_NAME],
    ]);
    await expectAccessible('the patient page on a phone (supervisor)');
    // The review list on a phone: each referral a card, each cell beside its column's name,
    // nothing in the table scrolled out of sight (a six-column table squeezed Japanese text
    // to a character a line here before).
    await inAppGo('/supervision');
    await expectHeading('要確認リスト');
    const firstRow = page.getByTestId('queue-open').first();
    await firstRow.waitFor();
    const card = await page.evaluate(() => {
      const table = document.querySelector('table');
      const scroller = table?.parentElement;
      const row = table?.querySelector('tbody tr');
      const cells = Array.from(row?.querySelectorAll('td') ?? []);
      return {
        scrolls: scroller ? scroller.scrollWidth > scroller.clientWidth : true,
        rowDisplay: row ? getComputedStyle(row).display : '',
        labels: cells.map((c) => c.dataset.label),
        labelShown: cells[0] ? getComputedStyle(cells[0], '::before').content : '',
        titleFirst: (row?.querySelector('th')?.getBoundingClientRect().top ?? Infinity) <= (cells[0]?.getBoundingClientRect().top ?? -Infinity),
      };
    });
    assert.equal(card.scrolls, false, 'the review list scrolls sideways on a phone');
    assert.equal(card.rowDisplay, 'flex', 'a row is not drawn as a card on a phone');
    assert.deepEqual(card.labels, ['理由', '対応内容', '紹介先', '期限超過', '担当']);
    assert.match(card.labelShown, /理由/);
    assert.ok(card.titleFirst, "the patient's name is not the card's title");
    await expectAccessible('the review list on a phone');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expectHeading('ログイン');
  });

  step('says what to choose in a checkbox group, greets the system administrator by role, labels fiscal years in both', async () => {
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/consultations/new?patient=${ids.patient}`);
    await expectHeading('相談の記録');
    await page.getByRole('button', { name: '相談を記録する' }).click();
    await page.getByRole('link', { name: '相談内容：1つ以上選んでください。' }).waitFor();
    await page.locator('#field-topics-error').getByText('1つ以上選んでください。').waitFor();
    assert.equal(await page.getByText('相談内容：入力してください。').count(), 0);
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expectHeading('ログイン');

    // The audit trail's patient filter: a patient it cannot find is said on the field, which
    // takes focus (the list below does not change, so nothing else would tell).
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await inAppGo('/supervision/audit');
    await expectHeading('操作・閲覧の記録');
    await field('患者').fill('該当しない名前');
    await page.getByRole('button', { name: '絞り込む' }).click();
    await page.locator('#field-patient_id-error').getByText('該当する患者が見つかりません。').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'field-patient_id', null, { timeout: 5_000 });
    assert.equal(await field('患者').getAttribute('aria-invalid'), 'true');
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await expectHeading('ログイン');

    await signIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await expectHeading('ようこそ（システム管理者）');
    assert.equal(await page.getByText('System administratorさん').count(), 0);
    await page.getByText(/^令和\d+年度（\d{4}年度）/).first().waitFor();

    // The exports name the fiscal year as the screens do.
    const res = await fetch(`${server.url}/api/v1/reports/referral-levels?fiscal_year=2025`, {
      headers: { Authorization: `Bearer ${await token(SUPERVISOR.login, SUPERVISOR.password)}`, Accept: 'text/csv' },
    });
    const csv = await res.text();
    assert.equal(res.status, 200, csv);
    assert.match(csv, /令和7年度（2025年度）/);
  });

  step('raised no uncaught error or Content-Security-Policy violation', () => {
    assert.deepEqual(pageProblems, []);
  });
});

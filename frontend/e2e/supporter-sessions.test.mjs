// 出張相談 end to end, in a real browser against the real server: a consultant records the
// Hello Work supporter's schedule (2nd and 4th Tuesday), which makes the fiscal year's
// sessions; opens a session in the calendar, books a consenting patient found by name into
// a slot, and records the joint consultation as held (a new job seeker, with its
// consultation record). Every new page is checked with axe-core, the calendar on a phone.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'tottori', name: '鳥取県難病相談支援センター', prefecture_code: '31', operating_type: 'medical_institution' };
const CENTER_ADMIN = { login: 'tottori.admin', display_name: '砂丘 太郎', password: 'Sakyu-dune-camel-pear-2026' };
const CONSULTANT = { login: 'yamane.mio', display_name: '山根 美緒', password: 'Daisen-mountain-snow-48' };
const OFFICE = 'ハローワーク鳥取（テスト）';
const PATIENT = '森 花子';
const SUPERVISOR = { login: 'inaba.rin', display_name: '因幡 凛', password: 'Uradome-coast-pine-2026' };

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, apiFull, apiCall, token } = harness('supporter-sessions', () => page, () => server);

/** A day some days away from today in Tokyo (YYYY-MM-DD). @param {number} days */
function tokyoDay(days = 0) {
  const now = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

/** The fiscal year (April to March) of a YYYY-MM-DD day. @param {string} day */
function fiscalYear(day) {
  const [y, m] = day.split('-').map(Number);
  return m >= 4 ? y : y - 1;
}

// A session made by hand two days ago (10:00-12:00 in 60-minute slots), so that the held
// consultation is in the past whatever the day the test runs on.
const SESSION_DAY = tokyoDay(-2);

describe('出張相談: the schedule makes the sessions; a patient is booked into a slot and seen', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });
    const office = await apiCall('POST', '/agencies', centerAdmin, { agency_type: 'hello_work', name: OFFICE });
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    const p = await apiCall('POST', '/patients', consultant, {
      family_name: '森',
      given_name: '花子',
      family_name_kana: 'モリ',
      given_name_kana: 'ハナコ',
      birth_date: '1980-07-07',
      employment_status: 'job_seeking',
      support_awareness: 'aware_not_used',
      program: 'nanbyo',
    });
    await apiFull('POST', `/patients/${p.id}/consents`, consultant, { given_on: tokyoDay(-90), scope: 'employment_agencies', given_by: 'self' }, { 'Idempotency-Key': 'consent-mori' });
    await apiFull(
      'POST',
      '/supporter-sessions',
      consultant,
      { agency_id: office.id, held_on: SESSION_DAY, start_time: '10:00', end_time: '12:00', slot_minutes: 60, place: '相談室' },
      { 'Idempotency-Key': 'session-by-hand' },
    );

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

  step('records the supporter schedule, which makes the fiscal year sessions', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await nav('センター活動');
    await expectHeading('センター活動');
    await page.getByRole('link', { name: '出張相談（難病患者就職サポーター）' }).click();
    await expectHeading('出張相談（難病患者就職サポーター）');
    await expectAccessible('supporter sessions');
    // No office chosen is said as a choice left unmade, beside the field (an empty id had come
    // back as a malformed value); minutes that are not a number are refused with it, unsent.
    await field('1枠の時間（分）').fill('abc');
    await page.getByRole('button', { name: `登録して${fiscalYear(tokyoDay())}年度の日程を作成する` }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    assert.equal(await page.locator('#field-agency_id-error').textContent(), '＊入力してください。');
    assert.equal(await page.locator('#field-slot_minutes-error').textContent(), '＊半角または全角の数字で入力してください。');
    await page.getByRole('link', { name: 'ハローワーク：入力してください。' }).waitFor();
    await field('1枠の時間（分）').fill('45');
    await field('ハローワーク').selectOption({ label: OFFICE });
    assert.equal(await field('曜日').inputValue(), '2');
    assert.equal(await page.getByRole('checkbox', { name: '第2' }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: '第4' }).isChecked(), true);
    await field('場所').fill('センター相談室');
    await field('就職サポーター').fill('就職サポーター 田中');
    // No week ticked: the server's refusal shows under the weeks, and the summary's link lands
    // on the first of them (the checkboxes had no error of their own and no link target).
    await page.getByRole('checkbox', { name: '第2' }).uncheck();
    await page.getByRole('checkbox', { name: '第4' }).uncheck();
    await page.getByRole('button', { name: `登録して${fiscalYear(tokyoDay())}年度の日程を作成する` }).click();
    await page.getByRole('link', { name: /^第何週：/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-weeks');
    assert.match((await page.locator('#field-weeks-error').textContent()) ?? '', /^＊/);
    await page.getByRole('checkbox', { name: '第2' }).check();
    await page.getByRole('checkbox', { name: '第4' }).check();
    await page.getByRole('button', { name: `登録して${fiscalYear(tokyoDay())}年度の日程を作成する` }).click();
    await page.getByRole('status').getByText(/定期日程を登録し、\d+件の出張相談を作成しました。/).waitFor();
  });

  step('opens a session from the calendar, on a phone, with the keyboard', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    if (SESSION_DAY.slice(0, 7) !== tokyoDay().slice(0, 7)) {
      await page.getByRole('button', { name: '前の月' }).click();
    }
    const [y, m] = SESSION_DAY.split('-').map(Number);
    await page.getByRole('heading', { name: `${y}年${m}月` }).waitFor();
    const link = page.getByTestId('session-link').filter({ hasText: '10:00–12:00' });
    await link.waitFor();
    await expectAccessible('the calendar on a phone');
    await link.focus();
    await page.keyboard.press('Enter');
    await expectHeading(/^出張相談 /);
    await page.getByText('空き').first().waitFor();
    await expectAccessible('a session (no booking)');
  });

  step('books a consenting patient, found by name, into a slot', async () => {
    await field('予約する枠').selectOption('10:00');
    await field('患者を氏名で検索').fill('モリ');
    await page.getByRole('button', { name: new RegExp(`この枠に予約.*${PATIENT}`) }).click();
    await page.getByRole('status').getByText(`${PATIENT}さんを10:00の枠に予約しました。`).waitFor();
    const slot = page.getByTestId('slot').filter({ hasText: '10:00–11:00' });
    await slot.getByRole('link', { name: PATIENT }).waitFor();
    await slot.getByText('（予約）').waitFor();
    await expectAccessible('a session (one booking)');
  });

  step('records the joint consultation as held, with a new job seeker and its consultation record', async () => {
    const form = page.getByRole('form', { name: `${PATIENT}さんの相談結果` });
    await form.getByLabel('予約の状況').selectOption('held');
    await form.getByLabel('新規求職者（求職登録）').selectOption('yes');
    assert.equal(await form.getByRole('checkbox', { name: /相談記録を作成する/ }).isChecked(), true);
    await form.getByRole('button', { name: `${PATIENT}さんの結果を保存` }).click();
    await page.getByRole('status').getByText(`${PATIENT}さんの結果を保存しました。`).waitFor();
    const slot = page.getByTestId('slot').filter({ hasText: '10:00–11:00' });
    await slot.getByText('（実施）').waitFor();
    await slot.getByRole('link', { name: '相談記録を開く' }).waitFor();
    assert.equal(await slot.getByLabel('新規求職者（求職登録）').inputValue(), 'yes');
    await page.getByText('実施', { exact: true }).first().waitFor();
    await expectAccessible('a session (held)');
  });

  step('shows the supervisor the figures: one session held, one person seen, one new job seeker', async () => {
    // Back to a desktop window, where the menu shows its items.
    await page.setViewportSize({ width: 1280, height: 800 });
    await signOut();
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await nav('報告');
    await expectHeading('報告');
    await page.getByRole('link', { name: '出張相談の実績を見る' }).click();
    await expectHeading('出張相談の実績');
    if (fiscalYear(SESSION_DAY) !== fiscalYear(tokyoDay())) {
      await field('年度').selectOption(String(fiscalYear(SESSION_DAY)));
    }
    const month = Number(SESSION_DAY.split('-')[1]);
    const row = page.getByRole('table', { name: '月別' }).getByRole('row', { name: new RegExp(`^${month}月 `) });
    assert.deepEqual(await row.getByRole('cell').allInnerTexts(), ['1', '1', '1', '1', '0']);
    await page.getByRole('table', { name: 'ハローワーク別' }).getByRole('row', { name: new RegExp(OFFICE) }).waitFor();
    await expectAccessible('the supporter sessions report');
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

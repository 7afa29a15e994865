// Correcting the center's other work on screen, in a real browser against the real server:
// a consultant corrects an event's headcount; corrects an outreach quantity after a
// colleague saved the same record first (the conflict panel, reapplying the input onto
// the current record); corrects a training's hours; changes a 出張相談 session's place and
// cancels it after a confirmation, seeing it marked cancelled; changes and ends the recurring
// schedule a session came from. Every new page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'shimane', name: '島根県難病相談支援センター', prefecture_code: '32', operating_type: 'municipality' };
const CENTER_ADMIN = { login: 'shimane.admin', display_name: '松江 太郎', password: 'Matsue-castle-lake-shinji-2026' };
const CONSULTANT = { login: 'izumo.saki', display_name: '出雲 咲', password: 'Izumo-taisha-rope-shrine-19' };
const SUPERVISOR = { login: 'oki.jun', display_name: '隠岐 純', password: 'Oki-islands-ferry-wave-63' };
const OFFICE = 'ハローワーク松江（テスト）';
const CAFE = '難病カフェ 春の交流会';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);
const ids = { outreach: '', session: '', scheduled: '' };
let supervisorToken = '';

const { step, field, expectAccessible, expectHeading, signIn, inAppGo, apiFull, apiCall, token } = harness('activity-edits', () => page, () => server);

/** A day some days away from today in Tokyo (YYYY-MM-DD). @param {number} days */
function tokyoDay(days = 0) {
  const now = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

describe('センター活動の修正: an event, an outreach activity after a colleague saved it, a cancelled 出張相談', () => {
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
    supervisorToken = await token(SUPERVISOR.login, SUPERVISOR.password);
    const today = tokyoDay();
    const outreach = await apiFull(
      'POST',
      '/outreach-activities',
      consultant,
      { kind: 'leaflet_at_application', target: '県内の保健所', held_on: today, quantity: 300, unit: '枚', facility_count: 12 },
      { 'Idempotency-Key': 'outreach-leaflets' },
    );
    ids.outreach = outreach.body.id;
    await apiFull(
      'POST',
      '/events',
      consultant,
      { kind: 'cafe', title: CAFE, held_on: today, place: '松江市民会館', patients_count: 6, families_count: 2, professionals_count: 0 },
      { 'Idempotency-Key': 'event-cafe' },
    );
    const session = await apiFull(
      'POST',
      '/supporter-sessions',
      consultant,
      { agency_id: office.id, held_on: tokyoDay(7), start_time: '13:00', end_time: '15:00', slot_minutes: 60, place: '相談室' },
      { 'Idempotency-Key': 'session-by-hand' },
    );
    ids.session = session.body.id;
    await apiFull(
      'POST',
      '/trainings',
      consultant,
      { participation: 'attended', course: 'other', title: '難病相談支援員研修', held_on: today, hours: 3 },
      { 'Idempotency-Key': 'training-own' },
    );
    // A schedule of every week's Friday, and its sessions of the next 60 days.
    const schedule = await apiFull(
      'POST',
      '/supporter-schedules',
      consultant,
      { agency_id: office.id, weekday: 5, weeks: [1, 2, 3, 4, 5], start_time: '10:00', end_time: '12:00', slot_minutes: 60, place: '第1相談室', supporter_name: '就職サポーター 山本' },
      { 'Idempotency-Key': 'schedule-fridays' },
    );
    const made = await apiFull('POST', `/supporter-schedules/${schedule.body.id}/sessions`, consultant, { from: tokyoDay(1), to: tokyoDay(60) }, { 'Idempotency-Key': 'schedule-fridays-sessions' });
    ids.scheduled = made.body.items[0].id;

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

  step("corrects an event's headcount from the list and comes back to it", async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo('/activities/events');
    await expectHeading('イベント・集団活動');
    await page.getByTestId('event-edit').click();
    await expectHeading('イベント・集団活動の修正');
    assert.equal(await field('名称').inputValue(), CAFE);
    assert.equal(await field('患者の人数').inputValue(), '6');
    await expectAccessible('correcting an event');
    // Letters are refused on the field before sending (they had been saved as 0 without a word).
    await field('患者の人数').fill('abc');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-labelledby')), 'error-summary-title');
    assert.equal(await page.locator('#field-patients_count-error').textContent(), '＊半角または全角の数字で入力してください。');
    await expectHeading('イベント・集団活動の修正');
    await field('患者の人数').fill('8');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading('イベント・集団活動');
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByRole('table', { name: 'イベント・集団活動' }).getByRole('cell', { name: '患者8人・家族2人・関係者0人' }).waitFor();
    await expectAccessible('events after a correction');
  });

  step('corrects an outreach quantity after a colleague saved it first (conflict panel, reapply)', async () => {
    await inAppGo('/activities/outreach');
    await expectHeading('周知活動');
    await page.getByTestId('outreach-edit').click();
    await expectHeading('周知活動の修正');
    assert.equal(await field('数量').inputValue(), '300');
    await field('数量').fill('350');
    // A colleague corrects the target meanwhile.
    const now = await apiFull('GET', `/outreach-activities/${ids.outreach}`, supervisorToken);
    await apiFull('PATCH', `/outreach-activities/${ids.outreach}`, supervisorToken, { target: '県内の指定医療機関' }, { 'If-Match': now.etag });
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { name: '他の人がこの周知活動を更新しました' }).waitFor();
    await expectAccessible('the conflict panel on an outreach activity');
    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    assert.equal(await field('対象').inputValue(), '県内の指定医療機関');
    assert.equal(await field('数量').inputValue(), '350');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading('周知活動');
    await page.getByRole('status').getByText('保存しました。').waitFor();
    const table = page.getByRole('table', { name: '周知活動' });
    await table.getByRole('cell', { name: '350枚 / 12施設' }).waitFor();
    await table.getByRole('cell', { name: '県内の指定医療機関' }).waitFor();
  });

  step('corrects the hours of a training of their own', async () => {
    await inAppGo('/activities/trainings');
    await expectHeading('研修');
    await page.getByTestId('training-edit').click();
    await expectHeading('研修の修正');
    assert.equal(await field('時間数').inputValue(), '3');
    await expectAccessible('correcting a training');
    await field('時間数').fill('3.5');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading('研修');
    await page.getByRole('status').getByText('保存しました。').waitFor();
    await page.getByRole('table', { name: '研修' }).getByRole('cell', { name: '3.5時間' }).waitFor();
  });

  step("changes a session's place, then cancels it after confirming, and sees it marked cancelled", async () => {
    await inAppGo(`/activities/supporter-sessions/${ids.session}`);
    await expectHeading(/^出張相談 /);
    await page.getByRole('button', { name: '出張相談の内容を変更' }).click();
    assert.equal(await field('場所').inputValue(), '相談室');
    await field('場所').fill('第2相談室');
    await field('就職サポーター').fill('就職サポーター 佐々木');
    await expectAccessible('changing a session');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByTestId('session-message').getByText('出張相談の内容を保存しました。').waitFor();
    await page.getByRole('definition').filter({ hasText: /^第2相談室$/ }).waitFor();
    await page.getByRole('definition').filter({ hasText: /^就職サポーター 佐々木$/ }).waitFor();
    await page.getByRole('button', { name: 'この出張相談を中止する' }).click();
    await page.getByRole('heading', { name: 'この出張相談を中止しますか？' }).waitFor();
    await expectAccessible('confirming a cancellation');
    // A colleague saves a note on the session meanwhile: the cancellation is refused (412), the page shows the current session.
    const now = await apiFull('GET', `/supporter-sessions/${ids.session}`, supervisorToken);
    await apiFull('PATCH', `/supporter-sessions/${ids.session}`, supervisorToken, { notes: '会議室を予約済み' }, { 'If-Match': now.etag });
    await page.getByRole('button', { name: '中止する', exact: true }).click();
    await page.getByTestId('session-message').getByText('ほかの人が先に更新しました。最新の内容を確認してください。').waitFor();
    await page.getByRole('button', { name: 'この出張相談を中止する' }).click();
    await page.getByRole('button', { name: '中止する', exact: true }).click();
    await page.getByTestId('session-message').getByText('出張相談を中止しました。').waitFor();
    await page.getByRole('definition').filter({ hasText: /^中止$/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'この出張相談を中止する' }).count(), 0);
    await expectAccessible('a cancelled session');
  });

  step('changes the recurring schedule a session came from, then ends it after confirming', async () => {
    await inAppGo(`/activities/supporter-sessions/${ids.scheduled}`);
    await expectHeading(/^出張相談 /);
    const schedule = page.getByTestId('schedule');
    await schedule.getByText(/毎月 第1・2・3・4・5週の金 10:00–12:00/).waitFor();
    await schedule.getByRole('button', { name: '定期の日程を変更' }).click();
    assert.equal(await field('場所').inputValue(), '第1相談室');
    // Minutes that are not a number: the summary's link lands on the field (whose id carries the form's prefix).
    await field('1枠の時間（分）').fill('abc');
    await schedule.getByRole('button', { name: '保存する' }).click();
    await schedule.getByRole('link', { name: '1枠の時間（分）：半角または全角の数字で入力してください。' }).click();
    assert.equal(await field('1枠の時間（分）').evaluate((el) => el === document.activeElement), true);
    await field('1枠の時間（分）').fill('60');
    await field('場所').fill('センター2階 面談室');
    await expectAccessible('changing a schedule');
    await schedule.getByRole('button', { name: '保存する' }).click();
    await page.getByTestId('session-message').getByText('定期の日程を保存しました。').waitFor();
    await schedule.getByText(/（センター2階 面談室）/).waitFor();
    await schedule.getByRole('button', { name: 'この定期の日程を終了する' }).click();
    await page.getByRole('heading', { name: 'この定期の日程を終了しますか？' }).waitFor();
    await expectAccessible('confirming the end of a schedule');
    await page.getByRole('button', { name: '終了する', exact: true }).click();
    await page.getByTestId('session-message').getByText('定期の日程を終了しました。').waitFor();
    await schedule.getByText('この定期の日程は終了しています。').waitFor();
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

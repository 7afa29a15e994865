// The center's other work end to end, in a real browser against the real server: a
// consultant records an outreach activity (300 leaflets to 12 facilities), registers a
// patient who heard of the center from such a leaflet, records a 難病カフェ and names a
// consenting patient at it; the supervisor sees the outreach effect with its chart. Every
// new page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'okayama', name: '岡山県難病相談支援センター', prefecture_code: '33', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'okayama.admin', display_name: '岡田 太郎', password: 'Momotaro-peach-castle-2026' };
const CONSULTANT = { login: 'kimura.aoi', display_name: '木村 葵', password: 'Kurashiki-canal-willow-31' };
const SUPERVISOR = { login: 'hayashi.ken', display_name: '林 健', password: 'Korakuen-garden-crane-77' };
const CONSENTED = '森 花子';
const NEW_PATIENT = '石井 一郎';
const CAFE = '難病カフェ 交流会';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiFull, apiCall, token, expectNumberRefused } = harness(
  'activities',
  () => page,
  () => server,
);

/** Today in Tokyo, and a day some days away from it (YYYY-MM-DD). @param {number} days */
function tokyoDay(days = 0) {
  const now = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

describe('センター活動: outreach, a patient who heard of the center, an event with an attendee, the outreach effect', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    const p = await apiCall('POST', '/patients', consultant, {
      family_name: '森',
      given_name: '花子',
      family_name_kana: 'モリ',
      given_name_kana: 'ハナコ',
      birth_date: '1978-05-05',
      employment_status: 'employed',
      support_awareness: 'aware_not_used',
      program: 'nanbyo',
    });
    await apiFull('POST', `/patients/${p.id}/consents`, consultant, { given_on: tokyoDay(-30), scope: 'employment_agencies', given_by: 'self' }, { 'Idempotency-Key': 'consent-mori' });

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

  step('records an outreach activity: 300 leaflets to 12 facilities', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関']);
    await nav('センター活動');
    await expectHeading('センター活動');
    await expectAccessible('activities');
    await page.getByRole('link', { name: '周知活動' }).click();
    await expectHeading('周知活動');
    await page.getByText('この年度の周知活動はありません。').waitFor();
    await expectAccessible('outreach (empty)');
    await field('周知の種類').selectOption({ label: '申請時のリーフレット' });
    await field('対象').fill('県内の保健所');
    // A unit without its quantity: the server's rule comes back in Japanese, on the field,
    // never as its English text (which names API fields).
    await field('単位').fill('枚');
    await page.getByRole('button', { name: '周知活動を記録する' }).click();
    const unitError = page.locator('#field-unit-error');
    await unitError.waitFor();
    assert.equal(await unitError.textContent(), '＊単位を入力するときは数量も入力してください。');
    assert.equal(await field('単位').getAttribute('aria-invalid'), 'true');
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /quantity/);
    // Letters in a number are refused beside the field and in the summary, and nothing is sent.
    await expectNumberRefused({ label: '数量', name: 'quantity', submit: '周知活動を記録する', path: '/outreach-activities' });
    await field('数量').fill('300');
    await field('単位').fill('枚');
    await field('施設数').fill('12');
    await page.getByRole('button', { name: '周知活動を記録する' }).click();
    await page.getByRole('status').getByText('周知活動を記録しました。').waitFor();
    const table = page.getByRole('table', { name: '周知活動' });
    await table.getByRole('cell', { name: '300枚 / 12施設' }).waitFor();
    await table.getByRole('cell', { name: '申請時のリーフレット', exact: true }).waitFor();
    await expectAccessible('outreach (one recorded)');
  });

  step('registers a patient who heard of the center from a leaflet', async () => {
    await inAppGo('/patients/new');
    await expectHeading('患者の登録');
    // On a phone, a reading typed as one long word (read back as 登録されるフリガナ under
    // the fieldset) wraps inside the form instead of widening it past the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await field('セイ').fill('a'.repeat(300));
    await page.getByTestId('kana-preview').waitFor();
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    assert.ok(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner} with a long reading`);
    await page.setViewportSize({ width: 1280, height: 720 });
    await field('姓').fill('石井');
    await field('名').fill('一郎');
    await field('セイ').fill('イシイ');
    await field('メイ').fill('イチロウ');
    await field('生年月日').fill('1982-10-10');
    await field('就労状況').selectOption('job_seeking');
    await page.getByRole('radio', { name: '知らない', exact: true }).check();
    await field('センターを知ったきっかけ').selectOption({ label: '申請時のリーフレット' });
    await expectAccessible('the patient form (with how they heard of the center)');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading(NEW_PATIENT);
    await page.getByText('登録しました。', { exact: true }).waitFor();
    await page.getByText('申請時のリーフレット', { exact: true }).waitFor();
  });

  step('records a 難病カフェ and names a consenting patient at it', async () => {
    await inAppGo('/activities/events');
    await expectHeading('イベント・集団活動');
    await expectAccessible('events (empty)');
    await field('イベントの種類').selectOption({ label: '難病カフェ' });
    await field('名称').fill(CAFE);
    await field('会場').fill('岡山市民会館');
    // Letters in a headcount are refused beside the field and in the summary, which takes the
    // focus, and nothing is sent (they had gone as 0 without a word).
    await field('患者の人数').fill('abc');
    await page.getByRole('button', { name: 'イベントを記録する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-labelledby')), 'event-errors-title');
    await page.getByRole('link', { name: '患者の人数：半角または全角の数字で入力してください。' }).waitFor();
    assert.equal(await page.locator('#field-patients_count-error').textContent(), '＊半角または全角の数字で入力してください。');
    assert.equal(await field('患者の人数').getAttribute('aria-invalid'), 'true');
    assert.equal(new URL(page.url()).pathname, '/activities/events');
    await expectAccessible('events (a headcount that is not a number)');
    // Typed with a Japanese input method (full-width digits): read as 6, not dropped as 0.
    await field('患者の人数').fill('６');
    await field('家族の人数').fill('2');
    await field('配布資料').fill('就労支援ガイド\n医療費助成のしおり');
    await field('シリーズ').fill('難病カフェ');
    await page.getByRole('button', { name: 'イベントを記録する' }).click();
    await expectHeading(CAFE);
    await page.getByText('患者6人・家族2人・関係者0人').waitFor();
    await page.getByText('氏名で記録した参加者はいません。').waitFor();
    await expectAccessible('event (no attendee)');
    await field('参加者を氏名で検索').fill('モリ');
    await page.getByRole('button', { name: new RegExp(`参加者に追加.*${CONSENTED}`) }).click();
    await page.getByRole('status').getByText(`${CONSENTED}さんを参加者に追加しました。`).waitFor();
    await page.getByRole('table', { name: '参加した患者（同意のある方）' }).getByRole('link', { name: CONSENTED }).waitFor();
    await expectAccessible('event (one attendee)');
    // A patient without a consent in force is refused: the refusal is announced (an alert),
    // not only drawn where a screen reader user would not look.
    await field('参加者を氏名で検索').fill('イシイ');
    await page.getByRole('button', { name: new RegExp(`参加者に追加.*${NEW_PATIENT}`) }).click();
    await page.getByRole('alert').filter({ hasText: 'この方には、開催日に有効な同意がありません。' }).waitFor({ timeout: 5_000 });
    await expectAccessible('event (an attendee refused)');
    // The event is on the patient's timeline.
    await page.getByRole('link', { name: CONSENTED }).click();
    await expectHeading(CONSENTED);
    await page.getByText('イベントへの参加').first().waitFor();
    await page.getByRole('link', { name: CAFE }).waitFor();

    // A title with nowhere to break (an address, a code) still fits a phone as the page's heading.
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    const longTitle = `https://www.example.lg.jp/${'nanbyo_cafe_'.repeat(6)}`;
    const { body: ev } = await apiFull('POST', '/events', consultant, { kind: 'cafe', title: longTitle, held_on: tokyoDay(-1), online: false, staff_ids: [], materials: [] }, { 'Idempotency-Key': 'long-title-event' });
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await inAppGo(`/activities/events/${ev.id}`);
      await expectHeading(longTitle);
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      assert.ok(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner} with a long event title`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  step('shows the supervisor the outreach effect with its chart', async () => {
    await signOut();
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await nav('報告');
    await expectHeading('報告');
    await page.getByRole('link', { name: '周知の効果を見る' }).click();
    await expectHeading('周知の効果');
    const report = page.getByTestId('outreach-report');
    await report.getByTestId('month-chart').waitFor();
    await report.getByTestId('outreach-sources-table').getByRole('row', { name: /申請時のリーフレット/ }).waitFor();
    const effect = report.getByTestId('outreach-effects-table').getByRole('row', { name: /申請時のリーフレット/ });
    await effect.getByRole('cell', { name: '+1' }).waitFor();
    await expectAccessible('outreach effect');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('downloads-outreach').getByRole('button', { name: /CSVをダウンロード/ }).click(),
    ]);
    assert.match(file.suggestedFilename(), /\.csv$/);
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

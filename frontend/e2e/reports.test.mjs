// The Reports screen end to end, in a real browser against the real server: a supervisor
// opens the last completed fiscal year (the default, decided in Tokyo time though the
// browser sits in New York), reads the referral-level figure and its table, downloads the
// CSV, the Excel file and the annual workbook, narrows the period to dates; the system
// administrator sees every center (全くできていない included) and one prefecture. Referrals
// and consultations are recorded through the API with dates inside (and just outside) the
// fiscal year. Every state of the page is checked with axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const HIROSHIMA = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture_code: '34', operating_type: 'patient_organization' };
const OKAYAMA = { code: 'okayama', name: '岡山県難病相談支援センター', prefecture_code: '33', operating_type: 'medical_institution' };
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const OKAYAMA_ADMIN = { login: 'okayama.admin', display_name: '岡田 次郎', password: 'Kibi-dango-peach-castle-9' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };

const HELLO_WORK_LABEL = 'ハローワーク（公共職業安定所）';
const ELSC_LABEL = '障害者就業・生活支援センター';
const LEVEL_1 = '相談先として患者に案内のみ';

/** Today in Asia/Tokyo, YYYY-MM-DD, as the server counts it. */
function tokyoToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

/** The last completed fiscal year in Tokyo: the one the screen opens on, and the one with our data. */
const FY = (() => {
  const [y, m] = tokyoToday().split('-').map(Number);
  return (Number(m) >= 4 ? Number(y) : Number(y) - 1) - 1;
})();

/** @param {number} year */
function reiwa(year) {
  const n = year - 2018;
  return `令和${n === 1 ? '元' : n}年度`;
}

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** Uncaught errors and Content-Security-Policy violations seen in the page. */
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiCall, token } = harness(
  'reports',
  () => page,
  () => server,
);

/** The section of one report. @param {string} name e.g. 'referral-levels' */
function report(name) {
  return page.getByTestId(`report-${name}`);
}

/**
 * The cells of a table row, found by its row header.
 * @param {import('playwright-core').Locator} table @param {string} header
 */
async function rowCells(table, header) {
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: header, exact: true }) });
  return (await row.getByRole('cell').allTextContents()).map((s) => s.trim());
}

/**
 * Clicks a download button and returns the file the browser saved, with its name.
 * @param {import('playwright-core').Locator} button
 */
async function download(button) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: await readFile(path) };
}

/**
 * How many pixels of each colour the chart's canvas holds (exact matches, so anti-aliased
 * edges do not count): proof that the figure was drawn with the series we expect.
 * @param {string[]} colours  #rrggbb
 */
async function chartPixels(colours) {
  return page.getByTestId('level-chart').evaluate((canvas, hexes) => {
    const c = /** @type {HTMLCanvasElement} */ (canvas);
    const ctx = c.getContext('2d');
    if (!ctx) return hexes.map(() => 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const wanted = hexes.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = hexes.map(() => 0);
    for (let p = 0; p < data.length; p += 4) {
      wanted.forEach(([r, g, b], k) => {
        if (data[p] === r && data[p + 1] === g && data[p + 2] === b && data[p + 3] === 255) counts[k] = (counts[k] ?? 0) + 1;
      });
    }
    return counts;
  }, colours);
}

const BLUE_200 = '#c5d7fb'; // level 1
const BLUE_400 = '#7096f8'; // level 2
const BLUE_700 = '#264af4'; // level 3
const BLUE_1000 = '#00118f'; // level 4
const GRAY_200 = '#cccccc'; // 全くできていない

describe('reports: the ministry figures for a fiscal year', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const hiroshima = await apiCall('POST', '/centers', admin, HIROSHIMA);
    const okayama = await apiCall('POST', '/centers', admin, OKAYAMA);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: hiroshima.id });
    await createStaff(server.url, admin, { ...OKAYAMA_ADMIN, role: 'center_admin', center_id: okayama.id });
    // Hiroshima requires two factors of its administrator (and supervisor) by default: the
    // administrator enrols through the API and lets the staff of this test sign in with a
    // password (two-factor screens are covered in admin-flow and case-flow).
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, hiroshima.id);
    const helloWork = await apiCall('POST', '/agencies', centerAdmin, { agency_type: 'hello_work', name: 'ハローワーク広島' });
    const elsc = await apiCall('POST', '/agencies', centerAdmin, {
      agency_type: 'employment_life_support_center',
      name: '広島障害者就業・生活支援センター',
    });
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });

    // The case: a patient, consent given before the fiscal year, referrals inside it (and
    // one on the last day of the year before, which must not count).
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
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
    await apiCall('POST', `/patients/${patient.id}/consents`, consultant, { given_on: `${FY}-03-01`, scope: 'all_agencies' });
    /** @param {string} agencyId @param {string} level @param {string} purpose @param {string} on */
    const refer = (agencyId, level, purpose, on) =>
      apiCall('POST', '/referrals', consultant, {
        patient_id: patient.id,
        agency_id: agencyId,
        purpose,
        level,
        referred_on: on,
        ...(level === 'information_only' ? {} : { shared_items: ['name', 'contact'] }),
      });
    await refer(helloWork.id, 'information_only', 'new_employment', `${FY}-06-10`);
    await refer(helloWork.id, 'information_only', 'new_employment', `${FY}-09-10`);
    await refer(helloWork.id, 'phone_mediation', 'job_retention', `${FY}-10-01`);
    await refer(elsc.id, 'accompanied', 'new_employment', `${FY + 1}-03-31`);
    await refer(helloWork.id, 'accompanied_with_follow_up', 'new_employment', `${FY}-03-31`);

    // Consultations in May and July, one anonymous and joint with the 就職サポーター.
    await apiCall('POST', '/consultations', consultant, {
      patient_id: patient.id,
      occurred_at: `${FY}-05-15T01:00:00Z`,
      channel: 'phone',
      requester: 'patient',
      topics: ['employment', 'illness'],
    });
    await apiCall('POST', '/consultations', consultant, {
      patient_id: null,
      occurred_at: `${FY}-07-01T02:00:00Z`,
      channel: 'outreach',
      requester: 'family',
      topics: ['employment'],
      with_employment_supporter: true,
    });

    browser = await launchBrowser();
    // A browser far from Japan: the default fiscal year must still be decided in Tokyo.
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'America/New_York', acceptDownloads: true });
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

  step('keeps reports away from consultants', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関']);
    // Typed-in address, without reloading (a reload would sign out: tokens live in memory).
    await inAppGo('/reports');
    await expectHeading('このページを表示する権限がありません');
    await nav('ホーム');
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await signOut();
  });

  step('opens the last completed fiscal year for a supervisor', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関', '報告', '監督', '台帳の取込']);
    await nav('報告');
    await expectHeading('報告');
    assert.equal(await field('年度').inputValue(), String(FY));
    const chosen = await field('年度').evaluate((el) => {
      const s = /** @type {HTMLSelectElement} */ (el);
      return s.options[s.selectedIndex]?.text ?? '';
    });
    assert.equal(chosen, `${reiwa(FY)}（${FY}年度）`);
    await page.getByTestId('report-period').getByText(`${FY}年4月1日〜${FY + 1}年3月31日`, { exact: false }).waitFor();
  });

  step('draws the referral levels per agency type and gives the same figures as a table', async () => {
    const section = report('referral-levels');
    const chart = section.getByRole('img', { name: '就労支援機関への紹介状況のグラフ（機関の種類ごとの割合）' });
    await chart.waitFor();
    // The legend is the survey's wording.
    assert.deepEqual(
      (await section.getByTestId('level-legend').getByRole('listitem').allTextContents()).map((s) => s.trim()),
      [
        `1 ${LEVEL_1}`,
        '2 電話仲介の上、患者を誘導',
        '3 就労支援機関への相談に同席',
        '4 就労支援機関の相談に同席し、その後もフォローアップ',
      ],
    );
    // The chart's description says its figures in words…
    const summary = (await section.getByTestId('level-chart-summary').getByRole('listitem').allTextContents()).map((s) => s.trim());
    assert.deepEqual(summary, [
      `${HELLO_WORK_LABEL}（合計 3）：1 66.7%、2 33.3%、3 0.0%、4 0.0%`,
      `${ELSC_LABEL}（合計 1）：1 0.0%、2 0.0%、3 100.0%、4 0.0%`,
      '地域障害者職業センター（合計 0）：1 —、2 —、3 —、4 —',
      'その他の就労等関係機関（合計 0）：1 —、2 —、3 —、4 —',
    ]);
    // …and the canvas was painted with levels 1, 2 and 3, not 4 (the level-4 referral was in the year before).
    const [l1, l2, l3, l4] = await chartPixels([BLUE_200, BLUE_400, BLUE_700, BLUE_1000]);
    assert.ok((l1 ?? 0) > 100 && (l2 ?? 0) > 50 && (l3 ?? 0) > 100, `chart pixels: ${[l1, l2, l3, l4].join(', ')}`);
    assert.equal(l4, 0);
    assert.ok((l1 ?? 0) > (l2 ?? 0), 'level 1 (2 of 3) takes more of the bar than level 2 (1 of 3)');

    const table = section.getByRole('table', { name: '機関の種類・対応内容別の紹介件数' });
    assert.deepEqual(await rowCells(table, HELLO_WORK_LABEL), ['2（66.7%）', '1（33.3%）', '0（0.0%）', '0（0.0%）', '3', `1 ${LEVEL_1}`]);
    assert.deepEqual(await rowCells(table, ELSC_LABEL), [
      '0（0.0%）',
      '0（0.0%）',
      '1（100.0%）',
      '0（0.0%）',
      '1',
      '3 就労支援機関への相談に同席',
    ]);
    assert.deepEqual(await rowCells(table, 'その他の就労等関係機関'), ['0（—）', '0（—）', '0（—）', '0（—）', '0', '全くできていない']);
  });

  step('shows cooperation counts with their bands, consultations and outcomes', async () => {
    const coop = report('cooperation-counts').getByRole('table', { name: '機関の種類・目的別の連携件数' });
    const hw = coop.getByRole('row').filter({ hasText: HELLO_WORK_LABEL });
    assert.deepEqual(
      (await hw.allTextContents()).map((s) => s.trim()),
      [`${HELLO_WORK_LABEL}新規就労21～9件`, `${HELLO_WORK_LABEL}就労継続11～9件`],
    );
    const totals = report('consultations').getByTestId('consultation-totals');
    assert.equal((await totals.textContent())?.replace(/\s+/g, ''), '相談件数2実人数（相談した患者）1匿名の相談1難病患者就職サポーターとの共同相談1');
    const channels = report('consultations').getByRole('table', { name: '相談方法別' });
    assert.deepEqual(await rowCells(channels, '出張相談'), ['1', '50.0%']);
    const months = report('consultations').getByRole('table', { name: '月別の相談件数' });
    assert.deepEqual(await rowCells(months, `${FY}年5月`), ['1']);
    assert.deepEqual(await rowCells(months, `${FY}年6月`), ['0']);
    assert.equal(await months.getByRole('row').count(), 13, 'a header and the twelve months of the fiscal year');
    await report('consultations').getByRole('img', { name: '月別の相談件数のグラフ' }).waitFor();
    const outcomes = report('employment-outcomes').getByRole('table', { name: '目的・機関の種類別の就職・就労継続' });
    await outcomes.getByRole('rowheader', { name: '新規就労の計' }).waitFor();
    await report('support-awareness').getByRole('table', { name: '就労支援の認知と利用の状況' }).waitFor();
    await expectAccessible('the reports (supervisor)');
    // On a phone the wide tables scroll sideways: they must then be reachable by keyboard.
    await page.setViewportSize({ width: 390, height: 844 });
    const scroller = page.getByRole('region', { name: '機関の種類・対応内容別の紹介件数' });
    await scroller.waitFor();
    // Scrolled to its last column, the cross-tab still shows each row's heading at its left edge.
    const rowHead = scroller.getByRole('rowheader').first();
    const before = await rowHead.boundingBox();
    // …and wide enough to read (the table layout had squeezed it to two characters a line).
    assert.ok((before?.width ?? 0) >= 120, `the row heading is ${before?.width}px wide`);
    await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await page.waitForFunction((el) => el instanceof Element && el.scrollLeft > 0, await scroller.elementHandle());
    assert.equal((await rowHead.boundingBox())?.x, before?.x, 'the row heading stays in view');
    // A short table (an item, its count, its share) fits the phone as it is: no scrolling.
    for (const name of ['相談方法別', '月別の相談件数', '就労支援の認知と利用の状況']) {
      const table = page.getByRole('table', { name, exact: true });
      const [wide, room] = await table.evaluate((t) => [t.getBoundingClientRect().width, t.parentElement?.clientWidth ?? 0]);
      assert.ok(wide <= room, `${name}: ${wide}px in ${room}px`);
      assert.equal(await page.getByRole('region', { name, exact: true }).count(), 0, `${name} is not a scrolling region`);
    }
    await expectAccessible('the reports on a phone');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('region', { name: '機関の種類・対応内容別の紹介件数' }).waitFor({ state: 'detached' });
  });

  step('downloads the CSV with a byte-order mark, the Excel file and the annual workbook', async () => {
    const downloads = report('referral-levels').getByTestId('downloads-referral-levels');
    const csv = await download(downloads.getByRole('button', { name: /^CSVをダウンロード/ }));
    assert.equal(csv.name, `referral-levels-${FY}.csv`);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark, for Excel');
    const text = csv.bytes.toString('utf8');
    assert.ok(text.includes(LEVEL_1), text);
    assert.ok(text.includes('ハローワーク'), text);
    await downloads.getByText(`referral-levels-${FY}.csv をダウンロードしました。`).waitFor();

    const xlsx = await download(downloads.getByRole('button', { name: /^Excelをダウンロード/ }));
    assert.equal(xlsx.name, `referral-levels-${FY}.xlsx`);
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip');

    const annual = await download(page.getByRole('button', { name: `${reiwa(FY)}（${FY}年度）の年次報告をダウンロード` }));
    assert.equal(annual.name, `annual-${FY}.xlsx`);
    assert.equal(annual.bytes.subarray(0, 2).toString('latin1'), 'PK');
    await page.getByTestId('downloads-annual').getByText(`annual-${FY}.xlsx をダウンロードしました。`).waitFor();
  });

  step('counts any dates, and explains a range that ends before it starts', async () => {
    await page.getByRole('radio', { name: '日付で指定' }).check();
    await field('開始日').fill(`${FY}-10-01`);
    await field('終了日').fill(`${FY}-06-01`);
    await page.getByRole('button', { name: 'この期間で集計する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    await page.getByRole('link', { name: '終了日：開始日より前の日付は指定できません。' }).waitFor();
    assert.equal(await field('終了日').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the reports with a wrong period');

    await field('開始日').fill(`${FY}-06-01`);
    await field('終了日').fill(`${FY}-09-30`);
    await page.getByRole('button', { name: 'この期間で集計する' }).click();
    await page.getByTestId('report-period').getByText(`${FY}年6月1日〜${FY}年9月30日`).waitFor();
    const table = report('referral-levels').getByRole('table', { name: '機関の種類・対応内容別の紹介件数' });
    await table
      .getByRole('row')
      .filter({ hasText: HELLO_WORK_LABEL })
      .getByRole('cell', { name: '2（100.0%）', exact: true })
      .waitFor();
    assert.deepEqual(await rowCells(table, HELLO_WORK_LABEL), ['2（100.0%）', '0（0.0%）', '0（0.0%）', '0（0.0%）', '2', `1 ${LEVEL_1}`]);
    assert.ok(page.url().includes(`from=${FY}-06-01&to=${FY}-09-30`), page.url());
    await page.getByText('年次報告は、年度で指定したときにダウンロードできます。').waitFor();
    const csv = await download(report('referral-levels').getByRole('button', { name: /^CSVをダウンロード/ }));
    assert.equal(csv.name, `referral-levels-${FY}-06-01-${FY}-09-30.csv`);
    await expectAccessible('the reports for a date range');
  });

  step('speaks English', async () => {
    await page.getByRole('radio', { name: '年度で指定' }).check();
    await page.getByTestId('report-period').getByText(`${FY}年4月1日〜${FY + 1}年3月31日`, { exact: false }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await expectHeading('Reports');
    const section = report('referral-levels');
    await section.getByRole('img', { name: 'Chart of referrals to employment agencies (share per type of agency)' }).waitFor();
    await section.getByTestId('level-legend').getByText('1 Information only: the patient is told where to go').waitFor();
    const table = section.getByRole('table', { name: 'Referrals per type of agency and level' });
    assert.deepEqual((await rowCells(table, 'Hello Work (public employment security office)')).slice(0, 2), ['2 (66.7%)', '1 (33.3%)']);
    await page.getByRole('button', { name: 'Download CSV (Referrals to employment agencies: how far they went)' }).waitFor();
    await expectAccessible('the reports in English');
    await page.getByRole('button', { name: '日本語' }).click();
    await expectHeading('報告');
    await signOut();
  });

  step('shows the system administrator every center, 全くできていない included, and one prefecture', async () => {
    await signIn(ADMIN_LOGIN, ADMIN_PASSWORD);
    await expectHeading(/^ようこそ/);
    assert.deepEqual(await menu(), ['ホーム', 'センター', '自治体', '職員', '報告', '操作・閲覧の記録', '協議会']);
    await nav('報告');
    await expectHeading('報告');
    const section = report('referral-levels');
    await section.getByText('対象：2施設。', { exact: false }).waitFor();
    assert.deepEqual(
      (await section.getByTestId('level-legend').getByRole('listitem').allTextContents()).map((s) => s.trim())[0],
      '全くできていない',
    );
    const table = section.getByRole('table', { name: '機関の種類・回答別の施設数' });
    // Hiroshima answers level 1 for Hello Work, Okayama never referred anyone.
    assert.deepEqual(await rowCells(table, HELLO_WORK_LABEL), ['1（50.0%）', '1（50.0%）', '0（0.0%）', '0（0.0%）', '0（0.0%）', '2']);
    assert.deepEqual(await rowCells(table, '地域障害者職業センター'), ['2（100.0%）', '0（0.0%）', '0（0.0%）', '0（0.0%）', '0（0.0%）', '2']);
    const [none, l1] = await chartPixels([GRAY_200, BLUE_200]);
    assert.ok((none ?? 0) > 100 && (l1 ?? 0) > 100, `chart pixels: ${none}, ${l1}`);
    const coop = report('cooperation-counts').getByRole('table', { name: '機関の種類・目的別の連携件数' });
    const hwNew = coop.getByRole('row').filter({ hasText: HELLO_WORK_LABEL }).filter({ hasText: '新規就労' });
    assert.deepEqual(
      (await hwNew.getByRole('cell').allTextContents()).map((s) => s.trim()),
      ['新規就労', '1（100.0%）', '0（0.0%）', '0（0.0%）', '0（0.0%）', '1'],
    );
    await expectAccessible('the reports across centers');

    await field('都道府県').selectOption('34');
    await section.getByText('対象：1施設。', { exact: false }).waitFor();
    assert.deepEqual(await rowCells(table, HELLO_WORK_LABEL), ['0（0.0%）', '1（100.0%）', '0（0.0%）', '0（0.0%）', '0（0.0%）', '1']);
    assert.ok(page.url().includes('pref=34'), page.url());

    const csv = await download(section.getByRole('button', { name: /^CSVをダウンロード/ }));
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = csv.bytes.toString('utf8');
    assert.ok(text.includes('全くできていない') && text.includes(LEVEL_1), text);
    await expectAccessible('the reports for one prefecture');
  });

  it('had no uncaught errors or Content-Security-Policy violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

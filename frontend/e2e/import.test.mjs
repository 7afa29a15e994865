// 台帳の取込 (issue 19) in a real browser against the real server: a consultant has no
// 台帳の取込; the supervisor uploads a small Shift_JIS CSV of patients (和暦 and half-width
// kana, one row whose value needs a translation, one broken row and one row that is a
// patient the center already has), matches the columns (and gives the two required fields
// the 台帳 lacks one value for all rows), sees the error count and the
// problem rows, downloads the error report, translates the value and checks again, merges the
// duplicate into the registered patient, imports without the broken row after a
// confirmation in the page, sees the result and finds the new patients in the list. Every
// state is checked with axe-core, the check results also at a phone's width. Then a 紹介台帳
// with a level-4 referral of 2023: the mapping offers what becomes of past follow-ups, and
// the promised follow-up is kept as not recorded rather than overdue.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { CONSULTANT, SUPERVISOR, makeCenter, makePatient } from './support/center.mjs';
import { harness } from './support/harness.mjs';
import { startServer } from './support/server.mjs';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);
const ids = { existing: '', existingCase: '', supervisorToken: '' };
/** Field name → the label the server gives it (GET /import-fields). */
const labels = /** @type {Record<string, string>} */ ({});
/** Field name → its codes' labels by value. */
const codeLabels = /** @type {Record<string, Record<string, string>>} */ ({});

const h = harness('import', () => page, () => server);
const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, menu } = h;

const FILE_NAME = '相談者台帳_2025.csv';

/** The file's columns, by the Tsunagu field each holds. */
const COLUMNS = {
  family_name: '氏',
  given_name: '名',
  family_name_kana: 'フリガナ（姓）',
  given_name_kana: 'フリガナ（名）',
  birth_date: '生年月日',
  phone: '電話',
  employment_status: '就労の状況',
};

/**
 * Rows as a center's Excel 台帳 has them: 和暦, half-width kana, a word ("HW求職") that needs a
 * translation, a date that does not exist (row 4) and 山田 花子, whom the center registered
 * already (row 3).
 */
const ROWS = [
  ['佐藤', '一郎', 'サトウ', 'イチロウ', '昭和50年4月1日', '090-1111-2222', '就労中'],
  ['鈴木', '次郎', 'ｽｽﾞｷ', 'ｼﾞﾛｳ', 'H2.12.24', '090-3333-4444', 'HW求職'],
  ['山田', '花子', 'ヤマダ', 'ハナコ', '1975/6/15', '082-223-8609', '求職中'],
  ['高橋', '三郎', 'タカハシ', 'サブロウ', 'R5.13.45', '', '就労中'],
];

/** Shift_JIS (CP932) as Japanese Excel writes it, from Node's own decoder read backwards. @param {string} text */
function shiftJis(text) {
  const decoder = new TextDecoder('shift_jis');
  /** @type {Map<string, number[]>} */
  const table = new Map();
  for (let b = 0xa1; b <= 0xdf; b++) table.set(decoder.decode(Uint8Array.of(b)), [b]);
  for (const lead of [...range(0x81, 0x9f), ...range(0xe0, 0xfc)]) {
    for (const trail of range(0x40, 0xfc)) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  /** @type {number[]} */
  const out = [];
  for (const ch of text) {
    const code = /** @type {number} */ (ch.codePointAt(0));
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      assert.ok(bytes, `no Shift_JIS for ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

/** @param {number} from @param {number} to */
function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function csv() {
  const lines = [Object.values(COLUMNS), ...ROWS].map((r) => r.join(','));
  return shiftJis(`${lines.join('\r\n')}\r\n`);
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

/** The figure shown for a count of the check or of the result. @param {string} key */
async function count(key) {
  return (await page.getByTestId(`count-${key}`).locator('dd').first().textContent())?.trim();
}

/** Waits for the server to finish a run: the progress bar goes and the counts show. */
async function waitForCheck() {
  await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 60_000 });
}

async function noSidewaysScrolling(/** @type {string} */ what) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(scroll <= inner, `${what}: scrollWidth ${scroll} > innerWidth ${inner}`);
}

describe('台帳の取込: a supervisor moves a Shift_JIS 台帳 in', () => {
  before(async () => {
    server = await startServer();
    const c = await makeCenter(server, h);
    ids.supervisorToken = c.tokens.supervisor;
    const existing = await makePatient(h, c.tokens.consultant, {
      family_name: '山田',
      given_name: '花子',
      family_name_kana: 'ヤマダ',
      given_name_kana: 'ハナコ',
      birth_date: '1975-06-15',
      phone: '082-223-8609',
    });
    ids.existing = existing.id;
    ids.existingCase = existing.case_number;
    for (const f of (await h.apiCall('GET', '/import-fields?kind=patients', c.tokens.supervisor)).items) {
      labels[f.field] = f.label;
      codeLabels[f.field] = Object.fromEntries((f.codes ?? []).map((/** @type {{value: string, label: string}} */ x) => [x.value, x.label]));
    }
    for (const f of [...Object.keys(COLUMNS), 'program', 'support_awareness']) assert.ok(labels[f], `the server imports patients' ${f}`);

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

  step('a consultant has no 台帳の取込 and is refused at /imports', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    assert.ok(!(await menu()).includes('台帳の取込'));
    await page.goto(`${server.url}/imports`);
    await expectHeading('このページを表示する権限がありません');
    await page.goto(`${server.url}/`);
    await signOut();
  });

  step('the supervisor opens 台帳の取込: the steps, the kinds the server imports, no past import', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    assert.ok((await menu()).includes('台帳の取込'));
    await nav('台帳の取込');
    await expectHeading('台帳の取込');
    const steps = page.getByRole('navigation', { name: '取込の手順' });
    assert.equal(await steps.locator('[aria-current="step"]').textContent(), '1. ファイルの選択');
    await page.getByRole('radio', { name: '相談者（患者）の台帳' }).waitFor();
    await page.getByText('このセンターの取込はまだありません。').waitFor();
    await expectAccessible('the start of an import');
  });

  step('nothing chosen: the summary names the kind and the file', async () => {
    await page.getByRole('button', { name: 'アップロードして確認する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    await page.getByRole('link', { name: '取り込む台帳の種類：台帳の種類を選んでください。' }).waitFor();
    await page.getByRole('link', { name: 'ファイル：ファイルを選んでください。' }).waitFor();
  });

  step('uploads the Shift_JIS CSV and sees it read as Shift_JIS, with its columns', async () => {
    await page.getByRole('radio', { name: '相談者（患者）の台帳' }).check();
    await field('ファイル').setInputFiles({ name: FILE_NAME, mimeType: 'text/csv', buffer: csv() });
    await page.getByRole('button', { name: 'アップロードして確認する' }).click();
    await expectHeading(`台帳の取込：${FILE_NAME}`);
    const meta = page.getByTestId('import-meta');
    await meta.getByText('Shift_JIS（Excelで保存したCSV）').waitFor();
    await waitForCheck();
    await page.getByRole('heading', { name: '列の対応づけ', level: 2 }).waitFor();
    assert.equal(await page.getByTestId('file-columns').textContent(), Object.values(COLUMNS).join('、'));
  });

  step('matches each field to its column and checks again', async () => {
    for (const [f, column] of Object.entries(COLUMNS)) await field(labels[f] ?? f).selectOption(column);
    // The 台帳 has no column for these two required fields: one value for every row.
    await field(`${labels.program}：列がないとき・空欄のときの値`).selectOption('nanbyo');
    await field(`${labels.support_awareness}：列がないとき・空欄のときの値`).selectOption('unaware');
    await expectAccessible('the mapping');
    await page.getByRole('button', { name: '再チェック' }).click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === 'check');
    await waitForCheck();
    await page.getByRole('heading', { name: '確認の結果', level: 2 }).waitFor();
    await page.getByTestId('import-announcement').getByText(/確認が終わりました/).waitFor();
  });

  step('sees four rows, two with errors, one possible duplicate, and the problem rows', async () => {
    assert.equal(await count('rows'), '4行');
    assert.equal(await count('invalid'), '2行');
    assert.equal(await count('duplicates'), '1行');
    const problems = page.getByRole('table', { name: 'エラーの内容' });
    await problems.getByRole('rowheader', { name: '2行目' }).waitFor();
    await problems.getByRole('rowheader', { name: '4行目' }).waitFor();
    await problems.getByText('ファイルの値：「HW求職」').waitFor();
    await problems.getByText('ファイルの値：「R5.13.45」').waitFor();
    await expectAccessible('the check results');
  });

  step('downloads the error report as Excel', async () => {
    const report = await download(page.getByTestId('import-report').getByRole('button', { name: 'エラー一覧をExcelでダウンロード' }));
    assert.match(report.name, /\.xlsx$/);
    // An .xlsx is a ZIP archive.
    assert.equal(report.bytes.subarray(0, 2).toString('latin1'), 'PK');
    await page.getByTestId('import-report').getByText(`${report.name} をダウンロードしました。`).waitFor();
  });

  step('on a phone the check results do not scroll sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // The problems table is drawn as cards on a phone: nothing in it scrolls sideways, so its
    // region is no focus stop (it becomes one only when it overflows).
    const problems = page.getByRole('table', { name: 'エラーの内容' });
    await problems.waitFor();
    assert.equal(await problems.locator('tbody tr').first().evaluate((r) => getComputedStyle(r).display), 'flex');
    assert.equal(await page.locator('div[role="region"][tabindex="0"]').filter({ has: problems }).count(), 0);
    await noSidewaysScrolling('the check results at 390 px');
    await expectAccessible('the check results on a phone');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  step('translates 「HW求職」 in the mapping and checks again: one error left', async () => {
    await page.getByRole('navigation', { name: '取込の手順' }).getByRole('link', { name: '2. 列の対応づけ' }).click();
    await page.getByRole('heading', { name: '列の対応づけ', level: 2 }).waitFor();
    await page.getByRole('button', { name: '「HW求職」の読み替えを追加' }).click();
    const values = page.getByTestId('values-employment_status');
    const to = values.getByRole('combobox').last();
    // Focus moved to the new line's choice, ready for the keyboard.
    await page.waitForFunction(() => document.activeElement?.tagName === 'SELECT');
    await to.selectOption({ label: codeLabels.employment_status?.job_seeking ?? '求職中' });
    await page.getByRole('button', { name: '再チェック' }).click();
    await waitForCheck();
    await page.getByRole('heading', { name: '確認の結果', level: 2 }).waitFor();
    await page.getByTestId('import-announcement').getByText('確認が終わりました。エラー1行、重複の可能性1行です。').waitFor();
    assert.equal(await count('invalid'), '1行');
    const problems = page.getByRole('table', { name: 'エラーの内容' });
    await problems.getByRole('rowheader', { name: '4行目' }).waitFor();
    assert.equal(await problems.getByRole('rowheader', { name: '2行目' }).count(), 0);
  });

  step('the commit is held back until the duplicate is decided', async () => {
    await page.getByRole('link', { name: '次へ：取込' }).click();
    await page.getByRole('heading', { name: '取込', level: 2 }).waitFor();
    await page.getByText('重複の可能性がある1行の扱いが決まっていません。').waitFor();
    assert.equal(await page.getByRole('button', { name: '取り込む', exact: true }).isDisabled(), true);
    await page.getByRole('link', { name: '確認の結果へ' }).click();
    await page.getByRole('heading', { name: '確認の結果', level: 2 }).waitFor();
  });

  step('merges the duplicate (row 3) into the registered patient, after "skip all" first', async () => {
    const row = page.getByTestId('duplicate-3');
    await row.getByRole('group', { name: /^3行目：山田\s?花子/ }).waitFor();
    await page.getByRole('button', { name: 'すべてスキップ' }).click();
    await page.getByText('1行を「スキップ（取り込まない）」にしました。保存すると再チェックします。').waitFor();
    assert.equal(await row.getByRole('radio', { name: 'スキップ（取り込まない）' }).isChecked(), true);
    const merge = row.getByRole('radio', { name: new RegExp(`^統合：${ids.existingCase}`) });
    await merge.check();
    await page.getByTestId('undecided').getByText('表示している行はすべて扱いが決まっています。').waitFor();
    await page.getByRole('button', { name: '選んだ扱い（1行）を保存して再チェック' }).click();
    await waitForCheck();
    await page.getByTestId('import-announcement').getByText(/確認が終わりました/).waitFor();
    assert.equal(await page.getByTestId('duplicate-3').getByRole('radio', { name: new RegExp(`^統合：${ids.existingCase}`) }).isChecked(), true);
  });

  step('imports without the broken row after a confirmation in the page (Escape cancels first)', async () => {
    await page.getByRole('link', { name: '次へ：取込' }).click();
    await page.getByRole('heading', { name: '取込', level: 2 }).waitFor();
    await page.getByText('エラーのある行が残っています。', { exact: false }).first().waitFor();
    await field('エラーのある行（1行）を除いて取り込む').check();
    const commit = page.getByRole('button', { name: '取り込む', exact: true }).first();
    await commit.click();
    const confirm = page.getByRole('region', { name: /行をつなぐに取り込みますか？/ });
    await confirm.getByText('エラーのある1行は取り込みません。').waitFor();
    await expectAccessible('the confirmation of the import');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'commit-import');
    await commit.click();
    await page.getByRole('region', { name: /行をつなぐに取り込みますか？/ }).getByRole('button', { name: '取り込む', exact: true }).click();
    await page.getByRole('heading', { name: '取込の結果', level: 2 }).waitFor({ timeout: 60_000 });
    await page.getByText('取込が終わりました。').first().waitFor();
    assert.equal(await count('created'), '2行');
    assert.equal(await count('merged'), '1行');
    assert.equal(await count('skipped'), '1行');
    await expectAccessible('the result of the import');
  });

  step('finds the new patients in the list, and the import among the past ones', async () => {
    await page.getByRole('link', { name: '患者の一覧を見る' }).click();
    await expectHeading('患者');
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('サトウ');
    await page.getByRole('link', { name: '佐藤 一郎' }).waitFor();
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('スズキ');
    await page.getByRole('link', { name: '鈴木 次郎' }).waitFor();
    await field('氏名・フリガナ・ケース番号・電話番号・生年月日で検索').fill('タカハシ');
    await page.getByText('「タカハシ」に一致する患者はいません。').waitFor();
    await nav('台帳の取込');
    await expectHeading('台帳の取込');
    const past = page.getByRole('table', { name: 'これまでの取込' });
    const line = past.getByRole('row').filter({ hasText: FILE_NAME });
    await line.getByText('取込済み').waitFor();
    await line.getByText('新規登録2・統合1・スキップ1').waitFor();
    assert.deepEqual(pageProblems, []);
  });

  step('a 紹介台帳: the mapping asks what becomes of past follow-ups, and a years-old promise stays out of the queue', async () => {
    await page.getByRole('radio', { name: '紹介台帳（就労支援機関への紹介）' }).check();
    const ledger = `紹介番号,ケース番号,紹介日,紹介先,目的,対応レベル,提供した情報,同意日\r\nR1,${ids.existingCase},R5.6.1,HW,就職,同行＋FU,氏名,R5.6.1\r\n`;
    await field('ファイル').setInputFiles({ name: '紹介台帳.csv', mimeType: 'text/csv', buffer: shiftJis(ledger) });
    await page.getByRole('button', { name: 'アップロードして確認する' }).click();
    await expectHeading('台帳の取込：紹介台帳.csv');
    await waitForCheck();
    await page.getByRole('heading', { name: '列の対応づけ', level: 2 }).waitFor();
    // The choice for past follow-ups, not recorded first.
    const notRecorded = page.getByRole('radio', { name: /^未記録として取り込む/ });
    assert.ok(await notRecorded.isChecked());
    await page.getByRole('radio', { name: /^未完了として取り込む/ }).check();
    await notRecorded.check();
    await expectAccessible('the mapping of a referral ledger');
    await page.getByRole('button', { name: '再チェック' }).click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === 'check');
    await waitForCheck();
    assert.equal(await count('rows'), '1行');
    await page.getByRole('link', { name: '次へ：取込' }).click();
    await page.getByRole('button', { name: '取り込む', exact: true }).first().click();
    await page.getByRole('region', { name: /行をつなぐに取り込みますか？/ }).getByRole('button', { name: '取り込む', exact: true }).click();
    await page.getByText('取込が終わりました。').first().waitFor({ timeout: 60_000 });
    assert.equal(await count('created'), '1行');
    const referrals = await h.apiCall('GET', `/referrals?patient_id=${ids.existing}`, ids.supervisorToken);
    assert.equal(referrals.items.length, 1);
    const referral = referrals.items[0];
    assert.equal(referral.level, 'accompanied_with_follow_up');
    const followUps = await h.apiCall('GET', `/referrals/${referral.id}/follow-ups`, ids.supervisorToken);
    assert.equal(followUps.items[0].state, 'not_recorded');
    // The referral's page says so; nobody's queue shows a 2023 promise as overdue.
    await page.goto(`${server.url}/referrals/${referral.id}`);
    await page.getByText('記録なし（取込）').first().waitFor();
    await expectAccessible('a referral whose promised follow-up was imported as not recorded');
    const overdue = await h.apiCall('GET', '/follow-ups?state=overdue', ids.supervisorToken);
    assert.equal(overdue.items.length, 0);
    assert.deepEqual(pageProblems, []);
  });
});

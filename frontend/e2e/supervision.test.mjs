// The supervisor's screens end to end, in a real browser against the real server: the audit
// queue with its reasons, a review returned with a comment (and the four-eyes refusal on a
// referral the supervisor made), the consultant's notification and correction, the approval,
// the follow-up summary, the audit trail with its CSV and tamper check, the bulk export of
// the center's records, and "who viewed this record" on the patient's page. Every new page is
// checked with axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { escapeRegExp, harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture_code: '34', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const PATIENT_NAME = '山本 和子';
const RETURN_COMMENT = '就職先との面談の記録が不足しています';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** Set up through the API. */
const ids = { patient: '', reviewed: '', overdue: '', supervisors: '' };
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiFull, apiCall, token } = harness(
  'supervision',
  () => page,
  () => server,
);

/** @param {string} name */
async function subNav(name) {
  await page.getByRole('navigation', { name: '監督のページ' }).getByRole('link', { name, exact: true }).click();
}

/** A day in Asia/Tokyo, YYYY-MM-DD, `offsetDays` from today. */
function tokyoDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
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

/** The audit queue's row of a referral, found by its reason. @param {string} reason */
function queueRow(reason) {
  return page.getByRole('row').filter({ has: page.getByTestId('queue-reasons').getByText(reason, { exact: true }) });
}

describe('supervision: audit queue, reviews, notifications, summary and audit trail', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    // Two factors are required of administrators and supervisors by default: the
    // administrator enrols through the API and leaves the rest of this test to passwords.
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    const helloWork = await apiCall('POST', '/agencies', centerAdmin, { agency_type: 'hello_work', name: 'ハローワーク広島' });
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });

    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    const supervisor = await token(SUPERVISOR.login, SUPERVISOR.password);
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
    await apiCall('POST', `/patients/${patient.id}/consents`, consultant, { given_on: tokyoDate(-60), scope: 'all_agencies' });
    // The consultant opens the patient's page (the record, its path and consents, as the
    // screen asks them): "who viewed" shows it to the supervisor as one line.
    await apiCall('GET', `/patients/${patient.id}`, consultant);
    await apiCall('GET', `/patients/${patient.id}/timeline`, consultant);
    await apiCall('GET', `/patients/${patient.id}/consents`, consultant);

    /** @param {string} tokenOf @param {string} level @param {string} on */
    const refer = (tokenOf, level, on) =>
      apiCall('POST', '/referrals', tokenOf, {
        patient_id: patient.id,
        agency_id: helloWork.id,
        purpose: 'new_employment',
        level,
        referred_on: on,
        ...(level === 'information_only' ? {} : { shared_items: ['name', 'contact'] }),
      });

    // A level-4 referral whose first follow-up the consultant records: awaiting review.
    const reviewed = await refer(consultant, 'accompanied_with_follow_up', tokyoDate(-20));
    ids.reviewed = reviewed.id;
    const firstFollowUp = (await apiCall('GET', `/referrals/${reviewed.id}/follow-ups`, consultant)).items[0];
    const current = await apiFull('GET', `/follow-ups/${firstFollowUp.id}`, consultant);
    await apiFull(
      'PATCH',
      `/follow-ups/${firstFollowUp.id}`,
      consultant,
      { done_on: tokyoDate(-1), method: 'phone', contacted: 'patient', outcome: 'searching', next_due_on: tokyoDate(30) },
      { 'If-Match': current.etag },
    );

    // A level-4 referral with a follow-up long overdue: escalated.
    const overdue = await refer(consultant, 'accompanied_with_follow_up', tokyoDate(-40));
    ids.overdue = overdue.id;
    await apiCall('POST', `/referrals/${overdue.id}/follow-ups`, consultant, { due_on: tokyoDate(-30) });

    // A referral the supervisor made: four eyes, they cannot review it.
    const own = await refer(supervisor, 'information_only', tokyoDate(-5));
    ids.supervisors = own.id;

    browser = await launchBrowser();
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

  step('keeps supervision from consultants', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関']);
    await inAppGo('/supervision');
    await expectHeading('このページを表示する権限がありません');
    await signOut();
  });

  step('shows the supervisor the audit queue, most urgent first, with its reasons', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '患者', 'フォローアップ', '予定表', 'センター活動', '就労支援機関', '報告', '監督', '台帳の取込']);
    // The escalated follow-ups are the supervisor's notifications too.
    await page.getByTestId('notification-badge').waitFor();
    await page.getByTestId('notifications').getByText('期限超過が続いているフォローアップ').waitFor();
    await expectAccessible('home (supervisor, with notifications)');

    await nav('監督');
    await expectHeading('要確認リスト');
    const total = (await page.getByTestId('queue-total').textContent()) ?? '';
    assert.match(total, /^確認が必要な紹介：\d+件$/);
    const overdue = queueRow('期限超過が続いているもの');
    await overdue.getByText('フォローアップ期限超過', { exact: true }).waitFor();
    await overdue.getByText(/^\d+日$/).waitFor();
    await overdue.getByText(CONSULTANT.display_name).waitFor();
    await overdue.getByText('就労支援機関の相談に同席し、その後もフォローアップ').waitFor();
    await queueRow('確認待ち').waitFor();
    // Most urgent first: the escalated referral is the first row.
    const first = page.getByRole('row').nth(1);
    await first.getByText('期限超過が続いているもの', { exact: true }).waitFor();
    await expectAccessible('the audit queue');
  });

  step('narrows the queue by a reason count and by level, and clears the filters', async () => {
    const all = (await page.getByTestId('queue-total').textContent()) ?? '';
    const counts = page.getByRole('list', { name: '理由ごとの件数' });
    const awaiting = counts.getByRole('link', { name: /^確認待ち：\d+件$/ });
    const n = Number(/(\d+)件/.exec((await awaiting.textContent()) ?? '')?.[1]);
    assert.ok(n > 0);
    await awaiting.click();
    await page.waitForURL(/reason=awaiting_review/);
    await page.getByTestId('queue-total').getByText(`確認が必要な紹介：${n}件`).waitFor();
    assert.equal(await counts.getByRole('link', { name: /^確認待ち/ }).getAttribute('aria-current'), 'true');
    assert.equal(await page.getByRole('table').getByRole('row').count(), n + 1);
    await expectAccessible('the audit queue, narrowed to one reason');
    // A level nobody's waiting referral has: nothing left, and the filter is in the address.
    await page.getByLabel('対応内容').selectOption('information_only');
    await page.waitForURL(/level=information_only/);
    await page.getByTestId('queue-total').getByText('確認が必要な紹介：0件').waitFor();
    await page.getByRole('link', { name: '絞り込みを解除' }).click();
    await page.getByTestId('queue-total').getByText(all).waitFor();
    assert.equal(new URL(page.url()).search, '');
  });

  step('returns a referral with a comment (a comment is required)', async () => {
    await queueRow('確認待ち').getByRole('link').click();
    await expectHeading('紹介：ハローワーク広島');
    assert.equal(new URL(page.url()).pathname, `/referrals/${ids.reviewed}`);
    await page.getByTestId('review-state').getByText('確認待ち').waitFor();
    await page.getByText('まだ確認はしていません。', { exact: true }).waitFor();
    await page.getByRole('radio', { name: '差し戻し', exact: true }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    // The API's field error, at the field.
    await page.getByRole('link', { name: /^コメント：/ }).waitFor();
    assert.equal(await field('コメント').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the review form with an error');
    await field('コメント').fill(RETURN_COMMENT);
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByText('確認結果を記録しました。', { exact: true }).waitFor();
    await page.getByTestId('review-state').getByText('差し戻し中').waitFor();
    const history = page.getByRole('table', { name: '確認の履歴' });
    await history.getByRole('cell', { name: RETURN_COMMENT }).waitFor();
    await history.getByRole('cell', { name: '差し戻し', exact: true }).waitFor();
    await expectAccessible('the referral page after a review');
  });

  step('explains the four-eyes rule on a referral the supervisor made', async () => {
    await inAppGo(`/referrals/${ids.supervisors}`);
    await expectHeading('紹介：ハローワーク広島');
    await page.getByRole('radio', { name: '承認', exact: true }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByRole('heading', { name: /^ご自身が担当・記録した紹介は承認できません。/ }).waitFor();
    await expectAccessible('the four-eyes refusal');
  });

  step('shows the follow-up summary per consultant and per agency type', async () => {
    await nav('監督');
    await expectHeading('要確認リスト');
    await subNav('フォローアップの集計');
    await expectHeading('フォローアップの集計');
    await page.getByTestId('summary-period').getByText(/^集計期間：/).waitFor();
    const byConsultant = page.getByRole('table', { name: '担当者別' });
    const row = byConsultant.getByRole('row', { name: new RegExp(`^${CONSULTANT.display_name}`) });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    assert.equal(cells.length, 7, cells.join(' | '));
    assert.ok(Number(cells[0]) >= 1, `follow-ups due: ${cells.join(' | ')}`);
    assert.match(cells[2] ?? '', /%|—/);
    const byType = page.getByRole('table', { name: '機関の種類別' });
    await byType.getByRole('row', { name: /^ハローワーク/ }).waitFor();
    await expectAccessible('the follow-up summary');
  });

  step('reads the audit trail, downloads it as CSV and checks it for tampering', async () => {
    await subNav('操作・閲覧の記録');
    await expectHeading('操作・閲覧の記録');
    const trail = page.getByRole('table', { name: '操作・閲覧の記録' });
    await trail.getByRole('cell', { name: '確認結果の記録' }).first().waitFor();
    const raw = await trail.textContent();
    assert.doesNotMatch(raw ?? '', /patient_id=|patient\.read|\breferral\b/);
    await expectAccessible('the audit trail');

    const csv = await download(page.getByTestId('downloads-audit').getByRole('button', { name: 'CSVをダウンロード' }));
    assert.match(csv.name, /\.csv$/);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark, for Excel');
    assert.ok(csv.bytes.toString('utf8').includes('patient.read'));
    await page.getByTestId('downloads-audit').getByText(`${csv.name} をダウンロードしました。`).waitFor();

    // Filtered to one staff member.
    await field('職員').selectOption({ label: CONSULTANT.display_name });
    await page.getByRole('button', { name: '絞り込む' }).click();
    await trail.getByRole('cell', { name: '確認結果の記録' }).first().waitFor({ state: 'detached' });
    await trail.getByRole('cell', { name: '患者の登録' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.has('actor'), true);
    // (The consultant's own events are few: all on the first page.)
    // Targets, outcomes and details in words; people and patients by name.
    const created = trail.getByRole('row').filter({ has: page.locator('[data-action="patient.create"]') });
    await created.getByText('患者', { exact: true }).waitFor();
    await created.getByRole('link', { name: new RegExp(`${escapeRegExp(PATIENT_NAME)}$`) }).waitFor();
    await created.getByRole('cell', { name: '成功', exact: true }).waitFor();
    await trail.getByRole('row').filter({ has: page.locator('[data-action="referral.create"]') }).first().getByText('紹介', { exact: true }).waitFor();
    // The consultant's page opening: one line (with the follow-up list the setup reads next,
    // within the same seconds), its raw reads behind a disclosure.
    const opening = trail.getByRole('row').filter({ hasText: new RegExp(`${escapeRegExp(PATIENT_NAME)}さんの記録を閲覧（経過・同意`) });
    await opening.waitFor();
    assert.equal(await opening.getByRole('cell', { name: CONSULTANT.display_name }).count(), 1);
    assert.equal(await trail.locator('[data-action="patient.timeline"]').isVisible(), false);
    await opening.getByText(/^元の記録（\d+件）$/).click();
    await opening.getByText('患者の経過の閲覧').waitFor();
    await opening.getByText('同意一覧の閲覧').waitFor();

    // Filtered to one action, chosen from the labelled list.
    const actions = field('操作');
    assert.ok((await actions.locator('optgroup').count()) >= 5, 'the actions are grouped');
    await actions.selectOption({ label: '同意の記録' });
    await page.getByRole('button', { name: '絞り込む' }).click();
    await trail.getByRole('cell', { name: '患者の登録' }).waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).searchParams.get('action'), 'consent.create');
    const rows = trail.getByRole('row').filter({ has: page.locator('[data-action]') });
    assert.ok((await rows.count()) >= 1);
    for (const cell of await trail.locator('[data-action]').all()) assert.equal(await cell.textContent(), '同意の記録');

    // Filtered to one patient by case number or name (the supervisor may see patients).
    await actions.selectOption({ label: 'すべての操作' });
    await field('患者').fill(PATIENT_NAME);
    await page.getByRole('button', { name: '絞り込む' }).click();
    await page.getByTestId('audit-patient').getByText(new RegExp(`${escapeRegExp(PATIENT_NAME)}$`)).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('patient'), ids.patient);
    await trail.getByRole('cell', { name: '患者の登録' }).waitFor();
    await expectAccessible('the audit trail, filtered by action and patient');

    await page.getByRole('button', { name: '改ざん検証' }).click();
    await page.getByTestId('verify-result').getByText(/^改ざんは見つかりませんでした（\d+件を検証）。$/).waitFor();
    await expectAccessible('the audit trail, verified');
  });

  step('exports the center’s records as CSV, Excel and JSON', async () => {
    await subNav('データの一括出力');
    await expectHeading('データの一括出力');
    await field('記録の種類').selectOption('patients');
    const csv = await download(page.getByTestId('downloads-export-csv').getByRole('button', { name: /CSV をダウンロード/ }));
    assert.match(csv.name, /^tsunagu-export-patients-\d{8}\.csv$/);
    const text = csv.bytes.toString('utf8');
    assert.ok(text.startsWith('\ufeffID,ケース番号,'), text.slice(0, 60));
    assert.ok(text.includes(PATIENT_NAME.split(' ')[0] ?? ''), text.slice(0, 400));
    const xlsx = await download(page.getByTestId('downloads-export-all').getByRole('button', { name: /Excel をダウンロード/ }));
    assert.match(xlsx.name, /^tsunagu-export-all-\d{8}\.xlsx$/);
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK');
    const json = await download(page.getByTestId('downloads-export-all').getByRole('button', { name: /JSON をダウンロード/ }));
    const doc = JSON.parse(json.bytes.toString('utf8'));
    assert.ok(
      doc.patients.some((/** @type {{ family_name: string }} */ p) => p.family_name === PATIENT_NAME.split(' ')[0]),
      JSON.stringify(doc.patients),
    );
    assert.ok(Array.isArray(doc.referrals) && doc.referrals.length >= 1);
    await expectAccessible('the bulk export');
  });

  step('shows who viewed the patient’s record on the patient’s page', async () => {
    await inAppGo(`/patients/${ids.patient}`);
    await expectHeading(PATIENT_NAME);
    const viewed = page.getByTestId('view-history');
    await viewed.getByRole('heading', { name: '閲覧履歴' }).waitFor();
    const row = viewed
      .getByRole('row')
      .filter({ hasText: new RegExp(`${escapeRegExp(PATIENT_NAME)}さんの記録を閲覧（経過・同意`) })
      .filter({ hasText: CONSULTANT.display_name });
    await row.first().waitFor();
    await expectAccessible('the patient page with who viewed it');
    await signOut();
  });

  step('tells the consultant what to correct, and takes the correction', async () => {
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    assert.match((await page.getByTestId('notification-badge').textContent()) ?? '', /^お知らせ \d+件$/);
    const returned = page.getByTestId('returned-notification');
    await returned.getByText(new RegExp(escapeRegExp(RETURN_COMMENT))).waitFor();
    // The notice names whose referral to which agency, before it is opened.
    assert.match((await returned.textContent()) ?? '', /さん（\d{4}-\d{4}）のハローワーク広島への紹介が、/);
    await expectAccessible('home (consultant, with a returned referral)');
    await page.getByRole('link', { name: '紹介を開いて修正する' }).click();
    await expectHeading('紹介：ハローワーク広島');
    assert.equal(new URL(page.url()).pathname, `/referrals/${ids.reviewed}`);
    await page.getByTestId('returned-comment').getByText(`管理責任者のコメント：${RETURN_COMMENT}`).waitFor();
    await page.getByTestId('review-state').getByText('差し戻し中').waitFor();
    // Consultants see no review form.
    assert.equal(await page.getByRole('button', { name: '確認結果を記録する' }).count(), 0);
    await page.getByRole('link', { name: '紹介の内容を修正' }).click();
    await expectHeading('紹介の内容の修正');
    await field('メモ').fill('ハローワークの担当者と面談日を確認済み（11月20日）');
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading('紹介：ハローワーク広島');
    await page.getByRole('status').getByText('保存しました。', { exact: true }).waitFor();
    await page.getByTestId('review-state').getByText('確認待ち').waitFor();
    await expectAccessible('the corrected referral');
    await signOut();
  });

  step('lets the supervisor approve the corrected referral', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await nav('監督');
    await expectHeading('要確認リスト');
    await queueRow('確認待ち').getByRole('link').click();
    await expectHeading('紹介：ハローワーク広島');
    await page.getByRole('radio', { name: '承認', exact: true }).check();
    await page.getByRole('button', { name: '確認結果を記録する' }).click();
    await page.getByText('確認結果を記録しました。', { exact: true }).waitFor();
    await page.getByTestId('review-state').getByText('承認済み').waitFor();
    const history = page.getByRole('table', { name: '確認の履歴' });
    assert.equal(await history.getByRole('row').count(), 3);
  });

  step('hands a consultant\'s open follow-ups to a colleague in one step', async () => {
    await nav('フォローアップ');
    await expectHeading('フォローアップ');
    const handOver = page.getByRole('form', { name: '担当の引き継ぎ' });
    await handOver.getByLabel('引き継ぐ人').selectOption({ label: CONSULTANT.display_name });
    await handOver.getByLabel('引き継ぎ先').selectOption({ label: SUPERVISOR.display_name });
    await handOver.getByRole('button', { name: '未完了のフォローアップを引き継ぐ' }).click();
    await page.getByRole('region', { name: /すべて鈴木 一郎さんに引き継ぎますか/ }).waitFor();
    await expectAccessible('handing over follow-ups (confirm)');
    await page.getByRole('button', { name: '引き継ぐ', exact: true }).click();
    const done = handOver.getByRole('status');
    await done.getByText(/^佐藤 花子さんのフォローアップ[1-9]\d*件を鈴木 一郎さんに引き継ぎました。$/).waitFor();
    // They are the supervisor's own now (the list shows "mine" by default).
    await page.getByRole('table', { name: /フォローアップ/ }).getByRole('row').nth(1).waitFor();
  });

  step('reads the queue in English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await inAppGo('/supervision');
    await expectHeading('Needs attention');
    await page.getByTestId('queue-reasons').getByText('Long overdue', { exact: true }).first().waitFor();
  });

  step('raised no uncaught error or Content-Security-Policy violation', () => {
    assert.deepEqual(pageProblems, []);
  });
});

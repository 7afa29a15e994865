// 協議会 in a real browser against the real server: an administration's officer registers a
// council, adds a member and gives them a sign-in (the temporary password shown once),
// registers a meeting with minutes and uploads a paper (a text file refused in Japanese),
// and records the regional issue the meeting discussed. The member then signs in with the
// temporary password, changes it, enrols in two-factor sign-in, is sent to the
// confidentiality pledge, pledges, sees their council and the meeting, downloads the paper
// and comments on the issue of their council. Every page is checked with axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { createStaff } from './support/staff.mjs';
import { Authenticator } from './support/totp.mjs';

const OFFICER = { login: 'hiroshima.pref', display_name: '県庁 担当', password: 'Itsukushima-torii-tide-2026' };
const COUNCIL = '広島県難病対策地域協議会';
const MEMBER = { name: '山田 太郎', organization: '広島県医師会', login: 'yamada.taro', own: 'Miyajima-momiji-deer-2026!' };
const MEETING = '令和8年度 第1回 難病対策地域協議会';
const MINUTES = '1. 開会\n2. 就労支援の現状について報告\n3. 閉会';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);
let officerToken = '';
let councilId = '';
let temporary = '';
let issueId = '';

const { step, field, expectAccessible, expectHeading, signIn, signOut, nav, apiCall, apiFull, token } = harness(
  'councils',
  () => page,
  () => server,
);

describe('councils: the officer runs a council, a member signs in, pledges and reads', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const administration = await apiCall('POST', '/administrations', admin, { code: '340006', kind: 'prefecture' });
    await createStaff(server.url, admin, { ...OFFICER, role: 'municipal_officer', administration_id: administration.id });
    officerToken = await token(OFFICER.login, OFFICER.password);

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

  step('the officer registers a council', async () => {
    await page.goto(`${server.url}/`);
    await signIn(OFFICER.login, OFFICER.password);
    await expectHeading('自治体ダッシュボード');
    await nav('協議会');
    await expectHeading('地域協議会');
    await page.getByText('協議会はまだ登録されていません。').waitFor();
    await page.getByRole('link', { name: '協議会を登録' }).click();
    await expectHeading('協議会の登録');
    // Nothing filled in: the summary takes focus and names the fields.
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('heading', { name: '入力内容を確認してください' }).waitFor();
    await page.getByRole('link', { name: /^名称：/ }).waitFor();
    await field('名称').fill(COUNCIL);
    await field('種別').selectOption('intractable');
    await field('範囲').selectOption('prefecture');
    await field('設置日').fill('2016-04-01');
    await expectAccessible('the council form');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading(COUNCIL);
    councilId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByText('2016年4月1日（平成28年4月1日）').waitFor();
    await expectAccessible('the council');
  });

  step('an edit saved meanwhile by someone else: compared, then the officer\'s change reapplied', async () => {
    await page.getByRole('link', { name: '協議会を編集' }).click();
    await expectHeading('協議会の編集');
    const current = await apiFull('GET', `/councils/${councilId}`, officerToken);
    await apiFull('PATCH', `/councils/${councilId}`, officerToken, { area_name: '県全域' }, { 'If-Match': current.etag });
    await field('名称').fill(`${COUNCIL}（本会）`);
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { name: '他の人がこの協議会を更新しました' }).waitFor();
    await expectAccessible('the council conflict');
    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    assert.equal(await field('圏域・保健所の名称').inputValue(), '県全域');
    await field('名称').fill(COUNCIL);
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading(COUNCIL);
    await page.getByText('都道府県（県全域）').waitFor();
  });

  step('adds a member and gives them a sign-in, the temporary password shown once', async () => {
    await page.getByRole('link', { name: '委員を追加' }).click();
    await expectHeading('委員の追加');
    await field('氏名').fill(MEMBER.name);
    await field('所属団体').fill(MEMBER.organization);
    await field('区分').selectOption({ label: '医療' });
    await field('役職').selectOption({ label: '会長' });
    await field('任期開始日').fill('2026-04-01');
    await field('任期終了日').fill('2028-03-31');
    await expectAccessible('the member form');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading('委員の編集');
    await page.getByRole('heading', { name: 'サインインの発行' }).waitFor();
    await field('ログインID').fill(MEMBER.login);
    await page.getByRole('button', { name: 'サインインを発行する' }).click();
    await page.getByText('仮パスワードはこの一度しか表示されません。', { exact: false }).waitFor();
    temporary = ((await page.getByTestId('temporary-password').textContent()) ?? '').trim();
    assert.ok(temporary.length >= 12, `a temporary password: ${temporary}`);
    await page.getByRole('button', { name: 'コピーする' }).waitFor();
    await expectAccessible('the temporary password');

    await page.getByRole('link', { name: 'キャンセル' }).click();
    await expectHeading(COUNCIL);
    const row = page.getByRole('row', { name: new RegExp(MEMBER.name) });
    await row.getByText('医療', { exact: true }).waitFor();
    await row.getByText('会長', { exact: true }).waitFor();
    await row.getByText('発行済み・未誓約').waitFor();
  });

  step('registers a meeting with minutes and uploads a paper', async () => {
    await page.getByRole('link', { name: '会議を登録' }).click();
    await expectHeading('会議の登録');
    await field('会議名').fill(MEETING);
    await field('開催日').fill('2026-07-10');
    await field('状態').selectOption('held');
    await field('場所').fill('広島県庁 本館6階');
    await page.getByRole('checkbox', { name: new RegExp(MEMBER.name) }).check();
    await field('議事録').fill(MINUTES);
    await expectAccessible('the meeting form');
    await page.getByRole('button', { name: '登録する' }).click();
    await expectHeading(MEETING);
    assert.equal(await field('議事録').inputValue(), MINUTES);

    // A kind of file not accepted: said in Japanese.
    await field('資料のファイル').setInputFiles({ name: 'memo.txt', mimeType: 'text/plain', buffer: Buffer.from('memo') });
    await page.getByRole('button', { name: 'アップロードする' }).click();
    await page.getByText('この種類のファイルは添付できません。', { exact: false }).waitFor();

    await field('資料のファイル').setInputFiles({ name: '資料1_就労支援の現状.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'アップロードする' }).click();
    await page.getByText('資料をアップロードしました。').waitFor();
    await page.getByRole('row', { name: /資料1_就労支援の現状\.pdf/ }).waitFor();
    await expectAccessible('the meeting with its paper');

    // A paper uploaded by mistake is deleted after a yes asked in the page (no browser popup).
    await field('資料のファイル').setInputFiles({ name: '誤って添付.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'アップロードする' }).click();
    const wrong = page.getByRole('row', { name: /誤って添付\.pdf/ });
    await wrong.waitFor();
    const del = page.getByRole('button', { name: '誤って添付.pdfを削除' });
    await del.click();
    const confirm = page.getByRole('region', { name: '「誤って添付.pdf」を削除しますか。' });
    await confirm.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-delete-paper');
    await expectAccessible('the paper deletion asked');
    // Escape keeps it and returns to the button.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), '誤って添付.pdfを削除');
    await del.click();
    await confirm.getByRole('button', { name: '削除', exact: true }).click();
    await wrong.waitFor({ state: 'detached' });
    await page.getByText('削除しました。').waitFor();
    await page.getByRole('row', { name: /資料1_就労支援の現状\.pdf/ }).waitFor();
  });

  step('records the regional issue the meeting discussed', async () => {
    const issue = await apiCall('POST', '/regional-issues', officerToken, {
      title: '難病患者の就労継続支援',
      category: 'employment',
      council_id: councilId,
      description: '治療と仕事の両立に悩む相談が多い。',
    });
    issueId = issue.id;
    await page.reload();
    await expectHeading(MEETING);
    await page.getByRole('checkbox', { name: /難病患者の就労継続支援/ }).check();
    await page.getByRole('button', { name: '課題を保存する' }).click();
    await page.getByText('扱った課題を保存しました。').waitFor();
    const link = page.getByRole('link', { name: /① 難病患者の就労継続支援/ });
    assert.equal(await link.getAttribute('href'), `/regional-issues/${issueId}`);
    await signOut();
  });

  step('the member changes the temporary password, enrols in two-factor sign-in and is sent to the pledge', async () => {
    await signIn(MEMBER.login, temporary);
    await expectHeading('パスワードの変更');
    assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' }).count(), 0);
    await field('現在のパスワード').fill(temporary);
    await field('新しいパスワード').fill(MEMBER.own);
    await field('新しいパスワード（確認）').fill(MEMBER.own);
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();

    await expectHeading('二段階認証');
    await page.getByRole('button', { name: '設定を始める' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    const app = new Authenticator(secret);
    await field('確認コード（6桁）').fill(await app.code());
    await page.getByRole('button', { name: '確認する', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: '3. リカバリーコードを保存する' }).waitFor();
    await field('リカバリーコードを保存しました').check();
    await page.getByRole('button', { name: '続ける' }).click();

    await expectHeading('守秘義務の誓約');
    assert.equal(new URL(page.url()).pathname, '/pledge');
    await expectAccessible('the pledge');
    // Not without ticking the box.
    await page.getByRole('button', { name: '誓約する' }).click();
    await page.getByRole('alert').getByText('誓約の内容を確認し、チェックを入れてください。').waitFor();
    await field('上記の内容を理解し、守秘義務を守ることを誓約します。').check();
    await page.getByRole('button', { name: '誓約する' }).click();
    await page.getByText('誓約しました。').waitFor();
  });

  step('the member sees their council and the meeting, and downloads the paper', async () => {
    await page.getByRole('heading', { name: '参加している協議会' }).waitFor();
    const menu = await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link').allTextContents();
    assert.deepEqual(menu, ['ホーム', '協議会']);
    await page.getByRole('link', { name: COUNCIL }).first().waitFor();
    // No empty 「できること」 section: a member has no staff shortcuts.
    assert.equal(await page.getByRole('heading', { name: 'できること' }).count(), 0);
    await expectAccessible('the council member’s home');
    // On a phone the page does not scroll sideways (wide tables scroll inside themselves).
    await page.setViewportSize({ width: 375, height: 740 });
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
    assert.ok(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: MEETING }).click();
    await expectHeading(MEETING);
    await page.getByText('2. 就労支援の現状について報告', { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: '保存する' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'アップロードする' }).count(), 0);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '資料1_就労支援の現状.pdfをダウンロード' }).click(),
    ]);
    assert.equal(file.suggestedFilename(), '資料1_就労支援の現状.pdf');
    assert.deepEqual(await readFile(await file.path()), PDF);
    await expectAccessible('the meeting as a member reads it');
  });

  step('the member comments on the issue of their council', async () => {
    await page.getByRole('link', { name: /難病患者の就労継続支援/ }).click();
    await expectHeading('難病患者の就労継続支援');
    await page.getByText('①課題の抽出').waitFor();
    await page.getByText('コメントはまだありません。').waitFor();
    await field('コメントを書く').fill('医師会としても両立支援の研修を企画できます。');
    await page.getByRole('button', { name: 'コメントする' }).click();
    await page.getByText('コメントしました。').waitFor();
    await page.getByText('医師会としても両立支援の研修を企画できます。', { exact: true }).waitFor();
    await expectAccessible('the issue with a comment');
    assert.deepEqual(pageProblems, []);
  });
});

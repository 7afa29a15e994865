// Closing the loop with the agency, in a real browser against the real server: a consultant
// makes a one-time link on a level-4 referral (URL and QR code shown once); the agency
// officer opens it on a phone-sized page without signing in and answers "came" with a note;
// the consultant's referral page then shows the agency's follow-up and the link as answered.
// Every page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture_code: '34', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-torii-tide-2026' };
const NOTE = '6月10日に来所。求職登録の予定です';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** The page the harness checks: the consultant's, or the agency's phone while it is in use. */
/** @type {import('playwright-core').Page} */
let current;
let referralId = '';
let linkUrl = '';
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, inAppGo, apiCall, token } = harness(
  'agency-link',
  () => current,
  () => server,
);

/** A day some days away from today in Tokyo (YYYY-MM-DD). @param {number} days */
function tokyoDay(days = 0) {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + days * 86_400_000));
}

describe('機関への確認リンク: the consultant makes a link, the agency answers on a phone', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    const agency = await apiCall('POST', '/agencies', centerAdmin, { agency_type: 'hello_work', name: 'ハローワーク広島' });
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    const patient = await apiCall('POST', '/patients', consultant, {
      family_name: '山田',
      given_name: '花子',
      family_name_kana: 'ヤマダ',
      given_name_kana: 'ハナコ',
      birth_date: '1985-04-12',
      program: 'nanbyo',
      employment_status: 'job_seeking',
      support_awareness: 'aware_not_used',
    });
    await apiCall('POST', `/patients/${patient.id}/consents`, consultant, { given_on: tokyoDay(-30), scope: 'employment_agencies' });
    // Referred three weeks ago: its first follow-up (two weeks on) is overdue.
    const referral = await apiCall('POST', '/referrals', consultant, {
      patient_id: patient.id,
      agency_id: agency.id,
      purpose: 'new_employment',
      level: 'accompanied_with_follow_up',
      referred_on: tokyoDay(-21),
      shared_items: ['name'],
    });
    referralId = referral.id;

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageProblems.push(`uncaught: ${e.message}`));
    current = page;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the consultant makes a link on the level-4 referral and sees its URL and QR code once', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/referrals/${referralId}`);
    await expectHeading(/ハローワーク広島/);
    const section = page.locator('section', { has: page.getByRole('heading', { name: '機関への確認リンク' }) });
    await section.getByText('まだ確認リンクはありません。').waitFor();
    await section.getByRole('button', { name: '確認リンクを作る' }).click();
    await section.getByText(/確認リンクを作りました/).waitFor();
    linkUrl = await field('確認リンクのURL').inputValue();
    assert.match(linkUrl, /\/agency\/[A-Za-z0-9_-]{43}$/);
    assert.ok(!linkUrl.includes('山田'));
    await section.getByRole('img', { name: '確認リンクのQRコード' }).waitFor();
    await section.getByRole('table', { name: '機関への確認リンク' }).getByText('有効', { exact: true }).waitFor();
    await expectAccessible('referral with a new agency link');
  });

  step('the agency officer opens the link on a phone without signing in and answers "came"', async () => {
    const phone = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const agencyPage = await phone.newPage();
    agencyPage.setDefaultTimeout(15_000);
    agencyPage.on('pageerror', (e) => pageProblems.push(`uncaught (agency): ${e.message}`));
    current = agencyPage;
    try {
      await agencyPage.goto(linkUrl);
      await expectHeading('紹介のご確認');
      // No menu, no sign-in: only what the consent and the shared items allow.
      assert.equal(await agencyPage.getByRole('navigation').count(), 0);
      await agencyPage.getByText('ヤ・ハ', { exact: true }).waitFor();
      await agencyPage.getByText('山田 花子').waitFor();
      await agencyPage.getByText('ハローワーク広島').waitFor();
      // Nothing wider than the phone.
      const overflow = await agencyPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
      await expectAccessible('agency page (phone)');
      await agencyPage.getByRole('button', { name: '回答を送る' }).click();
      await agencyPage.getByText('入力内容を確認してください').waitFor();
      await agencyPage.getByRole('radio', { name: '来所された' }).check();
      await field('ひとこと（任意、500字まで）').fill(NOTE);
      await agencyPage.getByRole('button', { name: '回答を送る' }).click();
      await agencyPage.getByText('ご回答ありがとうございました').waitFor();
      await expectAccessible('agency page answered (phone)');
      // The link is spent: opening it again shows the plain page.
      await agencyPage.reload();
      await agencyPage.getByText('このリンクは使えません').waitFor();
      await expectAccessible('agency page gone (phone)');
    } finally {
      current = page;
      await phone.close();
    }
  });

  step("the consultant's referral page shows the agency's follow-up and the link as answered", async () => {
    // Tokens live in the tab's memory only: go away and come back rather than reload.
    await inAppGo('/');
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/referrals/${referralId}`);
    await expectHeading(/ハローワーク広島/);
    const followUps = page.getByRole('table', { name: 'フォローアップ' });
    // The agency's answer under the outcome, its note in the memo column.
    await followUps.getByText('機関からの回答（来所された）').waitFor();
    await followUps.getByText(NOTE).waitFor();
    await followUps.getByText('実施済み').waitFor();
    const links = page.getByRole('table', { name: '機関への確認リンク' });
    await links.getByText('回答済み', { exact: true }).waitFor();
    await links.getByText('来所された', { exact: true }).waitFor();
    await expectAccessible('referral after the agency answered');
    assert.deepEqual(pageProblems, []);
  });
});

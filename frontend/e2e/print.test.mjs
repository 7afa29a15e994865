// Printing, in a real browser against the real server: the patient summary and the referral
// sheet (就労相談票) as print views. Under print media the menu, the header and the buttons are
// gone; the referral sheet carries only the items the referral shares (here name and contact,
// not the diagnosis nor the birth date). Every page is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { CONSULTANT, HELLO_WORK, makeCenter, makePatient, tokyoDate } from './support/center.mjs';
import { harness } from './support/harness.mjs';
import { startServer } from './support/server.mjs';

const PATIENT_NAME = '小野 美咲';
const DIAGNOSIS = '全身性エリテマトーデスにより関節痛あり';
const PHONE = '086-000-1234';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { patient: '', referral: '' };
const pageProblems = /** @type {string[]} */ ([]);

const h = harness('print', () => page, () => server);
const { step, expectAccessible, expectHeading, signIn, inAppGo } = h;

/** Whether an element is displayed (not display:none anywhere up the tree). @param {import('playwright-core').Locator} l */
async function shown(l) {
  return l.evaluate((el) => el instanceof HTMLElement && el.offsetParent !== null && getComputedStyle(el).display !== 'none');
}

describe('printing: the patient summary and the referral sheet', () => {
  before(async () => {
    server = await startServer();
    const c = await makeCenter(server, h);
    const consultant = c.tokens.consultant;
    const patient = await makePatient(h, consultant, {
      family_name: '小野',
      given_name: '美咲',
      family_name_kana: 'オノ',
      given_name_kana: 'ミサキ',
      birth_date: '1988-07-21',
      diagnosis: DIAGNOSIS,
      phone: PHONE,
    });
    ids.patient = patient.id;
    await h.apiCall('POST', `/patients/${patient.id}/consents`, consultant, { given_on: tokyoDate(-10), scope: 'employment_agencies' });
    const consultation = await h.apiCall('POST', '/consultations', consultant, {
      patient_id: patient.id,
      occurred_at: `${tokyoDate(-5)}T10:00:00+09:00`,
      channel: 'in_person',
      requester: 'patient',
      topics: ['employment'],
      with_employment_supporter: false,
      summary: '短時間勤務の求人を探したい',
    });
    ids.referral = (
      await h.apiCall('POST', '/referrals', consultant, {
        patient_id: patient.id,
        agency_id: c.agency.id,
        purpose: 'new_employment',
        level: 'accompanied_with_follow_up',
        referred_on: tokyoDate(-3),
        shared_items: ['name', 'contact'],
        consultation_id: consultation.id,
      })
    ).id;

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageProblems.push(`uncaught: ${e.message}`));
    // window.print() opens no dialog in a headless test: count the calls instead.
    await page.addInitScript(() => {
      // @ts-expect-error a counter for the test
      window.__printed = 0;
      // @ts-expect-error a counter for the test
      window.print = () => void (window.__printed += 1);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('prints the patient summary: profile, consent, open referral with its next due date, history; no menu on paper', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/patients/${ids.patient}`);
    await expectHeading(PATIENT_NAME);
    await page.getByRole('link', { name: '患者サマリーを印刷' }).click();
    await expectHeading(`患者サマリー：${PATIENT_NAME}`);
    const view = page.getByTestId('print-view');
    await view.getByText(DIAGNOSIS).waitFor();
    await view.getByText(PHONE).waitFor();
    await view.getByRole('heading', { name: 'いまの状況' }).waitFor();
    await view.getByTestId('open-referral').getByRole('link', { name: HELLO_WORK.name }).waitFor();
    await view.getByTestId('open-referral').getByText(/^次回フォローアップ：/).waitFor();
    await view.getByRole('heading', { name: /^最近の経過（新しい順に\d+件）$/ }).waitFor();
    await expectAccessible('the patient summary print view');

    const nav = page.getByRole('navigation', { name: 'メインメニュー', includeHidden: true });
    const printButton = page.getByRole('button', { name: '印刷', exact: true, includeHidden: true });
    assert.ok(await shown(nav), 'the menu shows on screen');
    assert.ok(await shown(printButton), 'the print button shows on screen');
    await printButton.click();
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__printed), 1, '「印刷」 calls window.print()');

    await page.emulateMedia({ media: 'print' });
    assert.equal(await shown(nav), false, 'no menu on paper');
    assert.equal(await shown(page.locator('header').first()), false, 'no header on paper');
    assert.equal(await shown(printButton), false, 'no buttons on paper');
    assert.ok(await shown(view.getByText(DIAGNOSIS)), 'the summary itself prints');
    const colours = await page.evaluate(() => {
      const cs = getComputedStyle(document.body);
      return [cs.color, cs.backgroundColor];
    });
    assert.deepEqual(colours, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)'], 'black on white');
    await page.emulateMedia({ media: 'screen' });
  });

  step('prints the referral sheet with the shared items only: name and contact, not the diagnosis nor the birth date', async () => {
    await inAppGo(`/referrals/${ids.referral}`);
    await expectHeading(`紹介：${HELLO_WORK.name}`);
    await page.getByRole('link', { name: '就労相談票を印刷' }).click();
    await expectHeading('就労相談票');
    const sheet = page.getByTestId('sheet-patient');
    await sheet.getByText('本人が提供に同意した項目のみを記載しています。').waitFor();
    await sheet.getByText('小野 美咲（オノ ミサキ）').waitFor();
    await sheet.getByText(`電話番号：${PHONE}`).waitFor();
    await expectAccessible('the referral sheet');

    await page.emulateMedia({ media: 'print' });
    const view = page.getByTestId('print-view');
    const text = await view.innerText();
    assert.ok(text.includes('小野 美咲'), 'the name is on the sheet');
    assert.ok(text.includes(PHONE), 'the contact is on the sheet');
    assert.ok(text.includes(HELLO_WORK.name), 'the agency is on the sheet');
    assert.ok(!text.includes(DIAGNOSIS), `no diagnosis on the sheet:\n${text}`);
    assert.ok(!text.includes('病名'), 'no diagnosis row either');
    assert.ok(!/1988|昭和63/.test(text), 'no birth date');
    assert.ok(!text.includes('短時間勤務の求人を探したい'), 'no consultation record (not shared)');
    const terms = await sheet.locator('dt').allInnerTexts();
    assert.deepEqual(terms.slice(0, 2), ['氏名', '連絡先']);
    assert.equal(await shown(page.getByRole('navigation', { name: 'メインメニュー', includeHidden: true })), false, 'no menu on paper');
    assert.equal(await shown(page.getByRole('button', { name: '印刷', exact: true, includeHidden: true })), false, 'no buttons on paper');
    await page.emulateMedia({ media: 'screen' });
  });

  step('fits a phone: neither print view scrolls sideways at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, heading] of [
      [`/patients/${ids.patient}/print`, `患者サマリー：${PATIENT_NAME}`],
      [`/referrals/${ids.referral}/print`, '就労相談票'],
    ]) {
      await inAppGo(path);
      await expectHeading(heading);
      await page.getByTestId('print-view').getByRole('button', { name: '印刷', exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      assert.ok(scroll <= inner, `${path}: scrollWidth ${scroll} > innerWidth ${inner}`);
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    assert.deepEqual(pageProblems, []);
  });
});

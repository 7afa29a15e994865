// Daily work in seconds, counted: from the home page, one consultation for an existing
// patient in at most 4 clicks plus the typing, and a level-4 referral with the patient's
// consent recorded on the way in at most 10. Every click goes through `click` and every
// choice in a drop-down list through `choose` (one each; typing is not counted); the page
// itself counts the pointer presses it received, which must agree. The counts are printed.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { CONSULTANT, HELLO_WORK, makeCenter, makePatient, tokyoDate } from './support/center.mjs';
import { harness } from './support/harness.mjs';
import { startServer } from './support/server.mjs';

const PATIENT_NAME = '青木 優子';
const MAX_CONSULTATION = 4;
const MAX_REFERRAL = 10;

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const pageProblems = /** @type {string[]} */ ([]);

const h = harness('clicks', () => page, () => server);
const { step, field, expectAccessible, expectHeading, signIn, inAppGo } = h;

/** What one task took: clicks, choices from a list, and the presses the page saw. */
class Counter {
  clicks = 0;
  choices = 0;
  get total() {
    return this.clicks + this.choices;
  }
  /** @param {import('playwright-core').Locator} locator */
  async click(locator) {
    this.clicks += 1;
    await locator.click();
  }
  /** A choice in a drop-down list: one action (a click and a pick, or the keyboard). @param {import('playwright-core').Locator} locator @param {string | { label: string }} option */
  async choose(locator, option) {
    this.choices += 1;
    await locator.selectOption(option);
  }
}

/** The pointer presses the page received since `resetPresses`. */
async function presses() {
  return page.evaluate(() => /** @type {any} */ (window).__presses);
}
async function resetPresses() {
  await page.evaluate(() => {
    /** @type {any} */ (window).__presses = 0;
  });
}

describe('daily work in seconds: counted clicks', () => {
  before(async () => {
    server = await startServer();
    const c = await makeCenter(server, h);
    const patient = await makePatient(h, c.tokens.consultant, {
      family_name: '青木',
      given_name: '優子',
      family_name_kana: 'アオキ',
      given_name_kana: 'ユウコ',
      birth_date: '1990-09-09',
      phone: '086-000-5678',
      employment_status: 'job_seeking',
    });
    // She came once before: she is on the consultant's home page.
    await h.apiCall('POST', '/consultations', c.tokens.consultant, {
      patient_id: patient.id,
      occurred_at: `${tokyoDate(-14)}T14:00:00+09:00`,
      channel: 'phone',
      requester: 'patient',
      topics: ['illness'],
      with_employment_supporter: false,
    });

    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageProblems.push(`uncaught: ${e.message}`));
    // Every real press of the pointer, as the page sees it (a label's click on its input is not one).
    await page.addInitScript(() => {
      /** @type {any} */ (window).__presses = 0;
      document.addEventListener(
        'pointerdown',
        (e) => {
          if (e.isTrusted) /** @type {any} */ (window).__presses += 1;
        },
        true,
      );
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step(`records a consultation for an existing patient from home in at most ${MAX_CONSULTATION} clicks plus the typing`, async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await resetPresses();
    const n = new Counter();

    await n.click(page.getByTestId('record-consultation'));
    await expectHeading('相談の記録');
    await field('患者を氏名またはフリガナで検索').fill('アオキ');
    await n.click(page.getByRole('radio', { name: new RegExp(`^${PATIENT_NAME}`) }));
    // 電話 and 本人 are the defaults; the topic is the one choice to make.
    await n.click(page.getByRole('checkbox', { name: '就労', exact: true }));
    await field('概要').fill('事務職の求人について相談。ハローワークへの同行を希望');
    await expectAccessible('the consultation form, filled');
    await n.click(page.getByRole('button', { name: '相談を記録する' }));
    await expectHeading(PATIENT_NAME);
    await page.getByRole('status').getByText('登録しました。').waitFor();

    console.log(`clicks to record a consultation from home: ${n.clicks} clicks, ${n.choices} list choices (at most ${MAX_CONSULTATION})`);
    assert.equal(await presses(), n.clicks, 'the page saw as many presses as were counted');
    assert.ok(n.total <= MAX_CONSULTATION, `a consultation took ${n.total}`);
  });

  step(`records a level-4 referral with the consent in at most ${MAX_REFERRAL} clicks from home`, async () => {
    await inAppGo('/');
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await resetPresses();
    const n = new Counter();

    await n.click(page.getByRole('table', { name: 'あなたの最近の相談' }).getByRole('link', { name: new RegExp(PATIENT_NAME) }).first());
    await expectHeading(PATIENT_NAME);
    await n.click(page.getByRole('link', { name: '就労支援機関に紹介' }));
    await expectHeading('就労支援機関への紹介');
    // The center has one Hello Work office: choosing the type chooses it.
    await n.choose(field('機関の種類'), 'hello_work');
    assert.equal(await field('紹介先の機関').locator('option:checked').textContent(), HELLO_WORK.name);
    // She is looking for work: 新規就労 is where the form starts.
    await page.getByRole('radio', { name: '新規就労', checked: true }).waitFor();
    await n.click(page.getByRole('radio', { name: /就労支援機関の相談に同席し、その後もフォローアップ$/ }));
    await n.click(page.getByRole('checkbox', { name: '氏名', exact: true }));
    await n.click(page.getByRole('checkbox', { name: '連絡先', exact: true }));
    // Her consent, recorded right there (today, employment agencies, given by herself).
    const panel = page.getByTestId('consent-panel');
    await panel.getByText(/この機関に提供できる有効な同意がありません。/).waitFor();
    await n.click(panel.getByRole('button', { name: '同意を記録', exact: true }));
    await n.click(panel.getByRole('button', { name: '同意を記録する' }));
    await panel.getByText(/^この機関に提供できる同意があります：/).waitFor();
    // The consultation just recorded is the trigger.
    assert.notEqual(await field('きっかけとなった相談').inputValue(), '');
    await expectAccessible('the referral form, filled');
    await n.click(page.getByRole('button', { name: '紹介を記録する' }));
    await expectHeading(`紹介：${HELLO_WORK.name}`);
    await page.getByText('就労支援機関の相談に同席し、その後もフォローアップ').first().waitFor();
    await page.getByRole('table', { name: 'フォローアップ', exact: true }).getByText('予定', { exact: true }).waitFor();

    console.log(`clicks to record a level-4 referral with consent from home: ${n.clicks} clicks, ${n.choices} list choices (at most ${MAX_REFERRAL})`);
    assert.equal(await presses(), n.clicks, 'the page saw as many presses as were counted');
    assert.ok(n.total <= MAX_REFERRAL, `a referral took ${n.total}`);
    assert.deepEqual(pageProblems, []);
  });
});

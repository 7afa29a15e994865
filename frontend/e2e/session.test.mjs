// Sessions as people use tabs, in a real browser against the real server: F5 on a patient's
// page keeps the user signed in (no password, no second factor again), a second tab opens
// signed in, and signing out in one tab signs the other out on its next call. The refresh
// token never reaches the page's scripts (an HttpOnly cookie).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'okayama', name: '岡山県難病相談支援センター', prefecture_code: '33', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'okayama.admin', display_name: '岡 太郎', password: 'Kibidango-peach-castle-2026' };
const CONSULTANT = { login: 'mori.yoko', display_name: '森 陽子', password: 'Korakuen-garden-crane-31' };
const PATIENT_NAME = '桃井 花子';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').BrowserContext} */
let context;
/** @type {import('playwright-core').Page} */
let page;
let patientId = '';

const { step, expectHeading, signIn, signOut, inAppGo, apiCall, token } = harness(
  'session',
  () => page,
  () => server,
);

describe('sessions survive a reload and a second tab; sign-out reaches every tab', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    patientId = (
      await apiCall('POST', '/patients', consultant, {
        family_name: '桃井',
        given_name: '花子',
        family_name_kana: 'モモイ',
        given_name_kana: 'ハナコ',
        birth_date: '1980-07-07',
        program: 'nanbyo',
        employment_status: 'job_seeking',
        support_awareness: 'aware_not_used',
      })
    ).id;
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('F5 on a patient page keeps the user signed in; the refresh token is not in the page', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/patients/${patientId}`);
    await expectHeading(PATIENT_NAME);
    const cookies = await context.cookies();
    const refresh = cookies.find((c) => c.name === 'tsunagu_refresh');
    assert.ok(refresh, 'the refresh cookie is set');
    assert.equal(refresh.httpOnly, true);
    assert.equal(refresh.sameSite, 'Strict');
    assert.equal(refresh.path, '/api/v1/auth');
    assert.equal(await page.evaluate(() => document.cookie.includes('tsunagu_refresh')), false);

    await page.reload();
    await expectHeading(PATIENT_NAME);
    assert.equal(await page.getByRole('heading', { name: 'ログイン' }).count(), 0);
  });

  step('a second tab opens signed in; signing out there signs this tab out on its next call', async () => {
    const second = await context.newPage();
    second.setDefaultTimeout(15_000);
    await second.goto(`${server.url}/patients`);
    await second.getByRole('heading', { name: '患者', level: 1 }).waitFor();
    // Both tabs work side by side.
    await inAppGo(`/patients/${patientId}`);
    await expectHeading(PATIENT_NAME);

    await second.getByRole('button', { name: 'ログアウト' }).click();
    await second.getByRole('heading', { name: 'ログイン' }).waitFor();
    // This tab's next call finds its session gone, and the cookie with it.
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '患者', exact: true }).click();
    await expectHeading('ログイン');
    await page.reload();
    await expectHeading('ログイン');
    await second.close();
  });

  step('signing in again works, and signing out leaves no session behind a reload', async () => {
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(/患者|ようこそ/);
    await signOut();
    await page.reload();
    await expectHeading('ログイン');
  });
});

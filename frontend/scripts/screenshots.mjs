#!/usr/bin/env node
// The README's screenshots, made again from the real thing: fills a fresh demo center
// (`tsunagu demo-data`), starts the server on it with the built web app, signs in as the demo
// consultant and supervisor in Debian's chromium, and writes viewport-only PNGs at 1366×768
// into frontend/screenshots/. Nothing is left behind but the pictures.
//
//   npm run build && npm run screenshots
//
// TSUNAGU_BIN picks the server binary (default ../target/debug/tsunagu), CHROMIUM_PATH the
// browser, SCREENSHOT_PATIENTS the size of the demo center (default 300).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../e2e/support/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FRONTEND = resolve(here, '..');
const REPO = resolve(FRONTEND, '..');
const OUT = join(FRONTEND, 'screenshots');
const BINARY = process.env.TSUNAGU_BIN ?? join(REPO, 'target/debug/tsunagu');
const SPA = join(FRONTEND, 'dist');
const PATIENTS = process.env.SCREENSHOT_PATIENTS ?? '300';
const VIEWPORT = { width: 1366, height: 768 };

if (!existsSync(BINARY)) throw new Error(`no server binary at ${BINARY}: run \`cargo build -p tsunagu-server\` (or set TSUNAGU_BIN)`);
if (!existsSync(join(SPA, 'index.html'))) throw new Error(`no built web app in ${SPA}: run \`npm run build\` first`);

const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-shots-'));
const env = {
  ...process.env,
  TSUNAGU_DATABASE_URL: `sqlite://${join(dataDir, 'demo.db')}`,
  TSUNAGU_LISTEN: '127.0.0.1:0',
  TSUNAGU_SPA_DIR: SPA,
  TSUNAGU_ADMIN_PASSWORD: 'Screenshots-only-admin-2026!',
};

/** Runs the binary to its end; answers what it printed. @param {string[]} args */
function run(args) {
  return new Promise((done, fail) => {
    const child = spawn(BINARY, args, { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? done(out) : fail(new Error(`tsunagu ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/** Starts `tsunagu serve`; answers its address and a way to stop it. */
function serve() {
  return new Promise((done, fail) => {
    const child = spawn(BINARY, ['serve'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the server did not start in 60 s:\n${out}`)), 60_000);
    const read = (/** @type {Buffer} */ c) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({ url: m[1], stop: () => child.kill('SIGTERM') });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => fail(new Error(`the server exited (${code}):\n${out}`)));
  });
}

let server = /** @type {{ url: string, stop: () => void } | null} */ (null);
let browser = /** @type {import('playwright-core').Browser | null} */ (null);
try {
  console.log(`Filling a demo center with ${PATIENTS} patients…`);
  const printed = await run(['demo-data', '--patients', PATIENTS]);
  const password = /password shown only now\): (\S+)/.exec(printed)?.[1];
  if (!password) throw new Error(`demo-data printed no password:\n${printed}`);
  const running = await serve();
  server = running;
  const base = running.url;

  /** @param {string} login */
  const token = async (login) => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login, password }),
    });
    if (!res.ok) throw new Error(`sign-in of ${login} answered ${res.status}`);
    return /** @type {string} */ ((await res.json()).access_token);
  };
  /** @param {string} path @param {string} bearer */
  const get = async (path, bearer) => {
    const res = await fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${bearer}` } });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    return res.json();
  };

  // The consultant's patient with something open: the first of their follow-ups.
  const consultantToken = await token('demo.consultant1');
  const queue = await get('/follow-ups?assignee=me&limit=1', consultantToken);
  const patientId = queue.items[0]?.patient_id ?? (await get('/patients?limit=1', consultantToken)).items[0].id;

  browser = await launchBrowser();
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  mkdirSync(OUT, { recursive: true });

  /** @param {string} login */
  const signIn = async (login) => {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { level: 1, name: 'ログイン' }).waitFor();
    await page.getByLabel(/^ログインID/).fill(login);
    await page.getByLabel(/^パスワード/).fill(password);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^ようこそ/ }).waitFor();
  };
  /** Goes inside the app without a reload (the session lives in memory). @param {string} path */
  const go = async (path) => {
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);
  };
  /** @param {string} name */
  const shoot = async (name) => {
    await page.waitForLoadState('networkidle');
    // Nothing still loading, charts done drawing, the page at its top.
    await page.getByText('読み込み中', { exact: false }).first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(800);
    const file = join(OUT, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`  ${file}`);
  };

  console.log('Taking the screenshots…');
  await signIn('demo.consultant1');
  await shoot('home');
  await go(`/patients/${patientId}`);
  await page.getByTestId('patient-summary').waitFor();
  await shoot('patient');
  await go('/follow-ups/calendar');
  await page.getByTestId('calendar-days').waitFor();
  await shoot('calendar');
  await page.getByRole('button', { name: 'ログアウト' }).click();

  await signIn('demo.supervisor');
  await go('/supervision');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await shoot('review-list');
  // The same on a phone, from the counts down: each referral a card.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('queue-open').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#queue-summary').evaluate((h) => h.closest('section')?.scrollIntoView());
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(OUT, 'review-list-phone.png') });
  console.log(`  ${join(OUT, 'review-list-phone.png')}`);
  await page.setViewportSize(VIEWPORT);
  await go('/reports');
  await page.getByRole('heading', { level: 1, name: /報告/ }).waitFor();
  await shoot('reports');
  console.log('Done.');
} finally {
  await browser?.close();
  server?.stop();
  // Give the server a moment to close its database before the folder goes.
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
}

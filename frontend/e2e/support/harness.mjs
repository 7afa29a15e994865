// What a browser test file does again and again, in one place: steps that stop after the
// first failure, fields by their label, the axe check, signing in and out, the main menu,
// and calls to the API beside the browser. The file keeps its own `page` and `server` (set
// in its `before`), which the helpers read through the getters they are given.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeViolations, seriousViolations } from './browser.mjs';

/** Text matched literally inside a RegExp. @param {string} text */
export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * @param {string} name  names the screenshots (`E2E_SHOTS=1`) of a failed step
 * @param {() => import('playwright-core').Page} getPage
 * @param {() => import('./server.mjs').RunningServer} getServer
 */
export function harness(name, getPage, getServer) {
  let broken = false;

  /** A test that is skipped once an earlier one failed (the steps build on each other). @param {string} title @param {() => Promise<void> | void} fn */
  function step(title, fn) {
    it(title, async (t) => {
      if (broken) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn();
      } catch (e) {
        broken = true;
        // E2E_SHOTS=1 keeps a picture of the page where a step failed.
        if (process.env.E2E_SHOTS) await getPage()?.screenshot({ path: `/tmp/e2e-${name}-${title.slice(0, 20)}.png`, fullPage: true });
        throw e;
      }
    });
  }

  /** A form field by its label, with or without the required mark. @param {string} label */
  function field(label) {
    return getPage().getByLabel(new RegExp(`^${escapeRegExp(label)}(※必須)?$`));
  }

  /** @param {string} what */
  async function expectAccessible(what) {
    const violations = await seriousViolations(getPage());
    assert.equal(violations.length, 0, `axe found serious or critical violations on ${what}:\n${describeViolations(violations)}`);
  }

  /** @param {string | RegExp} text */
  async function expectHeading(text) {
    await getPage().getByRole('heading', { level: 1, name: text }).waitFor();
  }

  /** @param {string} login @param {string} password */
  async function signIn(login, password) {
    await expectHeading('ログイン');
    await field('ログインID').fill(login);
    await field('パスワード').fill(password);
    await getPage().getByRole('button', { name: 'ログイン', exact: true }).click();
  }

  async function signOut() {
    await getPage().getByRole('button', { name: 'ログアウト' }).click();
    await expectHeading('ログイン');
  }

  /** @param {string} item */
  async function nav(item) {
    await getPage().getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: item, exact: true }).click();
  }

  /** Goes to an address inside the app as its router would, without a reload. @param {string} path */
  async function inAppGo(path) {
    await getPage().evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);
  }

  async function menu() {
    return getPage().getByRole('navigation', { name: 'メインメニュー' }).getByRole('link').allTextContents();
  }

  /**
   * A call to the API beside the browser; answers the body and the ETag.
   * @param {string} method @param {string} path @param {string | null} token @param {unknown} [body]
   * @param {Record<string, string>} [headers]
   */
  async function apiFull(method, path, token, body, headers = {}) {
    const res = await fetch(`${getServer().url}/api/v1${path}`, {
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

  /**
   * Counts the browser's own calls to the API from now on (`path` under /api/v1), e.g. to
   * show that a form refused its input without sending it; `stop()` ends the count and
   * answers it.
   * @param {string} method @param {string} path
   */
  function countCalls(method, path) {
    const page = getPage();
    let count = 0;
    /** @param {import('playwright-core').Request} r */
    const seen = (r) => {
      if (r.method() === method && new URL(r.url()).pathname === `/api/v1${path}`) count += 1;
    };
    page.on('request', seen);
    return {
      stop() {
        page.off('request', seen);
        return count;
      },
    };
  }

  /**
   * Types letters into the number field labelled `label` (API name `name`), submits with the
   * button `submit`, and expects the form's own refusal beside the field and in the error
   * summary, with nothing sent to `path` (a new record's POST).
   * @param {{ label: string, name: string, submit: string, path: string }} f
   */
  async function expectNumberRefused({ label, name, submit, path }) {
    const page = getPage();
    const message = '半角または全角の数字で入力してください。';
    const posts = countCalls('POST', path);
    await field(label).fill('abc');
    await page.getByRole('button', { name: submit }).click();
    await page.getByRole('link', { name: `${label}：${message}` }).waitFor();
    assert.equal(await page.locator(`#field-${name}-error`).textContent(), `＊${message}`);
    assert.equal(posts.stop(), 0);
  }

  /** @param {string} login @param {string} password */
  async function token(login, password) {
    const body = await apiCall('POST', '/auth/login', null, { login, password });
    return /** @type {string} */ (body.access_token);
  }

  return { step, field, expectAccessible, expectHeading, signIn, signOut, nav, inAppGo, menu, apiFull, apiCall, token, countCalls, expectNumberRefused };
}

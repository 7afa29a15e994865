// Third-party integration end to end, in a real browser against the real server: the
// center administrator registers an API client and sees its secret once, which then gets a
// token from the real token endpoint; renames it while someone else changes it (412);
// rotates the secret (the new one works, the old one stops at once) and revokes the client
// (the token endpoint refuses it). Then a webhook with two events: its signing secret once,
// the list, an empty delivery log, a pause and a deletion. Every new page is checked with
// axe-core.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { escapeRegExp, harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';
import { createStaff } from './support/staff.mjs';

const CENTER = { code: 'hiroshima', name: '広島県難病相談支援センター', prefecture_code: '34', operating_type: 'patient_organization' };
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const CLIENT_NAME = '県庁ダッシュボード';
const CLIENT_RENAMED = '広島県庁ダッシュボード';
const HOOK_URL = 'https://example.jp/hook';

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** The center administrator's authenticator app and a token (enrolled through the API). */
let app = /** @type {import('./support/totp.mjs').Authenticator | null} */ (null);
let centerAdminToken = '';
/** The API client as the screens showed it. */
const client = { id: '', clientId: '', secret: '', firstSecret: '' };
/** A receiver on this machine that is down for maintenance (503), and what it was sent. */
let receiver = /** @type {import('node:http').Server | null} */ (null);
const received = /** @type {{ headers: import('node:http').IncomingHttpHeaders, body: string }[]} */ ([]);
/** Uncaught errors and Content-Security-Policy violations seen in the page. */
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, nav, inAppGo, menu, apiFull, apiCall, token } = harness(
  'integrations',
  () => page,
  () => server,
);

/** @param {string} name */
async function subNav(name) {
  await page.getByRole('navigation', { name: '外部連携のページ' }).getByRole('link', { name, exact: true }).click();
}

/**
 * A checkbox of a grouped choice: its group's legend and the start of its label.
 * @param {string} group @param {string} label
 */
function choice(group, label) {
  return page.getByRole('group', { name: group, exact: true }).getByRole('checkbox', { name: new RegExp(`^${escapeRegExp(label)}`) });
}

/**
 * What a third-party application does: the client-credentials grant, form-encoded.
 * @param {string} clientId @param {string} clientSecret
 */
async function requestToken(clientId, clientSecret) {
  const res = await fetch(`${server.url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  return { status: res.status, body: /** @type {Record<string, unknown>} */ (await res.json()) };
}

/** The secret panel's values. */
async function shownSecret(/** @type {string} */ testId) {
  return ((await page.getByTestId(testId).textContent()) ?? '').trim();
}

describe('integration: API clients and webhooks', () => {
  before(async () => {
    server = await startServer();
    // The center and its administrator come through the API: the first slice's test covers those screens.
    const sys = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', sys, CENTER);
    await createStaff(server.url, sys, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    // The center requires two factors of its administrator: it enrols through the API (its
    // authenticator signs in below) and relaxes the requirement for the rest of the staff.
    const enrolled = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    app = enrolled.app;
    centerAdminToken = enrolled.token;
    await createStaff(server.url, centerAdminToken, { ...CONSULTANT, role: 'consultant' });

    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(503).end('maintenance');
      });
    });
    await new Promise((resolve) => receiver?.listen(0, '127.0.0.1', () => resolve(undefined)));

    browser = await launchBrowser();
    // A browser far from Japan: every time on screen must still be Asia/Tokyo's.
    const context = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'America/New_York',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
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
    await new Promise((resolve) => (receiver ? receiver.close(() => resolve(undefined)) : resolve(undefined)));
  });

  step('offers the center administrator the integration pages', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CENTER_ADMIN.login, CENTER_ADMIN.password);
    await expectHeading('確認コードの入力');
    await field('確認コード（6桁）').fill(await /** @type {import('./support/totp.mjs').Authenticator} */ (app).code());
    await page.getByRole('button', { name: '確認してログイン' }).click();
    await expectHeading(`ようこそ、${CENTER_ADMIN.display_name}さん`);
    assert.deepEqual(await menu(), ['ホーム', '職員', '就労支援機関', '報告', '操作・閲覧の記録', '外部連携']);
    await page.getByRole('link', { name: '外部連携を管理する' }).waitFor();

    await nav('外部連携');
    await expectHeading('外部連携アプリ');
    assert.equal(new URL(page.url()).pathname, '/integrations/api-clients');
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
    await expectAccessible('the API client list (empty)');
  });

  step('registers an API client and shows its secret once, which gets a token', async () => {
    await page.getByRole('link', { name: 'アプリを登録' }).click();
    await expectHeading('外部連携アプリの登録');
    // No scope first: the API's reason appears at the group of scopes.
    await field('アプリ名').fill(CLIENT_NAME);
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('link', { name: '権限（スコープ）：1つ以上選んでください。' }).waitFor();
    assert.equal(await choice('患者・相談の記録（個人情報を含む）', '患者情報の閲覧').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the API client form with errors');

    await choice('患者・相談の記録（個人情報を含む）', '患者情報の閲覧').check();
    await choice('機関・報告・監査', '報告').check();
    await page.getByRole('button', { name: '登録する' }).click();

    const panel = page.getByRole('region', { name: 'クライアントシークレットを発行しました' });
    await panel.waitFor();
    // The heading takes focus; the warning is an alert.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'secret-panel-title');
    await panel.getByRole('alert').getByText('シークレットはこの画面で一度だけ表示されます', { exact: true }).waitFor();
    client.clientId = await shownSecret('client-id');
    client.secret = await shownSecret('client-secret');
    assert.match(client.clientId, /^tsu_[0-9a-f]+$/);
    assert.match(client.secret, /^tsusec_/);
    assert.equal(await shownSecret('token-endpoint'), `${server.url}/api/v1/oauth/token`);

    await panel.getByRole('button', { name: 'クライアントシークレットをコピー' }).click();
    await panel.getByRole('status').getByText('クライアントシークレットをコピーしました。').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), client.secret);
    await expectAccessible('the one-time secret of a new API client');

    // The application's side: the client-credentials grant with what the screen showed.
    const granted = await requestToken(client.clientId, client.secret);
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(typeof granted.body.access_token, 'string');
    assert.equal(granted.body.scope, 'patients:read reports:read');
    // The token reads what its scopes allow.
    const patients = await fetch(`${server.url}/api/v1/patients`, { headers: { Authorization: `Bearer ${granted.body.access_token}` } });
    assert.equal(patients.status, 200);
  });

  step('lists the client, and never shows its secret again', async () => {
    await page.getByRole('link', { name: '一覧へ戻る' }).click();
    await expectHeading('外部連携アプリ');
    const row = page.getByRole('row', { name: new RegExp(CLIENT_NAME) });
    await row.getByRole('cell', { name: client.clientId, exact: true }).waitFor();
    await row.getByRole('cell', { name: '有効', exact: true }).waitFor();
    const scopes = await row.getByTestId('scopes').getByRole('listitem').allTextContents();
    assert.equal(scopes.length, 2);
    assert.match(scopes[0] ?? '', /^患者情報の閲覧.*patients:read$/);
    assert.match(scopes[1] ?? '', /^報告.*reports:read$/);
    // It got a token: last used is a time (Asia/Tokyo), not 未使用.
    assert.equal(await row.getByRole('cell', { name: '未使用', exact: true }).count(), 0);
    assert.ok(!(await page.content()).includes(client.secret));
    await expectAccessible('the API client list');

    await row.getByRole('link', { name: CLIENT_NAME }).click();
    await expectHeading('外部連携アプリの設定');
    client.id = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByTestId('client-name').getByText(CLIENT_NAME).waitFor();
    assert.equal(await field('アプリ名').inputValue(), CLIENT_NAME);
    assert.ok(!(await page.content()).includes(client.secret));
    await expectAccessible('the API client page');
  });

  step('renames the client while someone else changes its scopes, and reapplies', async () => {
    await field('アプリ名').fill(CLIENT_RENAMED);
    // Meanwhile the client gets agencies:read through the API.
    const current = await apiFull('GET', `/api-clients/${client.id}`, centerAdminToken);
    await apiFull(
      'PATCH',
      `/api-clients/${client.id}`,
      centerAdminToken,
      { scopes: ['patients:read', 'agencies:read', 'reports:read'] },
      { 'If-Match': current.etag },
    );

    await page.getByRole('button', { name: '保存する' }).click();
    const conflict = page.getByRole('region', { name: '他の人がこの外部連携アプリを更新しました' });
    await conflict.waitFor();
    await conflict.getByRole('row', { name: /権限（スコープ）/ }).getByRole('cell', { name: /就労支援機関の閲覧/ }).waitFor();
    await expectAccessible('the API client edit conflict');
    await page.getByRole('button', { name: 'あなたの入力を現在の内容に適用する' }).click();
    assert.equal(await field('アプリ名').inputValue(), CLIENT_RENAMED);
    assert.equal(await choice('機関・報告・監査', '就労支援機関の閲覧').isChecked(), true);
    await page.getByRole('button', { name: '保存する' }).click();

    await expectHeading('外部連携アプリ');
    await page.getByText('保存しました。', { exact: true }).waitFor();
    // The list may show its previous answer for a moment: wait for the saved version.
    const row = page.getByRole('row', { name: new RegExp(CLIENT_RENAMED) });
    await row.getByTestId('scopes').getByText('agencies:read').waitFor();
    assert.equal(await row.getByTestId('scopes').getByRole('listitem').count(), 3);
  });

  step('rotates the secret: the new one works and, without overlap, the old one stops', async () => {
    await page.getByRole('link', { name: CLIENT_RENAMED }).click();
    await expectHeading('外部連携アプリの設定');
    const overlap = page.getByRole('group', { name: /^以前のシークレットを使える期間/ });
    assert.equal(await overlap.getByRole('radio', { name: '1日（標準）' }).isChecked(), true);
    await overlap.getByRole('radio', { name: 'すぐに使えなくする' }).check();
    await page.getByRole('button', { name: 'シークレットを再発行する' }).click();

    const panel = page.getByRole('region', { name: '新しいクライアントシークレットを発行しました' });
    await panel.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'secret-panel-title');
    await panel.getByText('以前のシークレットはもう使えません。', { exact: true }).waitFor();
    assert.equal(await shownSecret('client-id'), client.clientId);
    client.firstSecret = client.secret;
    client.secret = await shownSecret('client-secret');
    assert.notEqual(client.secret, client.firstSecret);
    await expectAccessible('the one-time secret of a rotation');

    const fresh = await requestToken(client.clientId, client.secret);
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    assert.equal(fresh.body.scope, 'patients:read agencies:read reports:read');
    const old = await requestToken(client.clientId, client.firstSecret);
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'invalid_client');

    // Still editable after the rotation (the form follows the new version).
    assert.equal(await field('アプリ名').inputValue(), CLIENT_RENAMED);
  });

  step('revokes the client after a confirmation; the token endpoint then refuses it', async () => {
    const revoke = page.getByRole('button', { name: 'このアプリを無効化する' });
    await revoke.click();
    const confirm = page.getByRole('region', { name: `「${CLIENT_RENAMED}」を無効化しますか？` });
    await confirm.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'revoke-confirm');
    await expectAccessible('the revocation confirmation');
    // Escape cancels, and focus goes back to the button.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await revoke.evaluate((el) => el === document.activeElement), true);
    assert.equal((await requestToken(client.clientId, client.secret)).status, 200);

    await revoke.click();
    await confirm.getByRole('button', { name: '無効化する', exact: true }).click();
    await page.getByText('アプリを無効化しました。', { exact: true }).waitFor();
    await page.getByText(/^このアプリは無効化されています（/).waitFor();
    // Nothing left to change: no form, no rotation, no revocation.
    assert.equal(await page.getByRole('button', { name: 'シークレットを再発行する' }).count(), 0);
    assert.equal(await field('アプリ名').count(), 0);
    await expectAccessible('a revoked API client');

    const refused = await requestToken(client.clientId, client.secret);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_client');

    await subNav('外部連携アプリ');
    await expectHeading('外部連携アプリ');
    await page.getByRole('row', { name: new RegExp(CLIENT_RENAMED) }).getByRole('cell', { name: '無効化済み', exact: true }).waitFor();
  });

  step('adds a webhook with two events and shows its signing secret once', async () => {
    await subNav('Webhook');
    await expectHeading('Webhook');
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
    await expectAccessible('the webhook list (empty)');
    await page.getByRole('link', { name: 'Webhookを登録' }).click();
    await expectHeading('Webhookの登録');
    // Plain http:// to a host on the internet first: the API's reason appears at the field.
    await field('送信先URL').fill('http://example.jp/hook');
    await field('説明').fill('県の集計システム');
    await choice('紹介', '就労支援機関に紹介した').check();
    await choice('フォローアップ', 'フォローアップが期限を過ぎた').check();
    await expectAccessible('the webhook form');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('link', { name: /^送信先URL：https:\/\/ で始まるURL/ }).waitFor();
    assert.equal(await field('送信先URL').getAttribute('aria-invalid'), 'true');
    await expectAccessible('the webhook form with errors');

    await field('送信先URL').fill(HOOK_URL);
    await page.getByRole('button', { name: '登録する' }).click();
    const panel = page.getByRole('region', { name: '署名用シークレットを発行しました' });
    await panel.waitFor();
    await panel.getByRole('alert').getByText('シークレットはこの画面で一度だけ表示されます', { exact: true }).waitFor();
    const secret = await shownSecret('webhook-secret');
    assert.match(secret, /^whsec_/);
    await expectAccessible('the one-time secret of a new webhook');

    await page.getByRole('link', { name: '一覧へ戻る' }).click();
    await expectHeading('Webhook');
    const row = page.getByRole('row', { name: new RegExp(escapeRegExp(HOOK_URL)) });
    await row.waitFor();
    assert.deepEqual(await row.getByTestId('events').getByRole('listitem').allTextContents(), [
      '就労支援機関に紹介した',
      'フォローアップが期限を過ぎた',
    ]);
    await row.getByRole('cell', { name: '配信中', exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(secret));
    await expectAccessible('the webhook list');
  });

  step('shows the webhook with an empty delivery log, and pauses it', async () => {
    await page.getByRole('link', { name: HOOK_URL }).click();
    await expectHeading('Webhookの設定');
    await page.getByRole('heading', { level: 2, name: '配信履歴' }).waitFor();
    await page.getByTestId('deliveries-empty').getByText('まだ配信はありません。').waitFor();
    assert.equal(await field('送信先URL').inputValue(), HOOK_URL);
    assert.equal(await choice('紹介', '就労支援機関に紹介した').isChecked(), true);
    assert.equal(await choice('患者', '患者が登録された').isChecked(), false);
    await expectAccessible('the webhook page');

    await field('このWebhookに通知を送る').uncheck();
    await page.getByRole('button', { name: '保存する' }).click();
    await expectHeading('Webhook');
    await page.getByText('保存しました。', { exact: true }).waitFor();
    await page.getByRole('row', { name: new RegExp(escapeRegExp(HOOK_URL)) }).getByRole('cell', { name: '一時停止中', exact: true }).waitFor();
  });

  step('deletes the webhook after a confirmation', async () => {
    await page.getByRole('link', { name: HOOK_URL }).click();
    await expectHeading('Webhookの設定');
    await page.getByRole('button', { name: 'このWebhookを削除する' }).click();
    const confirm = page.getByRole('region', { name: `${HOOK_URL} へのWebhookを削除しますか？` });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: '削除する', exact: true }).click();
    await expectHeading('Webhook');
    await page.getByText('削除しました。', { exact: true }).waitFor();
    await page.getByText('まだ登録がありません。', { exact: true }).waitFor();
  });

  step('logs a delivery the receiver refused, with its attempts', async () => {
    const address = /** @type {import('node:net').AddressInfo} */ (receiver?.address());
    const localUrl = `http://127.0.0.1:${address.port}/hook`;
    const hook = await apiCall('POST', '/webhooks', centerAdminToken, {
      url: localUrl,
      events: ['patient.created'],
      description: '保守中の受信側',
    });
    // A consultant registers a patient: the subscription's event.
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);
    await apiCall('POST', '/patients', consultant, {
      family_name: '山本',
      given_name: '和子',
      family_name_kana: 'ヤマモト',
      given_name_kana: 'カズコ',
      birth_date: '1985-04-12',
      program: 'nanbyo',
      employment_status: 'job_seeking',
      support_awareness: 'aware_not_used',
    });

    // Its page by its address (in the app: a reload would forget the in-memory session).
    await inAppGo(`/integrations/webhooks/${hook.id}`);
    await expectHeading('Webhookの設定');
    assert.equal(await field('送信先URL').inputValue(), localUrl);
    // The worker sends within about a second: refresh until the attempt is logged.
    const deliveries = page.getByTestId('deliveries');
    const refused = deliveries.getByRole('cell', { name: 'HTTP 503', exact: true });
    for (let n = 0; n < 30 && (await refused.count()) === 0; n += 1) {
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: '最新の状態に更新' }).click();
    }
    await page.screenshot({ path: '/tmp/deliveries.png', fullPage: true });
    const row = deliveries.getByRole('row', { name: /患者が登録された/ });
    await row.getByRole('cell', { name: /^配信待ち$/ }).waitFor();
    await row.getByRole('cell', { name: 'HTTP 503', exact: true }).waitFor();
    await row.getByText(/^次の再送：/).waitFor();
    assert.equal(received.length, 1);
    // Signed per Standard Webhooks, carrying ids and no personal data.
    assert.ok(received[0]?.headers['webhook-signature']);
    assert.ok(!(received[0]?.body ?? '').includes('山本'));

    const show = row.getByRole('button', { name: /^試行の記録を表示/ });
    assert.equal(await show.getAttribute('aria-expanded'), 'false');
    await show.click();
    const attempts = page.getByRole('table', { name: /^試行の記録（患者が登録された、/ });
    await attempts.waitFor();
    assert.equal(await attempts.getByRole('row').count(), 2);
    await attempts.getByRole('cell', { name: '503', exact: true }).waitFor();
    assert.equal(await row.getByRole('button', { name: /^試行の記録を閉じる/ }).getAttribute('aria-expanded'), 'true');
    await expectAccessible('the delivery log with its attempts');
    // On a phone each delivery is a card, its cells labelled with their column's name, and
    // nothing runs off the side of the screen — the attempts included.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await attempts.getByRole('cell', { name: '503', exact: true }).waitFor();
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      assert.ok(scroll <= inner, `scrollWidth ${scroll} > innerWidth ${inner}`);
      const scrollers = await page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid="deliveries"] .cards-on-phone'), (el) => el.scrollWidth - el.clientWidth),
      );
      assert.equal(scrollers.length, 2, 'the log and the attempts, each a table of cards');
      assert.deepEqual(
        scrollers.filter((d) => d > 0),
        [],
        'no table of the delivery log scrolls sideways on a phone',
      );
      const label = await row
        .getByRole('cell', { name: 'HTTP 503', exact: true })
        .evaluate((td) => getComputedStyle(td, '::before').content);
      assert.match(label, /最後の応答/);
      await page.screenshot({ path: '/tmp/deliveries-phone.png', fullPage: true });
      await expectAccessible('the delivery log on a phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    await subNav('Webhook');
    await expectHeading('Webhook');
  });

  step('reads the integration pages in English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expectHeading('Webhooks');
    await page.getByRole('navigation', { name: 'Integration pages' }).getByRole('link', { name: 'API clients' }).click();
    await expectHeading('API clients');
    await page.getByRole('row', { name: new RegExp(CLIENT_RENAMED) }).getByRole('cell', { name: 'Revoked', exact: true }).waitFor();
    await expectAccessible('the API client list in English');
    await page.getByRole('button', { name: '日本語' }).click();
    await expectHeading('外部連携アプリ');
  });

  it('had no uncaught errors or Content-Security-Policy violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});

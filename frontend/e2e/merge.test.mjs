// Issue 15, in a real browser against the real server: a supervisor merges a patient
// registered twice (重複した記録を統合) after seeing what will move, the merged record's
// address leads to the one kept, and a consultant links an anonymous consultation to a
// patient later (患者に結びつける), with the keyboard. Every screen is checked with axe-core.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe } from 'node:test';
import { launchBrowser } from './support/browser.mjs';
import { harness } from './support/harness.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, startServer } from './support/server.mjs';
import { createStaff } from './support/staff.mjs';
import { enrolAdminAndRelax } from './support/totp.mjs';

const CENTER = {
  code: 'hiroshima',
  name: '広島県難病相談支援センター',
  prefecture_code: '34',
  operating_type: 'patient_organization',
};
const CENTER_ADMIN = { login: 'hiroshima.admin', display_name: '山田 太郎', password: 'Setouchi-lemon-ferry-2026' };
const CONSULTANT = { login: 'sato.hanako', display_name: '佐藤 花子', password: 'Miyajima-deer-oyster-77' };
const SUPERVISOR = { login: 'suzuki.ichiro', display_name: '鈴木 一郎', password: 'Onomichi-cycling-bridge-88' };
const NAME = '山田 花子';
const HANAKO = {
  family_name: '山田',
  given_name: '花子',
  family_name_kana: 'ヤマダ',
  given_name_kana: 'ハナコ',
  birth_date: '1975-06-15',
  program: 'nanbyo',
  employment_status: 'job_seeking',
  support_awareness: 'aware_not_used',
};

/** @type {import('./support/server.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const ids = { kept: '', duplicate: '', keptCase: '', duplicateCase: '', anonymous: '' };
const pageProblems = /** @type {string[]} */ ([]);

const { step, field, expectAccessible, expectHeading, signIn, signOut, inAppGo, apiCall, token } = harness(
  'merge',
  () => page,
  () => server,
);

/** A day in Asia/Tokyo, YYYY-MM-DD, `offsetDays` from today. */
function tokyoDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

function history() {
  return page.getByRole('list', { name: '経過' });
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

async function waitForPath(/** @type {string} */ path) {
  await page.waitForFunction((p) => location.pathname === p, path);
}

describe('a duplicate merged, and an anonymous consultation linked later', () => {
  before(async () => {
    server = await startServer();
    const admin = await token(ADMIN_LOGIN, ADMIN_PASSWORD);
    const center = await apiCall('POST', '/centers', admin, CENTER);
    await createStaff(server.url, admin, { ...CENTER_ADMIN, role: 'center_admin', center_id: center.id });
    const { token: centerAdmin } = await enrolAdminAndRelax(server.url, CENTER_ADMIN.login, CENTER_ADMIN.password, center.id);
    await createStaff(server.url, centerAdmin, { ...CONSULTANT, role: 'consultant' });
    await createStaff(server.url, centerAdmin, { ...SUPERVISOR, role: 'supervisor' });
    const consultant = await token(CONSULTANT.login, CONSULTANT.password);

    // ヤマダ ハナコ 1975-06-15, registered twice: each record has a consultation, the
    // second also a consent.
    const kept = await apiCall('POST', '/patients', consultant, HANAKO);
    const duplicate = await apiCall('POST', '/patients', consultant, { ...HANAKO, phone: '082-223-8609' });
    Object.assign(ids, { kept: kept.id, duplicate: duplicate.id, keptCase: kept.case_number, duplicateCase: duplicate.case_number });
    for (const [p, summary] of [
      [kept.id, '就労の相談（初回）'],
      [duplicate.id, '就労の相談（二重登録の側）'],
    ]) {
      await apiCall('POST', '/consultations', consultant, {
        patient_id: p,
        occurred_at: `${tokyoDate(-10)}T10:00:00+09:00`,
        channel: 'phone',
        requester: 'patient',
        topics: ['employment'],
        summary,
      });
    }
    await apiCall('POST', `/patients/${duplicate.id}/consents`, consultant, { given_on: tokyoDate(-5), scope: 'all_agencies' });
    // A call from a family member who gave no name.
    ids.anonymous = (
      await apiCall('POST', '/consultations', consultant, {
        occurred_at: `${tokyoDate(-3)}T15:00:00+09:00`,
        channel: 'phone',
        requester: 'family',
        topics: ['employment'],
        summary: '名乗らなかった家族からの電話',
      })
    ).id;

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

  step('a consultant is not offered the merge', async () => {
    await page.goto(`${server.url}/`);
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/patients/${ids.kept}`);
    await expectHeading(NAME);
    await history().locator('li[data-kind="consultation"]').first().waitFor();
    assert.equal(await page.getByRole('button', { name: '重複した記録を統合' }).count(), 0);
    await signOut();
  });

  step('a supervisor chooses the other record, sees what will move and merges it', async () => {
    await signIn(SUPERVISOR.login, SUPERVISOR.password);
    await expectHeading(`ようこそ、${SUPERVISOR.display_name}さん`);
    await inAppGo(`/patients/${ids.kept}`);
    await expectHeading(NAME);
    const section = page.getByTestId('merge');
    await section.getByRole('button', { name: '重複した記録を統合' }).click();
    await field('重複している相手の記録を探す').fill('ヤマダ');
    // The page's own record is not offered; the other one is, with its case number.
    const matches = section.getByRole('list', { name: '検索結果' });
    await matches.getByText(ids.duplicateCase, { exact: false }).waitFor();
    assert.equal(await matches.getByRole('listitem').count(), 1);
    await expectAccessible('choosing the record to merge');
    await matches.getByRole('button', { name: /^この記録を選ぶ/ }).click();
    await section.getByTestId('merge-chosen').getByText(ids.duplicateCase, { exact: false }).waitFor();
    const preview = section.getByTestId('merge-preview');
    await preview.getByRole('heading', { name: `${NAME}（${ids.duplicateCase}）から${NAME}（${ids.keptCase}）へ移る記録` }).waitFor();
    await preview.getByText('相談：1件').waitFor();
    await preview.getByText('同意：1件').waitFor();
    assert.ok(await page.getByRole('radio', { name: /^このページの記録を残す/ }).isChecked());
    await expectAccessible('what a merge will move');
    // On a phone the panel fits without sideways scrolling.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling at 390 px');
    if (size) await page.setViewportSize(size);
    await section.getByRole('button', { name: '統合する' }).click();
    const confirm = page.getByRole('region', { name: `${NAME}（${ids.duplicateCase}）を${NAME}（${ids.keptCase}）に統合しますか？` });
    await confirm.waitFor();
    await confirm.getByText('統合は元に戻せません。', { exact: false }).waitFor();
    await expectAccessible('the merge confirmation');
    await confirm.getByRole('button', { name: '統合する' }).click();
    await page.getByRole('status').getByText('重複した記録を統合しました。').waitFor();
    await waitForPath(`/patients/${ids.kept}`);
    await expectHeading(NAME);
    // Both consultations and the consent are the kept record's now.
    await history().getByText('就労の相談（二重登録の側）').waitFor();
    await history().getByText('就労の相談（初回）').waitFor();
    await page.getByRole('table', { name: '同意の記録' }).getByRole('row').nth(1).waitFor();
    await expectAccessible('the kept record after the merge');
  });

  step('a supervisor downloads everything held about the patient, and the case as FHIR', async () => {
    const downloads = page.getByTestId('downloads-patient');
    const disclosure = await download(downloads.getByRole('button', { name: /^開示用の記録（JSON）/ }));
    assert.equal(disclosure.name, `disclosure-${ids.keptCase}.json`);
    const d = JSON.parse(disclosure.bytes.toString('utf8'));
    assert.equal(d.patient.id, ids.kept);
    assert.equal(d.consultations.length, 2);
    assert.ok(d.access_events.some((/** @type {{action: string}} */ e) => e.action === 'patient.merge'));
    await downloads.getByText(`disclosure-${ids.keptCase}.json をダウンロードしました。`).waitFor();
    const pdf = await download(downloads.getByRole('button', { name: /^開示用の記録（PDF）/ }));
    assert.equal(pdf.name, `disclosure-${ids.keptCase}.pdf`);
    assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const fhir = await download(downloads.getByRole('button', { name: /^FHIR形式の記録/ }));
    const bundle = JSON.parse(fhir.bytes.toString('utf8'));
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.entry[0].resource.name[0].family, '山田');
    assert.equal(bundle.entry[0].resource.name[1].extension[0].valueCode, 'SYL');
    await expectAccessible('the disclosure and export downloads');
  });

  step("the merged record's address leads to the kept one, and it has left the list", async () => {
    await inAppGo(`/patients/${ids.duplicate}`);
    await waitForPath(`/patients/${ids.kept}`);
    await expectHeading(NAME);
    await page.getByText('開いた記録は重複のため統合されています。残した記録を表示しています。').waitFor();
    await expectAccessible('the notice after opening a merged record');
    await inAppGo('/patients');
    await page.getByRole('searchbox').fill('ヤマダ');
    const table = page.getByRole('table');
    await table.getByText(ids.keptCase, { exact: true }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    assert.equal(await table.getByRole('link', { name: NAME }).count(), 1);
    assert.equal(await table.getByText(ids.duplicateCase, { exact: true }).count(), 0);
    await signOut();
  });

  step('a consultant links an anonymous consultation to the patient with the keyboard', async () => {
    await signIn(CONSULTANT.login, CONSULTANT.password);
    await expectHeading(`ようこそ、${CONSULTANT.display_name}さん`);
    await inAppGo(`/consultations/${ids.anonymous}/edit`);
    await expectHeading('相談の修正');
    const section = page.getByTestId('link-patient');
    await section.getByRole('heading', { name: '患者に結びつける' }).waitFor();
    await expectAccessible('linking an anonymous consultation');
    await field('結びつける患者を探す').focus();
    await page.keyboard.type(ids.keptCase);
    const choose = section.getByRole('button', { name: /^この患者を選ぶ/ });
    await choose.waitFor();
    await choose.focus();
    await page.keyboard.press('Enter');
    await section.getByTestId('link-chosen').getByText(ids.keptCase, { exact: false }).waitFor();
    const save = section.getByRole('button', { name: '患者に結びつけて保存' });
    await save.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('相談を患者に結びつけました。').waitFor();
    await waitForPath(`/patients/${ids.kept}`);
    await expectHeading(NAME);
    await history().getByText('名乗らなかった家族からの電話').waitFor();
    await expectAccessible('the patient with the linked consultation');
    // Linked, the consultation no longer offers the link.
    await inAppGo(`/consultations/${ids.anonymous}/edit`);
    await expectHeading('相談の修正');
    await field('概要').waitFor();
    assert.equal(await page.getByTestId('link-patient').count(), 0);
  });

  step('raised no uncaught error or Content-Security-Policy violation', () => {
    assert.deepEqual(pageProblems, []);
  });
});

// The cookie banner and settings as visitors use them, with and without JavaScript, on the public
// pages (documents) and on the pages that hydrate, and what the server really does with their
// choice: scripts rendered or not, page views stored or not, cookies deleted on withdrawal, one
// ledger row per decision.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  BASE_URL, PHONE, browser, newPage, closeBrowser, waitForScripts, assertAccessible,
  assertAccessibleWithoutJs, assertNoPageErrors,
} from './support.js';

after(closeBrowser);

const DATA_DIR = process.env.E2E_DATA_DIR;

/** Runs one query on the server's SQLite file and returns its rows. */
function query(sql, ...params) {
  const script = [
    'import sqlite3, sys, json',
    'db = sqlite3.connect(sys.argv[1])',
    'print(json.dumps(db.execute(sys.argv[2], sys.argv[3:]).fetchall()))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path.join(DATA_DIR, 'crm.db'), sql, ...params]).toString());
}

/** The consent id in the browser's `candor_consent` cookie. */
async function consentId(context) {
  const cookie = (await context.cookies()).find((c) => c.name === 'candor_consent');
  assert.ok(cookie, 'the choice is stored in the candor_consent cookie');
  return cookie.value.split('.')[1];
}

/** `[action, source, preferences, analytics, marketing, gpc]` per ledger row of this browser. */
function ledgerRows(id) {
  return query(
    'SELECT action, source, preferences, analytics, marketing, gpc FROM consent_ledger WHERE consent_id = ? ORDER BY id',
    id,
  );
}

function pageViewCount() {
  return query('SELECT COUNT(*) FROM page_views')[0][0];
}

async function until(check, what) {
  for (let i = 0; i < 50; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const banner = (page) => page.getByRole('region', { name: 'Your cookie choices' });
const dialog = (page) => page.getByRole('dialog', { name: 'Cookie settings' });

test('a first visit shows the banner with three buttons of the same size, and axe finds nothing', async () => {
  for (const viewport of [undefined, PHONE]) {
    const page = await newPage(viewport ? { viewport } : {});
    await page.goto(`${BASE_URL}/`);
    await waitForScripts(page);
    await banner(page).waitFor();
    const boxes = [];
    for (const name of ['Accept all', 'Reject all', 'Customize']) {
      boxes.push(await banner(page).getByRole('button', { name, exact: true }).boundingBox());
    }
    for (const box of boxes.slice(1)) {
      assert.ok(Math.abs(box.width - boxes[0].width) <= 2, `equal widths: ${JSON.stringify(boxes)}`);
      assert.ok(Math.abs(box.height - boxes[0].height) <= 2, `equal heights: ${JSON.stringify(boxes)}`);
    }
    assert.equal(await page.locator('#candor-analytics').count(), 0, 'no analytics before a choice');
    await assertAccessible(page, `/ with the banner (${viewport ? 'phone' : 'desktop'})`);
    assertNoPageErrors(page);
    await page.context().close();
  }
});

test('"Reject all" hides the banner, renders no analytics, stores no page view, and is recorded', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/privacy`);
  await waitForScripts(page);
  await banner(page).getByRole('button', { name: 'Reject all' }).click();
  await banner(page).waitFor({ state: 'detached' });
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert.equal(focused, 'main', 'focus continues at the content');
  const id = await consentId(page.context());
  assert.deepEqual(ledgerRows(id), [['reject_all', 'banner', 0, 0, 0, 0]]);

  const before = pageViewCount();
  await page.goto(`${BASE_URL}/cookies`);
  await waitForScripts(page);
  assert.equal(await banner(page).count(), 0, 'the banner is gone on the next page');
  assert.ok(!(await page.content()).includes('analytics.js'), 'no analytics script in the page');
  const answer = await page.request.post(`${BASE_URL}/api/analytics/page-view`, { data: '/cookies', headers: { 'content-type': 'text/plain' } });
  assert.equal(answer.status(), 204);
  assert.equal(pageViewCount(), before, 'the endpoint stored nothing');
  assertNoPageErrors(page);
  await page.context().close();
});

test('"Accept all" renders the analytics script and page views are stored', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  const before = pageViewCount();
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await page.locator('script#candor-analytics').waitFor({ state: 'attached' });
  await until(() => pageViewCount() > before, 'a stored page view');
  const id = await consentId(page.context());
  assert.deepEqual(ledgerRows(id), [['accept_all', 'banner', 1, 1, 1, 0]]);

  // A new page load renders the script on the server, and counts the page.
  const afterFirst = pageViewCount();
  await page.goto(`${BASE_URL}/privacy`);
  assert.ok((await (await page.request.get(`${BASE_URL}/privacy`)).text()).includes('src="/analytics.js"'));
  await until(() => pageViewCount() > afterFirst, 'the next page view');
  assert.ok((await page.context().cookies()).some((c) => c.name === 'candor_visit'), 'a visit cookie, with consent');
  assertNoPageErrors(page);
  await page.context().close();
});

test('"Customize" opens a modal dialog: Tab stays inside, Escape closes, focus returns, a mixed choice saves', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  const customize = banner(page).getByRole('button', { name: 'Customize' });
  await customize.click();
  await dialog(page).waitFor();
  assert.equal(
    await page.evaluate(() => document.activeElement?.id),
    'consent-dialog-preferences',
    'focus moved in, to the first switch that can change',
  );
  await assertAccessible(page, '/ with the cookie settings dialog open');

  for (let i = 0; i < 14; i += 1) {
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.querySelector('dialog.consent-dialog').contains(document.activeElement)), `Tab ${i + 1} stays inside`);
  }
  for (let i = 0; i < 14; i += 1) {
    await page.keyboard.press('Shift+Tab');
    assert.ok(await page.evaluate(() => document.querySelector('dialog.consent-dialog').contains(document.activeElement)), `Shift+Tab ${i + 1} stays inside`);
  }
  const necessary = dialog(page).getByRole('switch', { name: /Strictly necessary/ });
  assert.ok(await necessary.isChecked() && await necessary.isDisabled(), 'necessary: on and locked');
  for (const name of ['Preferences', 'Analytics', 'Marketing']) {
    assert.equal(await dialog(page).getByRole('switch', { name }).isChecked(), false, `${name} starts off`);
  }

  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  assert.ok(await customize.evaluate((el) => el === document.activeElement), 'focus returned to "Customize"');
  assert.ok(!(await page.context().cookies()).some((c) => c.name === 'candor_consent'), 'Escape decided nothing');

  await customize.click();
  await dialog(page).getByRole('switch', { name: 'Analytics' }).check();
  await dialog(page).getByRole('button', { name: 'Save choices' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  await banner(page).waitFor({ state: 'detached' });
  const id = await consentId(page.context());
  assert.deepEqual(ledgerRows(id), [['custom', 'dialog', 0, 1, 0, 0]]);
  await page.locator('script#candor-analytics').waitFor({ state: 'attached' });
  assertNoPageErrors(page);
  await page.context().close();
});

test('reopening the settings from the footer and withdrawing analytics deletes its cookie and its script', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await until(async () => (await page.context().cookies()).some((c) => c.name === 'candor_visit'), 'the visit cookie');

  const footerLink = page.getByRole('contentinfo').getByRole('link', { name: 'Cookie settings' });
  await footerLink.click();
  await dialog(page).waitFor();
  const analytics = dialog(page).getByRole('switch', { name: 'Analytics' });
  assert.equal(await analytics.isChecked(), true, 'the dialog shows the current choice');
  await analytics.uncheck();
  await dialog(page).getByRole('button', { name: 'Save choices' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  assert.ok(await footerLink.evaluate((el) => el === document.activeElement), 'focus returned to the footer link');
  await until(async () => !(await page.context().cookies()).some((c) => c.name === 'candor_visit'), 'the analytics cookie to be deleted');
  assert.equal(await page.locator('#candor-analytics').count(), 0, 'the script is removed at once');
  const id = await consentId(page.context());
  assert.deepEqual(ledgerRows(id).map((r) => r.slice(0, 2)), [['accept_all', 'banner'], ['withdraw', 'dialog']]);

  await page.goto(`${BASE_URL}/cookies`);
  await waitForScripts(page);
  assert.ok(!(await page.content()).includes('analytics.js'), 'and it is not rendered any more');
  // The control on /cookies opens the same dialog.
  await page.getByRole('main').getByRole('link', { name: 'Change your cookie settings' }).click();
  await dialog(page).waitFor();
  assert.equal(await dialog(page).getByRole('switch', { name: 'Analytics' }).isChecked(), false);
  await page.keyboard.press('Escape');
  assertNoPageErrors(page);
  await page.context().close();
});

test('without JavaScript the three choices work as plain form posts', async () => {
  // Accept all: back on the same page, banner gone.
  let page = await newPage({ javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/privacy`);
  await banner(page).waitFor();
  await assertAccessibleWithoutJs(page, '/privacy with the banner, no JavaScript');
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await page.waitForURL(`${BASE_URL}/privacy`);
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(ledgerRows(await consentId(page.context())), [['accept_all', 'no_js_form', 1, 1, 1, 0]]);
  await page.context().close();

  // Reject all.
  page = await newPage({ javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/demo`);
  await banner(page).getByRole('button', { name: 'Reject all' }).click();
  await page.waitForURL(`${BASE_URL}/demo`);
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(ledgerRows(await consentId(page.context())), [['reject_all', 'no_js_form', 0, 0, 0, 0]]);
  await page.context().close();

  // Customize: the settings page, then back.
  page = await newPage({ javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/cookies`);
  await banner(page).getByRole('button', { name: 'Customize' }).click();
  await page.waitForURL(/\/cookies\/settings\?return_to=\/cookies$/);
  await page.getByRole('heading', { level: 1, name: 'Cookie settings' }).waitFor();
  await assertAccessibleWithoutJs(page, '/cookies/settings, no JavaScript');
  await page.getByRole('switch', { name: 'Preferences' }).check();
  await page.getByRole('button', { name: 'Save choices' }).click();
  await page.waitForURL(`${BASE_URL}/cookies`);
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(ledgerRows(await consentId(page.context())), [['custom', 'settings_page', 1, 0, 0, 0]]);
  // The footer's "Cookie settings" is a link to the same page, showing the current choice.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Cookie settings' }).click();
  await page.waitForURL(/\/cookies\/settings/);
  assert.equal(await page.getByRole('switch', { name: 'Preferences' }).isChecked(), true);
  assert.equal(await page.getByRole('switch', { name: 'Analytics' }).isChecked(), false);
  await page.context().close();
});

test('a Global Privacy Control signal refuses marketing without asking, and says so', async () => {
  const context = await (await browser()).newContext({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  await banner(page).getByText('Global Privacy Control signal honoured').waitFor();
  const id = await consentId(context);
  // Recorded once the browser shows it kept its consent id: on the next page, not before.
  assert.deepEqual(ledgerRows(id), []);
  await page.reload();
  await waitForScripts(page);
  await banner(page).getByText('Global Privacy Control signal honoured').waitFor();
  assert.equal(await consentId(context), id);
  assert.deepEqual(ledgerRows(id), [['gpc', 'gpc', 0, 0, 0, 1]]);
  await page.reload();
  await waitForScripts(page);
  assert.deepEqual(ledgerRows(id), [['gpc', 'gpc', 0, 0, 0, 1]], 'once per consent id');
  await banner(page).getByRole('button', { name: 'Customize' }).click();
  await dialog(page).getByText('Global Privacy Control signal honoured').waitFor();
  const marketing = dialog(page).getByRole('switch', { name: 'Marketing' });
  assert.equal(await marketing.isChecked(), false);
  assert.equal(await marketing.isDisabled(), true, 'the signal is not silently overridden');
  await page.keyboard.press('Escape');
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await banner(page).waitFor({ state: 'detached' });
  assert.deepEqual(ledgerRows(id).at(-1), ['accept_all', 'banner', 1, 1, 0, 1], 'accept all still refuses marketing');
  await context.close();
});

test('a choice made under an earlier revision of the cookie policy is asked again', async () => {
  const page = await newPage();
  const stale = `1.${'ab'.repeat(16)}.2020-01-01.${Math.floor(Date.now() / 1000) - 60}.1110`;
  await page.context().addCookies([{ name: 'candor_consent', value: stale, url: BASE_URL }]);
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  await banner(page).waitFor();
  assert.equal(await page.locator('#candor-analytics').count(), 0, 'the old choice allows nothing now');
  await page.context().close();
});

test('a choice made in one tab applies in the other open tab at once', async () => {
  const first = await newPage();
  const second = await first.context().newPage();
  await first.goto(`${BASE_URL}/`);
  await second.goto(`${BASE_URL}/privacy`);
  await waitForScripts(first);
  await waitForScripts(second);
  await banner(second).waitFor();
  await banner(first).getByRole('button', { name: 'Accept all' }).click();
  await banner(second).waitFor({ state: 'detached', timeout: 5000 });
  await second.locator('script#candor-analytics').waitFor({ state: 'attached' });
  await first.context().close();
});

test('on a page that hydrates the banner and the dialog work the same, across the app\'s navigations', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/login`);
  await waitForScripts(page);
  assert.equal(await page.locator('body[data-hydrated="true"]').count(), 1, 'the page hydrated');
  await banner(page).getByRole('button', { name: 'Customize' }).click();
  await dialog(page).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'consent-dialog-preferences');
  await assertAccessible(page, '/login with the cookie settings dialog open');
  await dialog(page).getByRole('switch', { name: 'Preferences' }).check();
  await dialog(page).getByRole('button', { name: 'Save choices' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  await banner(page).waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus continues at the content');
  assert.deepEqual(ledgerRows(await consentId(page.context())), [['custom', 'dialog', 1, 0, 0, 0]]);

  // The app's router opens the sign-up page in the same document; the footer still opens the
  // settings, showing the choice just made, and focus returns to the link.
  await page.evaluate(() => { window.sameDocument = true; });
  await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'opened by the router');
  const footerLink = page.getByRole('contentinfo').getByRole('link', { name: 'Cookie settings' });
  await footerLink.click();
  await dialog(page).waitFor();
  assert.equal(await dialog(page).getByRole('switch', { name: 'Preferences' }).isChecked(), true);
  assert.equal(await dialog(page).getByRole('switch', { name: 'Analytics' }).isChecked(), false);
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  assert.ok(await footerLink.evaluate((el) => el === document.activeElement), 'focus returned to the footer link');
  assertNoPageErrors(page);
  await page.context().close();
});

test('a choice made before the WASM arrives leaves the page to hydrate and work', async () => {
  const page = await newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/pkg\/crm\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${BASE_URL}/login`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-enhanced="true"]');
  assert.equal(await page.locator('body[data-hydrated]').count(), 0, 'not hydrated yet');
  await banner(page).getByRole('button', { name: 'Reject all' }).click();
  await banner(page).waitFor({ state: 'detached' });
  assert.deepEqual(ledgerRows(await consentId(page.context())), [['reject_all', 'banner', 0, 0, 0, 0]]);
  release();
  await waitForScripts(page);
  assert.equal(await banner(page).count(), 0, 'hydration kept the banner hidden');
  // Hydrated, the app's router opens the sign-up page in the same document.
  await page.evaluate(() => { window.sameDocument = true; });
  await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'opened by the router');
  assert.equal(await banner(page).count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});

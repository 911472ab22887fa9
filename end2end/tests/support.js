// Shared by every browser test: one headless Debian Chromium, fresh contexts per test, an axe
// scan helper, and a guard that fails a test when the page logs an error (a CSP violation, a
// failed WASM load, a panic in the browser).
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browserPromise;

/** The one browser of this test process. */
export function browser() {
  browserPromise ??= chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: LAUNCH_ARGS,
  });
  return browserPromise;
}

export async function closeBrowser() {
  if (browserPromise) {
    const b = await browserPromise;
    await b.close();
    browserPromise = undefined;
  }
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

let visitors = 0;

/**
 * Which test file this process runs, by its place among the suite's files (0 when the process
 * runs none of them by name). The runner gives each file a process of its own, whose visitors
 * are numbered from 1 again: the file's place keeps its addresses apart from every other file's.
 */
const fileIndex = (() => {
  const running = path.basename(process.argv[1] ?? '');
  const files = readdirSync(path.dirname(fileURLToPath(import.meta.url)))
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  return Math.max(files.indexOf(running), 0);
})();

/**
 * The address of a new visitor, from the benchmarking range 198.18.0.0/15 (RFC 2544), a block of
 * 1,000 addresses for each test file. The server under test trusts `X-Forwarded-For`
 * (scripts/test sets TRUST_X_FORWARDED_FOR=true, as behind a proxy), so each browser context
 * counts as its own client for the per-address rate limits, across the whole suite: it signs up
 * more members than one address may in an hour, as many real visitors would.
 */
function visitorAddress() {
  visitors += 1;
  const n = fileIndex * 1000 + visitors;
  return `198.${18 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/**
 * A fresh page in a new context, as a new visitor. Errors the page logs are collected in
 * `page.errors`; call `assertNoPageErrors(page)` to fail on them.
 */
export async function newPage({ viewport = DESKTOP, javaScriptEnabled = true, locale, timezoneId } = {}) {
  const context = await (await browser()).newContext({
    viewport,
    javaScriptEnabled,
    // The browser's languages (Accept-Language, navigator.language): its default unless asked.
    ...(locale ? { locale } : {}),
    // The browser's time zone (Intl): the machine's unless asked.
    ...(timezoneId ? { timezoneId } : {}),
    extraHTTPHeaders: { 'X-Forwarded-For': visitorAddress() },
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  page.on('pageerror', (error) => page.errors.push(String(error)));
  return page;
}

export function assertNoPageErrors(page) {
  assert.deepEqual(page.errors, [], `the page logged errors:\n${page.errors.join('\n')}`);
}

/**
 * Takes out of `page.errors` the browser's report of each document this test deliberately
 * opened with an error status (one per status given; the test asserts those statuses itself).
 * Any other error stays and fails the test.
 */
export function takeExpectedStatusReports(page, statuses) {
  for (const status of statuses) {
    const index = page.errors.findIndex(
      (e) => e.startsWith('Failed to load resource') && e.includes(`status of ${status} `),
    );
    assert.ok(index >= 0, `the browser reported the ${status} page`);
    page.errors.splice(index, 1);
  }
}

/**
 * Resolves once the page's scripts have taken over: the page script (site.js, on every page)
 * marks <body> with data-enhanced, and on a page that loads the WASM the app marks it with
 * data-hydrated once it has hydrated it. A page that loads the WASM and never hydrates fails here
 * instead of passing on server HTML alone.
 */
export async function waitForScripts(page) {
  await page.waitForSelector('body[data-enhanced="true"]', { timeout: 15000 });
  if (await page.evaluate(() => Boolean(document.querySelector('script[type="module"]')))) {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15000 });
  }
  // The mark is set when the frame every page shares has hydrated. A lazily loaded page (the
  // account and logged-in screens) hydrates a moment later, once its chunk has arrived: typing
  // before then is lost (the profile-draft test failed so, once in three runs). The network
  // going quiet (no request for 500 ms) means the chunk is in and the page has hydrated.
  await page.waitForLoadState('networkidle');
}

/** Runs axe for WCAG 2.0, 2.1 and 2.2 A and AA, and fails with a readable list of violations. */
export async function assertAccessible(page, label) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const report = results.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
    .join('\n');
  assert.equal(results.violations.length, 0, `axe found violations on ${label}:\n${report}`);
}

/**
 * axe for a page shown with JavaScript disabled. axe runs as a script, which such a page cannot
 * run, so the exact HTML the browser holds is scanned in a second, script-enabled page of the
 * same origin whose app scripts are blocked: the same document, styles and state, never hydrated.
 */
export async function assertAccessibleWithoutJs(page, label) {
  const html = await page.content();
  const snapshotUrl = `${BASE_URL}/__axe-snapshot`;
  const context = await (await browser()).newContext({ viewport: page.viewportSize() ?? DESKTOP });
  try {
    await context.route(/\/(pkg\/.*\.(js|wasm)|site\.js|analytics\.js)$/, (route) => route.abort());
    await context.route(snapshotUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    const scan = await context.newPage();
    await scan.goto(snapshotUrl);
    await assertAccessible(scan, `${label} (scanned as served, scripts off)`);
  } finally {
    await context.close();
  }
}

// Accounts, shared by the tests that need a member: fresh addresses, links from the outbox
// folder, and signing up and logging in as a person does.

export const DATA_DIR = process.env.E2E_DATA_DIR;

/**
 * Adds `people` fake people (with their companies, leads and opportunities) to the workspace
 * named `workspace` with the server's own `seed` command, as an operator would.
 */
export function seedPeople(workspace, people) {
  const bin = process.env.SERVER_BIN;
  assert.ok(bin && DATA_DIR, 'scripts/test sets SERVER_BIN and E2E_DATA_DIR');
  const out = execFileSync(bin, ['seed', '--workspace', workspace, '--people', String(people)], {
    env: { ...process.env, DATA_DIR, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  assert.match(out, new RegExp(`added ${people} people`));
}
export const PASSWORD = 'lantern orbit fiddle';

/** A fresh address per test run, so the suite can run again on the same database. */
export function freshEmail(name) {
  return `${name}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
}

/**
 * Waits for the e-mail to `to` whose subject contains `subject` to be written to the outbox folder,
 * and returns the path of its first link starting with `prefix` (quoted-printable decoded).
 */
export async function linkFromOutbox(to, subject, prefix) {
  const dir = path.join(DATA_DIR, 'outbox');
  for (let i = 0; i < 100; i += 1) {
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
        const text = readFileSync(path.join(dir, file), 'utf8').replaceAll('=\r\n', '').replaceAll('=3D', '=');
        if (text.includes(`To: ${to}`) && text.includes(subject)) {
          const match = text.match(new RegExp(`https?://[^/\\s]+(${prefix}[0-9a-f]{64})`));
          assert.ok(match, `no ${prefix} link in the e-mail to ${to}`);
          return match[1];
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no e-mail "${subject}" to ${to} in the outbox`);
}

export async function activeId(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/**
 * Waits for the element with this id to have the focus, and fails naming where the focus is if
 * it does not within the timeout. Focus moved by `autofocus` on a new page, or by script on the
 * next frame, lands a moment after the page or the content appears.
 */
export async function waitForFocus(page, id, timeout = 5000) {
  try {
    await page.waitForFunction((wanted) => document.activeElement?.id === wanted, id, { timeout });
  } catch {
    assert.fail(`the focus is on #${await activeId(page)}, not on #${id}`);
  }
}

/**
 * Asks for a deletion with Enter on its button (`buttonId`) and answers the question by keyboard:
 * it opens with the focus on "Cancel", says what goes (`said`) and passes axe (`label` names the
 * state), Escape closes it and gives the focus back to the button, and the second time "Delete"
 * confirms it. The button is focused once it is shown and enabled: it is disabled until its page
 * has hydrated, and hidden until the page knows the member may delete; Enter on it before then
 * does nothing (stop 41's CI pressed it too early once, on a lead's page).
 */
export async function confirmDeletionByKeyboard(page, question, buttonId, label, said = /are deleted for good\./) {
  await page.locator(`#${buttonId}:enabled:visible`).focus();
  await waitForFocus(page, buttonId);
  await page.keyboard.press('Enter');
  await question.waitFor();
  await waitForFocus(page, 'confirm-cancel');
  assert.match(await question.innerText(), said);
  assert.match(await question.innerText(), /This cannot be undone\./);
  await assertAccessible(page, label);
  await page.keyboard.press('Escape');
  await waitForFocus(page, buttonId);
  assert.equal(await question.count(), 0);
  await page.keyboard.press('Enter');
  await question.waitFor();
  await waitForFocus(page, 'confirm-cancel');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
}

/** Presses Enter on the focused control and waits for the page it leads to. */
export async function pressEnterAndWait(page) {
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return response;
}

export async function logInWithKeyboard(page, email, password) {
  await page.goto(`${BASE_URL}/login`);
  await waitForScripts(page);
  await page.getByLabel('E-mail').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  assert.equal(await activeId(page), 'login-password');
  await page.keyboard.type(password);
  return pressEnterAndWait(page);
}

/**
 * Signs up through the form, confirms the address from the outbox and logs in. The workspace's
 * country is `country` (a code such as 'GB'; none by default, whatever the browser's languages
 * pre-selected, so that numbers are typed with their country code).
 */
export async function signUpConfirmed(page, name, email, workspace, { country = '' } = {}) {
  await page.goto(`${BASE_URL}/signup`);
  await waitForScripts(page);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work e-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Workspace name').fill(workspace);
  await page.getByLabel("Workspace's country").selectOption(country);
  await page.getByLabel(/at least 18 years old/).check();
  await page.getByLabel(/I have read and accept/).check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create account' }).click()]);
  const verifyPath = await linkFromOutbox(email, 'Confirm your e-mail address', '/verify-email/');
  await page.goto(`${BASE_URL}${verifyPath}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Confirm my e-mail address' }).click()]);
  await logInWithKeyboard(page, email, PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/app');
}

/** Fills an "Add" form's fields (label to value) and sends it; lands on the new record's page. */
export async function addRecord(page, kind, fields, button) {
  await page.goto(`${BASE_URL}/app/${kind}/new`);
  await waitForScripts(page);
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
  const path = new URL(page.url()).pathname;
  assert.match(path, new RegExp(`^/app/${kind}/[0-9a-f-]{36}$`));
  await waitForScripts(page);
  return path;
}

/** Opens a field's editor from its "Edit" button with the keyboard; resolves once its input has focus. */
export async function openEditor(page, label, inputId) {
  await page.getByRole('button', { name: `Edit ${label}`, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === id, inputId);
}

/** The text of the field's value on a record's page. */
export function fieldValue(page, label) {
  return page.locator('.record__field', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
}

// Shared by every browser test: one headless Debian Chromium, fresh contexts per test, an axe
// scan helper, and a guard that fails a test when the page logs an error (a CSP violation, a
// failed WASM load, a panic in the browser).
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';

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

/**
 * A fresh page in a new context. Errors the page logs are collected in `page.errors`; call
 * `assertNoPageErrors(page)` to fail on them.
 */
export async function newPage({ viewport = DESKTOP, javaScriptEnabled = true } = {}) {
  const context = await (await browser()).newContext({ viewport, javaScriptEnabled });
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

/** Resolves once the WASM has hydrated the page (the app marks <body> when it has). */
export async function waitForHydration(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15000 });
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
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    await context.route(snapshotUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    const scan = await context.newPage();
    await scan.goto(snapshotUrl);
    await assertAccessible(scan, `${label} (scanned as served, scripts off)`);
  } finally {
    await context.close();
  }
}

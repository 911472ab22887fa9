// The browser bundle is split at the account and logged-in routes (app/src/routes.rs): the public
// pages load the first chunk alone, never the code of those screens, which arrives when one of
// them is opened. The figures (bytes per page) are printed by bench/page-weight.js; these tests
// check the behaviour.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForHydration, assertNoPageErrors, takeExpectedStatusReports,
} from './support.js';

after(closeBrowser);

/** The split manifest: for each lazily loaded page, the WASM chunks it needs. */
async function manifest(page) {
  const response = await page.request.get(`${BASE_URL}/pkg/__wasm_split_manifest.json`);
  assert.equal(response.status(), 200, 'the build wrote a split manifest');
  return response.json();
}

/** The chunks of the routes whose names match `pattern` (the names come from app/src/routes.rs). */
function chunksOf(manifest, pattern) {
  const entries = Object.entries(manifest).filter(([name]) => pattern.test(name));
  assert.ok(entries.length > 0, `the manifest has routes matching ${pattern}`);
  return new Set(entries.flatMap(([, chunks]) => chunks));
}

/** The names of the WASM files a page requested while `action` ran. */
async function wasmRequested(page, action) {
  const names = new Set();
  const listener = (request) => {
    const match = new URL(request.url()).pathname.match(/^\/pkg\/(.+)\.wasm$/);
    if (match) names.add(match[1]);
  };
  page.on('request', listener);
  await action();
  page.off('request', listener);
  return names;
}

test('the public pages load one WASM file, without the account and logged-in screens\' code', async () => {
  const page = await newPage();
  const split = await manifest(page);
  const screens = chunksOf(split, /^__(app_home|profile|sessions|workspace_settings|login|signup)_route_view_/);
  assert.ok(screens.size > 0, 'those screens have chunks of their own');
  for (const path of ['/', '/privacy', '/cookies', '/demo']) {
    const loaded = await wasmRequested(page, async () => {
      await page.goto(`${BASE_URL}${path}`, { waitUntil: 'networkidle' });
      await waitForHydration(page);
    });
    assert.deepEqual([...loaded], ['crm'], `${path} loads the first chunk only`);
  }
  assertNoPageErrors(page);
  await page.context().close();
});

test('a page opened by a link loads its chunk then and works', async () => {
  const page = await newPage();
  const split = await manifest(page);
  await page.goto(`${BASE_URL}/`);
  await waitForHydration(page);
  const loaded = await wasmRequested(page, async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  });
  assert.equal(new URL(page.url()).pathname, '/login');
  for (const chunk of chunksOf(split, /^__login_route_view_/)) {
    assert.ok(loaded.has(chunk), `the log-in page's chunk ${chunk} arrives when it is opened`);
  }
  assert.equal(await page.title(), 'Log in · Candor CRM');
  // The page works: its form is filled in and answered (here, an unknown account).
  await page.getByLabel('E-mail', { exact: true }).fill('nobody@example.com');
  await page.getByLabel('Password', { exact: true }).fill('not the right one at all');
  await page.getByRole('main').getByRole('button', { name: 'Log in' }).click();
  await page.getByText('That e-mail address and password do not match an account.').waitFor();
  takeExpectedStatusReports(page, [401]);
  assertNoPageErrors(page);
  await page.context().close();
});

test('the server\'s page title stays while the page\'s own code loads', async () => {
  const page = await newPage();
  // Every change made to the <title> while the page loads and hydrates, as it happens.
  await page.addInitScript(() => {
    window.__titles = [];
    new MutationObserver((records) => {
      for (const record of records) {
        const inTitle = (node) => node?.nodeName === 'TITLE' && node.parentNode === document.head;
        if (record.type === 'characterData' && inTitle(record.target.parentNode)) {
          window.__titles.push(record.target.data);
        } else if (record.type === 'childList' && inTitle(record.target)) {
          window.__titles.push(record.target.textContent);
        }
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${BASE_URL}/login`);
  await waitForHydration(page);
  await page.waitForTimeout(500);
  const titles = await page.evaluate(() => window.__titles);
  assert.ok(titles.length > 0, 'the title was seen');
  assert.deepEqual(
    titles.filter((title) => title !== 'Log in · Candor CRM'), [], `titles seen: ${JSON.stringify(titles)}`,
  );
  assert.equal(await page.title(), 'Log in · Candor CRM');
  assertNoPageErrors(page);
  await page.context().close();
});

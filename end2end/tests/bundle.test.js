// How pages reach the browser (app/src/routes.rs): the public site's pages are documents, which
// load the page script and no WASM at all; the account and logged-in pages hydrate, and the WASM
// is split at their routes, so each screen's code arrives when it is opened. The figures (bytes
// per page) are printed by bench/page-weight.js; these tests check the behaviour.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertNoPageErrors, takeExpectedStatusReports,
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

/** The paths of the scripts and WASM files a page requested while `action` ran. */
async function scriptsRequested(page, action) {
  const paths = [];
  const listener = (request) => {
    const { pathname } = new URL(request.url());
    if (/\.(js|wasm)$/.test(pathname)) paths.push(pathname);
  };
  page.on('request', listener);
  await action();
  page.off('request', listener);
  return paths;
}

test('the public pages load the page script and no WASM, and work', async () => {
  const page = await newPage();
  for (const path of ['/', '/privacy', '/cookies', '/demo', '/privacy/versions']) {
    const loaded = await scriptsRequested(page, async () => {
      await page.goto(`${BASE_URL}${path}`, { waitUntil: 'networkidle' });
      await waitForScripts(page);
    });
    assert.deepEqual(loaded, ['/site.js'], `${path} loads the page script only`);
    assert.equal(await page.locator('body[data-hydrated]').count(), 0, `${path} is not hydrated`);
  }
  // What the page script runs works: here, the cookie settings open from the footer.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Cookie settings' }).click();
  await page.getByRole('dialog', { name: 'Cookie settings' }).waitFor();
  await page.keyboard.press('Escape');
  assertNoPageErrors(page);
  await page.context().close();
});

test('a public page reached from a logged-in page by the app\'s router loads as a document', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/login`);
  await waitForScripts(page);
  await page.evaluate(() => { window.sameDocument = true; });
  await page.getByRole('banner').getByRole('link', { name: 'Privacy' }).click();
  await page.getByRole('heading', { level: 1, name: 'Privacy Policy' }).waitFor();
  await waitForScripts(page);
  assert.equal(new URL(page.url()).pathname, '/privacy');
  assert.equal(await page.evaluate(() => window.sameDocument), undefined, 'a new document');
  assert.equal(await page.locator('body[data-hydrated]').count(), 0, 'served as a document, not rendered by the WASM');
  // Back is the log-in page again, working.
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  await waitForScripts(page);
  assert.equal(new URL(page.url()).pathname, '/login');
  assertNoPageErrors(page);
  await page.context().close();
});

test('a page opened by a link loads its chunk then and works', async () => {
  const page = await newPage();
  const split = await manifest(page);
  // From a page that hydrates (the sign-up page), so the app's router opens the next one.
  const before = await wasmRequested(page, async () => {
    await page.goto(`${BASE_URL}/signup`);
    await waitForScripts(page);
  });
  await page.evaluate(() => { window.sameDocument = true; });
  const loaded = await wasmRequested(page, async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  });
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'opened by the router, in the same document');
  // Its chunks that the sign-up page did not share arrive now, and there are some.
  const own = [...chunksOf(split, /^__login_route_view_/)].filter((chunk) => !before.has(chunk));
  assert.ok(own.length > 0, 'the log-in page has code of its own');
  for (const chunk of own) {
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
  await waitForScripts(page);
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

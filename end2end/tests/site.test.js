// What every public page shares: a canonical address, Open Graph tags with an image, a sitemap,
// and no cookie or storage key that the cookie registry (and so the cookie policy) does not list.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, signUpConfirmed, addRecord,
} from './support.js';

after(closeBrowser);

const PUBLIC_PAGES = ['/', '/privacy', '/privacy/versions', '/cookies', '/demo'];

test('each public page names its canonical address and shares a title, description and image', async () => {
  const page = await newPage();
  for (const path of PUBLIC_PAGES) {
    await page.goto(`${BASE_URL}${path}`);
    await waitForScripts(page);
    const head = await page.evaluate(() => ({
      canonical: [...document.querySelectorAll('link[rel="canonical"]')].map((l) => l.href),
      og: Object.fromEntries([...document.querySelectorAll('meta[property^="og:"]')]
        .map((m) => [m.getAttribute('property'), m.getAttribute('content')])),
      description: document.querySelector('meta[name="description"]')?.content,
    }));
    assert.deepEqual(head.canonical, [`${BASE_URL}${path}`], `${path}: one absolute canonical link`);
    assert.equal(head.og['og:url'], `${BASE_URL}${path}`, path);
    assert.ok(head.og['og:title'] && head.og['og:description'] && head.description, path);
    const image = await page.request.get(head.og['og:image']);
    assert.equal(image.status(), 200, `${path}: og:image loads`);
    assert.equal(image.headers()['content-type'], 'image/png');
  }
  assertNoPageErrors(page);
  await page.context().close();
});

test('the sitemap lists the public pages and robots.txt points to it', async () => {
  const page = await newPage();
  const robots = await (await page.request.get(`${BASE_URL}/robots.txt`)).text();
  assert.match(robots, new RegExp(`^Sitemap: ${BASE_URL}/sitemap.xml$`, 'm'));
  const sitemap = await (await page.request.get(`${BASE_URL}/sitemap.xml`)).text();
  for (const path of ['/', '/privacy', '/cookies', '/demo']) {
    assert.ok(sitemap.includes(`<loc>${BASE_URL}${path}</loc>`), path);
  }
  await page.context().close();
});

test('the cookie policy lists what the site stores, and the site stores nothing else', async () => {
  const page = await newPage();
  const response = await page.goto(`${BASE_URL}/cookies`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Cookie policy · Candor CRM');
  for (const name of ['Strictly necessary', 'Preferences', 'Analytics', 'Marketing']) {
    await page.getByRole('heading', { level: 3, name }).waitFor();
  }
  await waitForScripts(page);
  await assertAccessible(page, '/cookies');
  // The table rows are the registry; the page says plainly when the registry is empty.
  const listed = await page.locator('.cookies__table tbody th code').allInnerTexts();
  const none = await page.getByText('Right now this site sets no cookies').count();
  assert.ok(listed.length > 0 || none === 1, 'either a table of items or the plain statement');

  // After a visit to every public page, the browser holds only what the page lists.
  for (const path of PUBLIC_PAGES) {
    await page.goto(`${BASE_URL}${path}`);
    await waitForScripts(page);
  }
  const cookies = (await page.context().cookies()).map((c) => c.name);
  const storage = await page.evaluate(() => Object.keys(localStorage));
  for (const name of [...cookies, ...storage]) {
    assert.ok(listed.includes(name), `${name} is stored but not in the cookie policy`);
  }
  assertNoPageErrors(page);
  await page.context().close();
});

test('logged in, with choices made and edits left unsaved, the browser holds only what the cookie policy lists', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/cookies`);
  const listed = await page.locator('.cookies__table tbody th code').allInnerTexts();
  await waitForScripts(page);
  await page.getByRole('button', { name: 'Accept all' }).first().click();
  await page.locator('.consent-banner').waitFor({ state: 'hidden' });
  await signUpConfirmed(page, 'Sam Storage', freshEmail('storage'), 'Storage Works');

  // Every list, a person's page with an edit left unsaved, the profile with one too.
  for (const path of ['/app', '/app/people', '/app/companies', '/app/leads', '/app/opportunities', '/app/tasks']) {
    await page.goto(`${BASE_URL}${path}`);
    await waitForScripts(page);
  }
  await addRecord(page, 'people', { 'First name': 'Grace', 'Last name (optional)': 'Hopper' }, 'Add this person');
  await waitForScripts(page);
  await page.getByRole('button', { name: 'Edit job title', exact: true }).click();
  await page.locator('#person-job_title').fill('Rear Admiral');
  await page.goto(`${BASE_URL}/app/settings/profile`);
  await waitForScripts(page);
  await page.getByLabel(/Job title/).fill('Chief Analyst');

  const cookies = (await page.context().cookies()).map((c) => c.name);
  const storage = await page.evaluate(() => Object.keys(localStorage));
  assert.ok(cookies.includes('candor_session') && storage.includes('candor_profile_draft'), `the crawl stored things: ${cookies} ${storage}`);
  for (const name of [...cookies, ...storage]) {
    assert.ok(listed.includes(name), `${name} is stored but not in the cookie policy`);
  }
  assertNoPageErrors(page);
  await page.context().close();
});

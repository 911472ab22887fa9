// Lists paged both ways: a seeded list of 120 people says where each page stands ("Showing
// 51–100 of 120"), "Next page" and "Previous page" are followed by keyboard and lead back to
// exactly the rows seen before, the page before lives in the URL (reload and back show it
// again), and "First page" returns to the start. Every state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, signUpConfirmed, seedPeople,
} from './support.js';

after(closeBrowser);

/** Follows a link under the list by keyboard; resolves once the list says `shows`. */
async function follow(page, name, shows) {
  await page.locator('.list__pages').getByRole('link', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((text) => document.querySelector('.list__count')?.textContent === text, shows);
}

test('a list is paged forward and back by keyboard, each page saying where it stands', async () => {
  const page = await newPage();
  const workspace = `Paged ${Date.now()}`;
  await signUpConfirmed(page, 'Pia Pager', freshEmail('pia'), workspace);
  seedPeople(workspace, 120);

  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  const names = () => page.locator('.list__table tbody th').allInnerTexts();
  const count = page.locator('.list__count');
  assert.equal(await count.innerText(), 'Showing 1\u201350 of 120');
  assert.equal(await page.locator('.list__pages').getByRole('link', { name: 'Previous page' }).count(), 0);
  const first = await names();

  await follow(page, 'Next page', 'Showing 51\u2013100 of 120');
  const second = await names();
  assert.equal(second.length, 50);
  await assertAccessible(page, '/app/people, the second of three pages');
  await follow(page, 'Next page', 'Showing 101\u2013120 of 120');
  assert.equal((await names()).length, 20);
  assert.equal(await page.locator('.list__pages').getByRole('link', { name: 'Next page' }).count(), 0);

  // Back one page: exactly the rows of the second page, and the URL says so.
  await follow(page, 'Previous page', 'Showing 51\u2013100 of 120');
  assert.match(page.url(), /[?&]before=/);
  assert.deepEqual(await names(), second);
  await assertAccessible(page, '/app/people, a page reached backwards');
  await page.reload();
  await waitForScripts(page);
  assert.equal(await count.innerText(), 'Showing 51\u2013100 of 120');
  assert.deepEqual(await names(), second);

  // Back again to the start, where there is no page before.
  await follow(page, 'Previous page', 'Showing 1\u201350 of 120');
  assert.deepEqual(await names(), first);
  assert.equal(await page.locator('.list__pages').getByRole('link', { name: 'Previous page' }).count(), 0);
  // The browser's history walks the same pages.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('.list__count')?.textContent === 'Showing 51\u2013100 of 120');
  await follow(page, 'First page', 'Showing 1\u201350 of 120');
  assert.deepEqual(await names(), first);

  // A search counts what matches.
  await page.goto(`${BASE_URL}/app/people?q=${encodeURIComponent(first[0].split(' ').pop())}`);
  await waitForScripts(page);
  assert.match(await count.innerText(), /^Showing 1(\u2013\d+)? of \d+$/);
  assertNoPageErrors(page);
  await page.context().close();
});

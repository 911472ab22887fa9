// A bulk action over every record a list matches, not only the page's ticked rows, by keyboard:
// with every row of the first page ticked, "Select all 120 people" counts them, a tag is added to
// all 120 in the background (its progress shown while it runs), a filtered list shows that the
// people of the later pages have it too, and then every one of them is deleted after a question
// that names how many. Every state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, waitForFocus, signUpConfirmed, seedPeople, confirmDeletionByKeyboard,
} from './support.js';

after(closeBrowser);

/** Ticks every row of the page with the box in the header, by keyboard, then chooses every match. */
async function selectAllMatching(page, total) {
  await page.locator('#people-tick-all:enabled').waitFor();
  await page.getByRole('checkbox', { name: 'Select everyone on this page' }).focus();
  await page.keyboard.press('Space');
  assert.equal(await page.locator('.list__bulk-count').innerText(), '50 people selected.');
  const all = page.getByRole('button', { name: `Select all ${total} people` });
  await all.focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'bulk-all-chosen');
  assert.equal(await page.locator('#bulk-all-chosen').innerText(), `All ${total} people matching this list are selected.`);
  assert.equal(await page.locator('.list__bulk-count').innerText(), `${total} people selected: every one this list matches.`);
}

test('every person a list matches is tagged in the background and then deleted, by keyboard', async () => {
  const page = await newPage();
  const workspace = `Whole list ${Date.now()}`;
  await signUpConfirmed(page, 'Wim Whole', freshEmail('wim'), workspace);
  seedPeople(workspace, 120);

  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  assert.equal(await page.locator('.list__count').innerText(), 'Showing 1\u201350 of 120');
  await selectAllMatching(page, 120);
  await assertAccessible(page, '/app/people with every match selected');
  // Unticking a row of the page leaves only the page's ticked rows selected.
  await page.locator('.list__table tbody input[type=checkbox]').first().focus();
  await page.keyboard.press('Space');
  assert.equal(await page.locator('.list__bulk-count').innerText(), '49 people selected.');
  assert.equal(await page.locator('#bulk-all-chosen').count(), 0);
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Select all 120 people' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'bulk-all-chosen');

  // The tag goes to all 120: the job is shown with its progress while it runs, then the list
  // says what was done.
  await page.getByLabel('Tag to add').fill('Autumn fair');
  await page.getByLabel('Tag to add').press('Enter');
  const running = page.locator('.list__job');
  await running.waitFor();
  assert.equal(await running.locator('.list__job-title').innerText(), 'Adding the tag \u201cAutumn fair\u201d to 120 people');
  await assertAccessible(page, '/app/people while a change to the whole list runs');
  await waitForFocus(page, 'people-notice', 20000);
  assert.equal(await page.locator('#people-notice').innerText(), 'Added the tag \u201cAutumn fair\u201d to 120 people.');
  assert.equal(await running.count(), 0);
  assert.equal(await page.locator('.list__bulk-count').innerText(), 'Nobody selected. Tick the people to change in the first column.');

  // The people of the last page have it too.
  await page.goto(`${BASE_URL}/app/people?tag=${encodeURIComponent('autumn fair')}`);
  await waitForScripts(page);
  assert.equal(await page.locator('.list__count').innerText(), 'Showing 1\u201350 of 120');
  await page.locator('.list__pages').getByRole('link', { name: 'Next page' }).click();
  await page.waitForFunction(() => document.querySelector('.list__count')?.textContent === 'Showing 51\u2013100 of 120');
  await page.locator('.list__pages').getByRole('link', { name: 'Next page' }).click();
  await page.waitForFunction(() => document.querySelector('.list__count')?.textContent === 'Showing 101\u2013120 of 120');
  const tags = await page.locator('.list__table tbody tr').allInnerTexts();
  assert.equal(tags.length, 20);
  assert.ok(tags.every((row) => row.includes('Autumn fair')), tags.join('\n'));

  // Every one of them deleted, after a question that says how many.
  await page.goto(`${BASE_URL}/app/people?tag=${encodeURIComponent('Autumn fair')}`);
  await waitForScripts(page);
  await selectAllMatching(page, 120);
  await page.locator('#bulk-delete').focus();
  const question = page.getByRole('alertdialog');
  await confirmDeletionByKeyboard(page, question, 'bulk-delete', '/app/people asking to delete every match');
  await waitForFocus(page, 'people-notice', 20000);
  assert.equal(await page.locator('#people-notice').innerText(), 'Deleted 120 people.');
  await page.locator('.list__empty').waitFor();
  await assertAccessible(page, '/app/people after every match was deleted');
  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  assert.match(await page.locator('.list__empty').innerText(), /No people yet/);
  assertNoPageErrors(page);
  await page.context().close();
});

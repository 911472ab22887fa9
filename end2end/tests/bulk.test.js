// Bulk actions on the companies, leads and opportunities lists, as members do them by keyboard:
// rows ticked with the space bar (or all at once), a tag added to companies, an owner changed, a
// deletion confirmed after a question, and each list saying what was done, with the focus on that
// sentence. Leads and opportunities have no tags, so their lists offer no tag. Every state is
// scanned with axe. (People have their own test in people.test.js.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, waitForFocus, signUpConfirmed, addRecord, confirmDeletionByKeyboard,
} from './support.js';

after(closeBrowser);

/** Opens a list and waits until its boxes can be ticked. */
async function openList(page, list) {
  await page.goto(`${BASE_URL}/app/${list}`);
  await waitForScripts(page);
  await page.locator(`#${list}-tick-all:enabled`).waitFor();
}

/** Ticks a row's box with the space bar. */
async function tick(page, name) {
  await page.getByRole('checkbox', { name: `Select ${name}` }).focus();
  await page.keyboard.press('Space');
}

/** A cell of the row that names `name`, by its place among the row's td cells (the box is 1). */
function cell(page, name, n) {
  return page.locator('.list__table tbody tr').filter({ hasText: name }).locator(`td:nth-of-type(${n})`);
}

test('ticked companies, leads and opportunities are tagged, handed over and deleted at once by keyboard', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Bo Bulk', freshEmail('bo'), 'Bo Bulk Ltd');
  for (const name of ['Acme Labs', 'Globex']) {
    await addRecord(page, 'companies', { Name: name }, 'Add this company');
  }
  for (const [name, email] of [['Alan Turing', 'alan@acme.example'], ['Grace Hopper', 'grace@navy.example']]) {
    await addRecord(page, 'leads', { Name: name, 'E-mail': email }, 'Add this lead');
  }
  for (const name of ['Acme renewal', 'Navy contract']) {
    await addRecord(page, 'opportunities', { Name: name, Amount: '100', 'Expected close date': '2027-03-31' }, 'Add this opportunity');
  }

  // Companies: nothing ticked first, then one company tagged with Enter.
  await openList(page, 'companies');
  assert.match(await page.locator('.list__bulk-count').innerText(), /No company selected/);
  await page.getByLabel('Tag to add').fill('partner');
  await page.getByLabel('Tag to add').press('Enter');
  await page.locator('#bulk-problem').waitFor();
  assert.match(await page.locator('#bulk-problem').innerText(), /Select at least one company first/);
  await assertAccessible(page, '/app/companies, bulk action with nothing selected');
  await tick(page, 'Globex');
  assert.match(await page.locator('.list__bulk-count').innerText(), /^1 company selected\.$/);
  await assertAccessible(page, '/app/companies with a company selected');
  await page.getByLabel('Tag to add').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'companies-notice');
  assert.equal(await page.locator('#companies-notice').innerText(), 'Added the tag “partner” to 1 company.');
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody input:checked').length === 0);
  await cell(page, 'Globex', 5).filter({ hasText: 'partner' }).waitFor();
  assert.doesNotMatch(await cell(page, 'Acme Labs', 5).innerText(), /partner/);

  // Every company on the page, handed over to nobody.
  await page.getByRole('checkbox', { name: 'Select every company on this page' }).focus();
  await page.keyboard.press('Space');
  assert.match(await page.locator('.list__bulk-count').innerText(), /^2 companies selected\.$/);
  await page.getByLabel('New owner').selectOption({ label: 'Nobody' });
  await page.getByRole('button', { name: 'Change owner' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#companies-notice').filter({ hasText: '2 companies are now owned by nobody.' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.list__table tbody tr td:nth-of-type(6)')].every((td) => td.innerText.trim() === ''));
  await assertAccessible(page, '/app/companies after a change of owner');

  // Leads: no tags to add; both deleted after the question, which Escape first cancels.
  await openList(page, 'leads');
  assert.equal(await page.getByLabel('Tag to add').count(), 0);
  await page.getByRole('checkbox', { name: 'Select every lead on this page' }).focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Delete…' }).focus();
  const question = page.getByRole('alertdialog', { name: 'Delete 2 leads?' });
  assert.equal(await question.count(), 0);
  await confirmDeletionByKeyboard(
    page,
    question,
    'bulk-delete',
    '/app/leads asking to confirm a deletion',
    /Their details, notes, tasks and activity are deleted for good\./,
  );
  await page.locator('#leads-notice').filter({ hasText: 'Deleted 2 leads.' }).waitFor();
  await page.locator('.list__empty').waitFor();
  await assertAccessible(page, '/app/leads after a deletion');

  // Opportunities: one handed over to nobody; the other keeps its owner.
  await openList(page, 'opportunities');
  assert.equal(await page.getByLabel('Tag to add').count(), 0);
  await tick(page, 'Navy contract');
  assert.match(await page.locator('.list__bulk-count').innerText(), /^1 opportunity selected\.$/);
  await page.getByLabel('New owner').selectOption({ label: 'Nobody' });
  await page.getByRole('button', { name: 'Change owner' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'opportunities-notice');
  assert.equal(await page.locator('#opportunities-notice').innerText(), '1 opportunity is now owned by nobody.');
  await page.waitForFunction(() => [...document.querySelectorAll('.list__table tbody tr')].some((tr) => tr.innerText.includes('Navy contract') && tr.querySelector('td:nth-of-type(6)').innerText.trim() === ''));
  assert.equal(await cell(page, 'Acme renewal', 6).innerText(), 'Bo Bulk');
  await assertAccessible(page, '/app/opportunities after a change of owner');

  // The lists stay as they were left after a reload.
  await page.goto(`${BASE_URL}/app/leads`);
  await waitForScripts(page);
  assert.match(await page.locator('.list__empty').innerText(), /No leads yet/);
  await openList(page, 'companies');
  assert.match(await cell(page, 'Globex', 5).innerText(), /partner/);
  assertNoPageErrors(page);
  await page.context().close();
});

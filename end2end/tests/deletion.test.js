// Deleting a company, a lead and an opportunity from its page, as members do it: the button asks
// first (the focus on "Cancel", Escape closing the question and giving the focus back), then the
// deletion is confirmed by keyboard and the list is shown without the record. Each question is
// scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, signUpConfirmed, addRecord, confirmDeletionByKeyboard,
} from './support.js';

after(closeBrowser);

/** Deletes the record whose page is open by keyboard, after first asking and cancelling. */
async function deleteByKeyboard(page, { noun, name, list }) {
  await page.getByRole('button', { name: `Delete this ${noun}…` }).focus();
  const question = page.getByRole('alertdialog', { name: `Delete ${name}?` });
  await confirmDeletionByKeyboard(page, question, `${noun}-delete`, `/app/${list}/{id} asking to confirm a deletion`);
  await page.waitForURL(`**/app/${list}`);
  await page.waitForSelector('.list__empty');
}

test('a member deletes a company, a lead and an opportunity from their pages by keyboard, after a confirmation', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Dora Delete', freshEmail('dora'), 'Dora Deletes');

  const company = await addRecord(page, 'companies', { Name: 'Acme Labs' }, 'Add this company');
  await deleteByKeyboard(page, { noun: 'company', name: 'Acme Labs', list: 'companies' });
  assert.match(await page.locator('.list__empty').innerText(), /No companies yet/);
  await assertAccessible(page, '/app/companies after a deletion');

  const lead = await addRecord(page, 'leads', { Name: 'Alan Turing', 'E-mail': 'alan@acme.example' }, 'Add this lead');
  await deleteByKeyboard(page, { noun: 'lead', name: 'Alan Turing', list: 'leads' });

  const opportunity = await addRecord(
    page,
    'opportunities',
    { Name: 'Acme renewal', Amount: '100', 'Expected close date': '2027-03-31' },
    'Add this opportunity',
  );
  await deleteByKeyboard(page, { noun: 'opportunity', name: 'Acme renewal', list: 'opportunities' });

  // Gone for good: their pages say so.
  for (const [path, heading] of [
    [company, 'Company not found'],
    [lead, 'Lead not found'],
    [opportunity, 'Opportunity not found'],
  ]) {
    const response = await page.goto(`${BASE_URL}${path}`);
    assert.equal(response.status(), 404, path);
    assert.equal(await page.locator('h1').innerText(), heading);
  }
  takeExpectedStatusReports(page, [404, 404, 404]);
  assertNoPageErrors(page);
  await page.context().close();
});

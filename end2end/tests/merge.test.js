// Merging two people, and two companies, as members do it: from the "Possible duplicates" page
// to the merge page, a value of the other chosen by keyboard, the merge sent, the survivor's
// page saying so with an undo, and the undo bringing the other back. Every page and state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, signUpConfirmed, addRecord, pressEnterAndWait,
} from './support.js';

after(closeBrowser);

test('two people are merged by keyboard from the possible duplicates, with a value of each, and the merge is undone', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Mina Merge', freshEmail('mina'), 'Mina Merges');
  const kept = await addRecord(
    page,
    'people',
    { 'First name': 'Grace', 'Last name (optional)': 'Hopper', 'E-mail (optional)': 'grace@navy.example' },
    'Add this person',
  );
  // The same address: the form shows her first; added anyway.
  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name', { exact: true }).fill('Grace');
  await page.getByLabel('Last name (optional)', { exact: true }).fill('Hopper');
  await page.getByLabel('Job title (optional)', { exact: true }).fill('Rear admiral');
  await page.getByLabel('E-mail (optional)', { exact: true }).fill('grace@navy.example');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  await waitForScripts(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person anyway' }).click()]);
  const other = new URL(page.url()).pathname;
  takeExpectedStatusReports(page, [409]);

  await page.goto(`${BASE_URL}/app/duplicates`);
  await waitForScripts(page);
  const link = page.getByRole('link', { name: 'Compare and merge Grace Hopper and Grace Hopper' });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL('**/app/people/merge?**');
  await page.waitForSelector('#merge-people');
  await waitForScripts(page);
  assert.equal(await page.title(), 'Merge two people · Candor CRM');
  await assertAccessible(page, '/app/people/merge');
  const jobTitle = page.getByRole('group', { name: 'Job title' });
  assert.equal(await jobTitle.getByRole('radio', { name: 'Rear admiral' }).isChecked(), true, 'the only value is chosen first');
  // Keep the survivor's empty job title instead, by keyboard: the arrow keys move within the group.
  await jobTitle.getByRole('radio', { name: 'Rear admiral' }).focus();
  await page.keyboard.press('ArrowUp');
  assert.equal(await jobTitle.getByRole('radio', { name: '(empty)' }).isChecked(), true);
  await page.keyboard.press('ArrowDown');
  assert.equal(await jobTitle.getByRole('radio', { name: 'Rear admiral' }).isChecked(), true);
  assert.match(await page.locator('.merge__moves').innerText(), /timeline entr/);

  await page.getByRole('button', { name: 'Merge into Grace Hopper' }).focus();
  const merged = await pressEnterAndWait(page);
  assert.equal(merged.status(), 200);
  assert.equal(new URL(page.url()).pathname, kept);
  await page.waitForSelector('text=Merged. Everything of the other person is now here.');
  assert.match(await page.locator('.record__merge').innerText(), /Grace Hopper was merged into this person\./);
  assert.match(await page.locator('.record__timeline').innerText(), /merged Grace Hopper into this person\./);
  await assertAccessible(page, '/app/people/{id} after a merge');

  // The other's old address leads here.
  await page.goto(`${BASE_URL}${other}`);
  assert.equal(new URL(page.url()).pathname, kept);

  await page.getByRole('button', { name: 'Undo the merge' }).focus();
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, other);
  await page.waitForSelector('text=The merge was undone: this person is back with everything they had.');
  assert.match(await page.locator('h1').innerText(), /Grace Hopper/);
  assert.match(await page.locator('.record__timeline').innerText(), /undid the merge of this person into Grace Hopper\./);
  await assertAccessible(page, '/app/people/{id} after an undone merge');

  assertNoPageErrors(page);
  await page.context().close();
});

test('two companies are merged by keyboard, taking the name of the other, and the merge is undone', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Cora Company', freshEmail('cora'), 'Cora Merges');
  const kept = await addRecord(
    page,
    'companies',
    { Name: 'Navy Labs', 'Web domain (optional)': 'navy.example' },
    'Add this company',
  );
  // The same domain: the form shows the first; added anyway.
  await page.goto(`${BASE_URL}/app/companies/new`);
  await waitForScripts(page);
  await page.getByLabel('Name', { exact: true }).fill('Naval Laboratories');
  await page.getByLabel('Web domain (optional)', { exact: true }).fill('navy.example');
  await page.getByLabel('City (optional)', { exact: true }).fill('Arlington');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this company' }).click()]);
  await waitForScripts(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this company anyway' }).click()]);
  const other = new URL(page.url()).pathname;
  takeExpectedStatusReports(page, [409]);

  await page.goto(`${BASE_URL}/app/duplicates`);
  await waitForScripts(page);
  const link = page.getByRole('link', { name: 'Compare and merge Navy Labs (navy.example) and Naval Laboratories (navy.example)' });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL('**/app/companies/merge?**');
  await page.waitForSelector('#merge-companies');
  await waitForScripts(page);
  assert.equal(await page.title(), 'Merge two companies · Candor CRM');
  await assertAccessible(page, '/app/companies/merge');
  const name = page.getByRole('group', { name: 'Name' });
  assert.equal(await name.getByRole('radio', { name: 'Navy Labs' }).isChecked(), true, 'the survivor\'s name first');
  const address = page.getByRole('group', { name: 'Mailing address' });
  assert.equal(await address.getByRole('radio', { name: 'Arlington' }).isChecked(), true, 'the only address first');
  // The other's name instead, by keyboard.
  await name.getByRole('radio', { name: 'Navy Labs' }).focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await name.getByRole('radio', { name: 'Naval Laboratories' }).isChecked(), true);

  await page.getByRole('button', { name: 'Merge into Navy Labs' }).focus();
  const merged = await pressEnterAndWait(page);
  assert.equal(merged.status(), 200);
  assert.equal(new URL(page.url()).pathname, kept);
  await page.waitForSelector('text=Merged. Everything of the other company is now here.');
  assert.match(await page.locator('h1').innerText(), /Naval Laboratories/);
  assert.match(await page.locator('.record__merge').innerText(), /Naval Laboratories was merged into this company\./);
  assert.match(await page.locator('.record__timeline').innerText(), /merged Naval Laboratories into this company\./);
  await assertAccessible(page, '/app/companies/{id} after a merge');

  // The other's old address leads here.
  await page.goto(`${BASE_URL}${other}`);
  assert.equal(new URL(page.url()).pathname, kept);

  await page.getByRole('button', { name: 'Undo the merge' }).focus();
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, other);
  await page.waitForSelector('text=The merge was undone: this company is back with everything it had.');
  assert.match(await page.locator('h1').innerText(), /Naval Laboratories/);
  assert.match(await page.locator('.record__timeline').innerText(), /undid the merge of this company into Navy Labs\./);
  await assertAccessible(page, '/app/companies/{id} after an undone merge');
  await page.goto(`${BASE_URL}${kept}`);
  await waitForScripts(page);
  assert.match(await page.locator('h1').innerText(), /Navy Labs/);

  assertNoPageErrors(page);
  await page.context().close();
});

// Companies as members work with them: add one (a plain form, refused with messages first), edit
// a text field and a choice in the page by keyboard, see each change in the timeline, write a
// note, find the people who work there linked both ways, and search the list. Every page and
// state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, waitForFocus, signUpConfirmed,
  fieldValue,
} from './support.js';

after(closeBrowser);

test('a member adds a company, edits it in the page by keyboard and finds its people linked both ways', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Cora Company', freshEmail('cora'), 'Cora Consulting');

  await page.getByRole('link', { name: 'Companies', exact: true }).first().click();
  await page.waitForURL('**/app/companies');
  await page.waitForSelector('.list__empty');
  assert.equal(await page.title(), 'Companies · Candor CRM');
  assert.match(await page.locator('.list__empty').innerText(), /No companies yet/);
  await assertAccessible(page, '/app/companies, empty');

  await page.getByRole('link', { name: 'Add a company' }).click();
  await page.waitForURL('**/app/companies/new');
  await waitForScripts(page);
  await assertAccessible(page, '/app/companies/new');
  // Sent with problems: each is tied to its field, what was typed stays.
  await page.getByLabel('Web domain (optional)').fill('sales@navy.example');
  await page.getByLabel('City (optional)').fill('Arlington');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this company' }).click()]);
  takeExpectedStatusReports(page, [422]);
  const domain = page.getByLabel('Web domain (optional)');
  assert.equal(await domain.inputValue(), 'sales@navy.example');
  const problem = await domain.getAttribute('aria-describedby').then((ids) => ids.split(' ').pop());
  assert.match(await page.locator(`#${problem}`).innerText(), /not an e-mail address/);
  assert.equal(await page.getByLabel('City (optional)').inputValue(), 'Arlington');
  await assertAccessible(page, '/app/companies/new with errors');
  await page.getByLabel('Name', { exact: true }).fill('Navy Labs');
  await domain.fill('https://www.Navy-Labs.example/');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this company' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/app\/companies\/[0-9a-f-]{36}$/);
  const companyPath = new URL(page.url()).pathname;
  await waitForScripts(page);
  assert.equal(await page.locator('h1').innerText(), 'Navy Labs');
  assert.match(await page.getByRole('status').first().innerText(), /Company added/);
  assert.match(await fieldValue(page, 'Web domain').innerText(), /navy-labs\.example/);
  assert.match(await page.locator('.timeline').innerText(), /Cora Company added this company/);
  await assertAccessible(page, '/app/companies/{id}');

  // A text field by keyboard: Enter on "Edit", type, Enter saves; focus returns to "Edit".
  await page.getByRole('button', { name: 'Edit postal code' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'company-postal_code');
  await assertAccessible(page, '/app/companies/{id} while editing a field');
  await page.keyboard.type('VA 22201');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#company-postal_code-edit');
  assert.match(await fieldValue(page, 'Postal code').innerText(), /VA 22201/);
  await waitForFocus(page, 'company-postal_code-edit');
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed postal code'));

  // A choice by keyboard: the owner, from the member who added it to nobody.
  assert.match(await fieldValue(page, 'Owner').innerText(), /Cora Company/);
  await page.getByRole('button', { name: 'Edit owner' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'company-owner');
  await page.locator('#company-owner').selectOption({ label: 'Nobody' });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#company-owner-edit');
  assert.match(await fieldValue(page, 'Owner').innerText(), /Not set/);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed owner'));
  assert.match(await page.locator('.timeline').innerText(), /changed owner from “Cora Company” to \(empty\)/);

  // A refused value: the error is beside the field, and Escape leaves it as it was.
  await page.getByRole('button', { name: 'Edit web domain' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'company-domain');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('navy');
  await page.keyboard.press('Enter');
  await page.locator('#company-domain-error').waitFor();
  assert.match(await page.locator('#company-domain-error').innerText(), /Enter a domain like example\.com/);
  assert.equal(await page.locator('#company-domain').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, '/app/companies/{id} with a refused edit');
  await page.keyboard.press('Escape');
  assert.match(await fieldValue(page, 'Web domain').innerText(), /navy-labs\.example/);
  assert.equal(await page.evaluate(() => localStorage.getItem('candor_company_drafts')), null);

  // A note, sent with Ctrl+Enter, goes into the company's timeline.
  await page.locator('#note-body:enabled').waitFor();
  await page.getByLabel('Note', { exact: true }).focus();
  await page.keyboard.type('Visited their lab.');
  await page.keyboard.press('ControlOrMeta+Enter');
  await page.getByRole('status').filter({ hasText: 'Note added to the activity.' }).waitFor();
  assert.match(await page.locator('.timeline__entry').first().innerText(), /Cora Company wrote a note:[\s\S]*Visited their lab\./);
  await assertAccessible(page, '/app/companies/{id} with a note');

  // A person whose company is its name is one of its people, linked both ways.
  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name (optional)').fill('Hopper');
  await page.getByLabel('Company (optional)').fill('navy labs');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  await waitForScripts(page);
  await page.getByRole('link', { name: 'navy labs' }).click();
  await page.waitForURL(`**${companyPath}`);
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await assertAccessible(page, '/app/companies/{id} with its people');

  // The list finds it by part of its domain, and the search is in the URL.
  await page.goto(`${BASE_URL}/app/companies`);
  await waitForScripts(page);
  await page.getByRole('searchbox', { name: 'Search' }).focus();
  await page.keyboard.type('labs.ex');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=labs.ex/);
  const row = page.locator('.list__table tbody tr');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.first().innerText(), /Navy Labs\s+navy-labs\.example\s+Arlington\s+1/);
  await assertAccessible(page, '/app/companies searched');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('q='));
  // Back draws the whole list again, with the search box emptied. The filters below are chosen
  // once it is drawn: a list that arrives after a choice draws its filters anew, as its URL says.
  await page.waitForFunction(() => document.querySelector('#companies-q')?.value === '');

  // Filtered by owner, in the URL: Navy Labs went to nobody above, so none is Cora's.
  await row.first().waitFor();
  await page.getByLabel('Owner', { exact: true }).selectOption({ label: 'Cora Company' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL(/[?&]owner=[0-9a-f-]{36}/);
  await page.getByText('No companies match this search and these filters.').waitFor();
  await assertAccessible(page, '/app/companies filtered by owner, nothing found');
  assertNoPageErrors(page);
  await page.context().close();
});

// Leads as members work with them: add one (a plain form, refused with messages first), change
// its status in the page by keyboard, convert it by keyboard into a new person and company, find
// the conversion on the person's page, convert a second lead into the person who already has its
// e-mail address, search and filter the list with back and forward, and delete the person, which
// deletes the leads she came from. Every page and state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, waitForFocus, signUpConfirmed,
  fieldValue,
} from './support.js';

after(closeBrowser);

/** Adds a lead with the form and waits for its page. */
async function addLead(page, { name, email, company, source }) {
  await page.goto(`${BASE_URL}/app/leads/new`);
  await waitForScripts(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  if (company) await page.getByLabel('Company (optional)').fill(company);
  if (source) await page.getByLabel('Source').selectOption({ label: source });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this lead' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/app\/leads\/[0-9a-f-]{36}$/);
  await waitForScripts(page);
}

test('a member adds a lead, qualifies it and converts it by keyboard into a new person and company', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Lena Lead', freshEmail('lena'), 'Lena Sales');

  await page.getByRole('link', { name: 'Leads', exact: true }).first().click();
  await page.waitForURL('**/app/leads');
  await page.waitForSelector('.list__empty');
  assert.equal(await page.title(), 'Leads · Candor CRM');
  assert.match(await page.locator('.list__empty').innerText(), /No leads yet/);
  await assertAccessible(page, '/app/leads, empty');

  await page.getByRole('link', { name: 'Add a lead' }).click();
  await page.waitForURL('**/app/leads/new');
  await waitForScripts(page);
  await assertAccessible(page, '/app/leads/new');
  // Sent with problems: each is tied to its field, what was typed stays.
  await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await page.getByLabel('E-mail', { exact: true }).fill('grace@');
  await page.getByLabel('Company (optional)').fill('Navy Labs');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this lead' }).click()]);
  takeExpectedStatusReports(page, [422]);
  const email = page.getByLabel('E-mail', { exact: true });
  assert.equal(await email.inputValue(), 'grace@');
  const problem = await email.getAttribute('aria-describedby').then((ids) => ids.split(' ').pop());
  assert.match(await page.locator(`#${problem}`).innerText(), /Enter an e-mail address like name@example\.com/);
  assert.equal(await page.getByLabel('Company (optional)').inputValue(), 'Navy Labs');
  await assertAccessible(page, '/app/leads/new with errors');
  await email.fill('grace@navy.example');
  await page.getByLabel('Source').selectOption({ label: 'Event' });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this lead' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/app\/leads\/[0-9a-f-]{36}$/);
  const leadPath = new URL(page.url()).pathname;
  await waitForScripts(page);
  assert.equal(await page.locator('h1').innerText(), 'Grace Hopper');
  assert.match(await fieldValue(page, 'Source').innerText(), /Event/);
  assert.match(await page.locator('.timeline').innerText(), /Lena Lead added this lead/);
  await assertAccessible(page, '/app/leads/{id}');

  // The status, a choice, by keyboard.
  await page.getByRole('button', { name: 'Edit status' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'lead-status');
  await page.locator('#lead-status').selectOption({ label: 'Qualified' });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#lead-status-edit');
  assert.match(await fieldValue(page, 'Status').innerText(), /Qualified/);
  await waitForFocus(page, 'lead-status-edit');
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed status'));
  assert.match(await page.locator('.timeline').innerText(), /changed status from “New” to “Qualified”/);

  // Convert, by keyboard: the page says what will happen, and offers to add the company.
  const convert = page.locator('.lead__convert');
  assert.match(await convert.innerText(), /Converting adds Grace Hopper as a person/);
  const addCompany = page.getByLabel('Also add the company “Navy Labs”');
  assert.equal(await addCompany.isChecked(), true);
  await assertAccessible(page, '/app/leads/{id} before converting');
  await page.locator('#convert-button:enabled').waitFor();
  await page.locator('#convert-button').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'converted-title');
  const converted = page.locator('.lead__converted');
  assert.match(await converted.getByRole('status').innerText(), /a new person was added from it/);
  assert.match(await converted.innerText(), /Converted into Grace Hopper, with the company Navy Labs, on .* by Lena Lead\./);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('converted this lead'));
  assert.match(await page.locator('.timeline').innerText(), /Lena Lead converted this lead into the new person Grace Hopper\./);
  assert.match(await page.locator('.timeline').innerText(), /Lena Lead added the company Navy Labs when converting this lead\./);
  await assertAccessible(page, '/app/leads/{id} converted');

  // The person's page tells where they came from, and links back.
  const companyPath = await converted.getByRole('link', { name: 'Navy Labs' }).getAttribute('href');
  await converted.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.waitForURL(/\/app\/people\/[0-9a-f-]{36}$/);
  const personPath = new URL(page.url()).pathname;
  await waitForScripts(page);
  assert.match(await fieldValue(page, 'E-mail').innerText(), /grace@navy\.example/);
  assert.match(await page.locator('.timeline').innerText(), /Lena Lead added this person by converting the lead Grace Hopper\./);
  await assertAccessible(page, '/app/people/{id} converted from a lead');
  await page.locator('.timeline').getByRole('link', { name: 'Grace Hopper' }).click();
  await page.waitForURL(`**${leadPath}`);
  await page.locator('.lead__converted').waitFor();

  // A second lead with her address, in other letters: it becomes her, not a second Grace.
  await addLead(page, { name: 'G. Hopper', email: 'GRACE@navy.example', source: 'Website' });
  const plan = await page.locator('.lead__convert').innerText();
  assert.match(plan, /Grace Hopper is already a person here with the e-mail address GRACE@navy\.example/);
  await page.locator('#convert-button:enabled').waitFor();
  await page.locator('#convert-button').click();
  await waitForFocus(page, 'converted-title');
  assert.match(await page.locator('.lead__converted').getByRole('status').innerText(), /linked to the person who already had its e-mail address/);
  assert.match(await page.locator('.timeline').innerText(), /converted this lead into Grace Hopper, who was already a person here/);
  await assertAccessible(page, '/app/leads/{id} converted into an existing person');
  await page.goto(`${BASE_URL}/app/people?q=grace`);
  await waitForScripts(page);
  assert.equal(await page.locator('.list__table tbody tr').count(), 1, 'one Grace, not two');

  // The list: search, then a status filter, both in the URL; back and forward show each list.
  await page.goto(`${BASE_URL}/app/leads`);
  await waitForScripts(page);
  const rows = page.locator('.list__table tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  await assertAccessible(page, '/app/leads');
  await page.getByLabel('Status').selectOption({ label: 'Qualified' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/[?&]status=qualified/);
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /Grace Hopper\s+grace@navy\.example\s+Navy Labs\s+Qualified, converted\s+Event\s+Lena Lead/);
  await assertAccessible(page, '/app/leads filtered by status');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('status='));
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 2);
  await page.goForward();
  await page.waitForURL(/[?&]status=qualified/);
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 1);

  // Deleting Grace deletes the leads she came from (they hold her details too), as the question
  // says; the company keeps its conversion in its timeline, without the lead's name or link.
  await page.goto(`${BASE_URL}${personPath}`);
  await waitForScripts(page);
  await page.getByRole('button', { name: 'Delete this person…' }).click();
  const question = page.getByRole('alertdialog', { name: 'Delete Grace Hopper?' });
  await question.waitFor();
  assert.match(await question.innerText(), /Their details, tags, notes, tasks, activity and the leads they came from are deleted for good\./);
  await page.getByRole('button', { name: 'Delete this person', exact: true }).click();
  await page.waitForURL('**/app/people');
  await page.goto(`${BASE_URL}/app/leads`);
  await waitForScripts(page);
  await page.getByText('No leads yet.', { exact: false }).waitFor();
  await page.goto(`${BASE_URL}${companyPath}`);
  await waitForScripts(page);
  const timeline = await page.locator('.timeline').innerText();
  assert.match(timeline, /Lena Lead added this company by converting the lead \(since deleted\)\./);
  assert.doesNotMatch(timeline, /Grace Hopper/);
  await assertAccessible(page, '/app/companies/{id} converted from a lead since deleted');
  assertNoPageErrors(page);
  await page.context().close();
});

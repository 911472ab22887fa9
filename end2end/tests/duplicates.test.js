// Duplicates as members meet them: adding a person whose e-mail address is already a person's
// shows that person with a link before anything is saved (the focus on it), adds anyway when
// asked; the "Possible duplicates" page, reached from the people list, lists the pair with links
// to both. Every state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, waitForFocus, signUpConfirmed, addRecord,
  pressEnterAndWait,
} from './support.js';

after(closeBrowser);

test('a person whose address is already there is shown before saving, added anyway, then listed as a possible duplicate', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Dana Dupe', freshEmail('dana'), 'Dana Data');
  const ada = await addRecord(
    page,
    'people',
    { 'First name': 'Ada', 'Last name (optional)': 'Lovelace', 'Company (optional)': 'Analytical Engines', 'E-mail (optional)': 'ada@engines.example' },
    'Add this person',
  );

  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name', { exact: true }).fill('Augusta');
  await page.getByLabel('E-mail (optional)', { exact: true }).fill('ADA@engines.example');
  await page.getByRole('button', { name: 'Add this person' }).focus();
  const shown = await pressEnterAndWait(page);
  assert.equal(shown.status(), 409);
  await waitForScripts(page);
  await waitForFocus(page, 'new-person-existing');
  const existing = page.locator('#new-person-existing');
  assert.match(await existing.innerText(), /This may already be in the workspace/);
  assert.match(await existing.innerText(), /Ada Lovelace at Analytical Engines already exists: the same e-mail address\./);
  assert.equal(
    await existing.getByRole('link', { name: 'Ada Lovelace at Analytical Engines' }).getAttribute('href'),
    ada,
  );
  // What was typed stays; nothing was saved.
  assert.equal(await page.getByLabel('First name', { exact: true }).inputValue(), 'Augusta');
  await assertAccessible(page, '/app/people/new showing who may already be there');

  // Tab from the notice through the link to the form, then to "Add this person anyway".
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Ada Lovelace at Analytical Engines');
  await page.getByRole('button', { name: 'Add this person anyway' }).focus();
  const added = await pressEnterAndWait(page);
  assert.equal(added.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/app\/people\/[0-9a-f-]{36}$/);
  await page.waitForSelector('text=Person added.');
  const augusta = new URL(page.url()).pathname;

  // The people list leads to the pairs.
  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  await page.getByRole('link', { name: 'Possible duplicates' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL('**/app/duplicates');
  await page.waitForSelector('.duplicates__pair');
  assert.equal(await page.title(), 'Possible duplicates · Candor CRM');
  const pair = page.locator('#duplicates-people .duplicates__pair');
  assert.equal(await pair.count(), 1);
  assert.match(await pair.innerText(), /Ada Lovelace at Analytical Engines and Augusta/);
  assert.match(await pair.innerText(), /Both have the same e-mail address\./);
  assert.equal(await pair.getByRole('link', { name: 'Augusta', exact: true }).getAttribute('href'), augusta);
  assert.match(
    await page.locator('#duplicates-companies').innerText(),
    /No two companies share a web domain or a phone number\./,
  );
  await assertAccessible(page, '/app/duplicates with a pair');

  // Not the same person after all: said by keyboard, and the pair is gone.
  await pair.getByRole('button', { name: 'Not duplicates: Ada Lovelace at Analytical Engines and Augusta' }).focus();
  await pressEnterAndWait(page);
  await page.waitForURL('**/app/duplicates?different=1');
  await page.waitForSelector('text=Noted: that pair is not listed again.');
  assert.equal(await page.locator('#duplicates-people .duplicates__pair').count(), 0);
  assert.match(
    await page.locator('#duplicates-people').innerText(),
    /No two people share an e-mail address, a phone number, or a name and company\./,
  );
  await assertAccessible(page, '/app/duplicates after a pair was said to differ');

  takeExpectedStatusReports(page, [409]);
  assertNoPageErrors(page);
  await page.context().close();
});

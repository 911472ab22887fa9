// Phone numbers as people type them: the sign-up form chooses the workspace's country from the
// browser's languages; a number typed as dialled there is taken and shown in national form, one
// from elsewhere keeps its country code, an impossible one is refused with the reason beside the
// field; the owner changes the country in the workspace's settings by keyboard. Every page and
// state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, signUpConfirmed, openEditor, fieldValue,
} from './support.js';

after(closeBrowser);

test("a phone number is typed as dialled in the workspace's country and shown so, and an admin changes the country", async () => {
  // The browser says it is in the United Kingdom: the sign-up form chooses it.
  const page = await newPage({ locale: 'en-GB' });
  await page.goto(`${BASE_URL}/signup`);
  await waitForScripts(page);
  assert.equal(await page.getByLabel("Workspace's country").inputValue(), 'GB');
  await assertAccessible(page, '/signup with the country chosen from the browser');
  await signUpConfirmed(page, 'Nora National', freshEmail('nora'), 'Nora Numbers', { country: 'GB' });

  // A number typed as it is dialled in the UK is taken, and shown so.
  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name (optional)').fill('Lovelace');
  await page.getByLabel('Phone (optional)').fill('020 7946 0958');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/app\/people\/[0-9a-f-]{36}$/);
  await waitForScripts(page);
  assert.match(await fieldValue(page, 'Phone').innerText(), /(^|\s)020 7946 0958/);

  // Too short for a UK number: refused with the reason, beside the field, and nothing changes.
  await openEditor(page, 'phone', 'person-phone');
  assert.equal(await page.locator('#person-phone').inputValue(), '020 7946 0958');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('020 7946');
  await page.keyboard.press('Enter');
  const error = page.locator('#person-phone-error');
  await error.waitFor();
  assert.match(await error.innerText(), /too short for a phone number in United Kingdom/);
  takeExpectedStatusReports(page, [422]);
  await assertAccessible(page, '/app/people/{id} with a number too short for the country');

  // A Swiss number keeps its country code when shown.
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('0041 44 668 18 00');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#person-phone-edit');
  assert.match(await fieldValue(page, 'Phone').innerText(), /\+41 44 668 18 00/);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed phone'));
  assert.match(await page.locator('.timeline').innerText(), /changed phone from “020 7946 0958” to “\+41 44 668 18 00”/);
  const person = page.url();

  // The owner sees the country in the workspace's settings and changes it, by keyboard.
  await page.goto(`${BASE_URL}/app/settings/workspace`);
  await waitForScripts(page);
  const country = page.getByLabel("Workspace's country");
  assert.equal(await country.inputValue(), 'GB');
  await assertAccessible(page, '/app/settings/workspace with its country');
  await country.focus();
  await country.selectOption('CH');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Save country');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.getByRole('status').filter({ hasText: 'Country saved.' }).waitFor();
  assert.equal(await page.getByLabel("Workspace's country").inputValue(), 'CH');
  await assertAccessible(page, '/app/settings/workspace, country saved');

  // Now the Swiss number is a national one, and the UK number would need its country code.
  await page.goto(person);
  await waitForScripts(page);
  const shown = await fieldValue(page, 'Phone').innerText();
  assert.match(shown, /(^|\s)044 668 18 00/);
  assert.doesNotMatch(shown, /\+41/);
  assertNoPageErrors(page);
  await page.context().close();
});

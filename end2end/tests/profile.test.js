// The member's profile as members use it: edited in the page (checked as you type, saved
// without a reload, kept as a draft across a reload) and, without JavaScript, as a plain form;
// then the sessions page. Every state is scanned with axe. (A file of its own: the runner gives
// each file 120 seconds, and accounts.test.js's other tests take most of them.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertAccessibleWithoutJs,
  assertNoPageErrors, freshEmail, signUpConfirmed,
} from './support.js';

after(closeBrowser);

test('the profile is edited in the page: checked as you type, saved without a reload, kept as a draft across a reload', async () => {
  const page = await newPage();
  const email = freshEmail('profile');
  await signUpConfirmed(page, 'Pat Profile', email, 'Profile Works');
  await page.goto(`${BASE_URL}/app/settings/profile`);
  await waitForScripts(page);
  await assertAccessible(page, '/app/settings/profile');

  // Checked as you type: clearing the name shows its error at once, tied to the field.
  const name = page.getByLabel('Name', { exact: true });
  await name.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#profile-name-error').innerText(), /Enter your name\./);
  await assertAccessible(page, '/app/settings/profile with a field error');
  await page.keyboard.type('Pat Q. Profile');
  assert.equal(await name.getAttribute('aria-invalid'), null);

  // Saved without a reload: a marker set on the page survives the save.
  await page.evaluate(() => { window.__stillHere = true; });
  await page.getByLabel(/Job title/).focus();
  await page.keyboard.type('Chief Analyst');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#profile-status')?.textContent === 'Saved');
  assert.equal(await page.evaluate(() => window.__stillHere), true, 'no reload');
  assert.equal(await page.evaluate(() => localStorage.getItem('candor_profile_draft')), null, 'no draft once saved');
  await page.reload();
  await waitForScripts(page);
  assert.equal(await page.getByLabel(/Job title/).inputValue(), 'Chief Analyst');
  assert.equal(await name.inputValue(), 'Pat Q. Profile');

  // A draft: typed, not saved, reloaded.
  await page.getByLabel(/Phone/).focus();
  await page.keyboard.type('+41 44 668 18 00');
  await page.getByLabel(/Time zone/).selectOption('Europe/Zurich');
  await page.reload();
  await waitForScripts(page);
  await page.waitForSelector('.profile__draft');
  assert.equal(await page.getByLabel(/Phone/).inputValue(), '+41 44 668 18 00');
  assert.equal(await page.getByLabel(/Time zone/).inputValue(), 'Europe/Zurich');
  await assertAccessible(page, '/app/settings/profile with a restored draft');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForFunction(() => document.querySelector('#profile-status')?.textContent === 'Saved');
  assert.equal(await page.locator('.profile__draft').count(), 0);
  await page.reload();
  await waitForScripts(page);
  assert.equal(await page.getByLabel(/Phone/).inputValue(), '+41 44 668 18 00');
  assert.equal(await page.locator('.profile__draft').count(), 0, 'the saved draft is gone');

  await page.goto(`${BASE_URL}/app/settings/sessions`);
  await waitForScripts(page);
  assert.match(await page.locator('.sessions__list').innerText(), /this browser/);
  await assertAccessible(page, '/app/settings/sessions');
  assertNoPageErrors(page);
  await page.context().close();
});

test('without JavaScript the profile is a plain form that saves', async () => {
  const setup = await newPage();
  const email = freshEmail('nojsprofile');
  await signUpConfirmed(setup, 'Nora NoScript', email, 'Plain Forms');
  const cookies = await setup.context().cookies();
  await setup.context().close();

  const page = await newPage({ javaScriptEnabled: false });
  await page.context().addCookies(cookies);
  await page.goto(`${BASE_URL}/app/settings/profile`);
  await page.getByLabel(/Job title/).fill('Archivist');
  await page.getByLabel(/Phone/).fill('call me');
  const [refused] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save changes' }).click()]);
  assert.equal(refused.status(), 422);
  assert.match(await page.locator('#profile-phone-error').innerText(), /Enter a phone number/);
  await assertAccessibleWithoutJs(page, '/app/settings/profile with an error, no JavaScript');
  await page.getByLabel(/Phone/).fill('');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save changes' }).click()]);
  assert.equal(new URL(page.url()).search, '?saved=details');
  assert.equal(await page.getByLabel(/Job title/).inputValue(), 'Archivist');
  await page.context().close();
});

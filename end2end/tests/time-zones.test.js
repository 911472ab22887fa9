// Times in the member's own zone and language: a browser in New York with US English signs up
// and finds both kept in its profile; a person's timeline says when they were added in Eastern
// time with a 12-hour clock; the member then chooses Tokyo and UK English by keyboard, saves
// without a reload, and the next page the app draws writes the same moment in Japan's time with
// a 24-hour clock. Every state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, signUpConfirmed, addRecord,
} from './support.js';

after(closeBrowser);

test('a member reads times in the zone and language of their browser, then of their choice, without a reload', async () => {
  const page = await newPage({ locale: 'en-US', timezoneId: 'America/New_York' });
  await signUpConfirmed(page, 'Zoe Zones', freshEmail('zoe'), 'Zoned Out');

  await page.goto(`${BASE_URL}/app/settings/profile`);
  await waitForScripts(page);
  assert.equal(await page.getByLabel(/Time zone/).inputValue(), 'America/New_York', 'the browser\'s zone');
  assert.equal(await page.getByLabel(/Language/).inputValue(), 'en-US', 'the browser\'s language');
  assert.match(await page.locator('#profile-language-hint').innerText(), /December 7, 2026, 2:30 PM/);
  await assertAccessible(page, '/app/settings/profile with the zone and language');

  const grace = await addRecord(page, 'people', { 'First name': 'Grace', 'Last name (optional)': 'Hopper' }, 'Add this person');
  // "December 7, 2026, 4:05 AM EST": a US date, a 12-hour clock, Eastern time.
  const added = page.locator('.timeline__entry', { hasText: 'added this person' }).locator('time');
  const machine = await added.getAttribute('datetime');
  assert.match(machine, /^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
  assert.match(await added.innerText(), /^[A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d\d (AM|PM) E[SD]T$/);
  await assertAccessible(page, `${grace} in Eastern time`);

  // Tokyo and UK English, chosen by keyboard and saved without leaving the page.
  await page.goto(`${BASE_URL}/app/settings/profile`);
  await waitForScripts(page);
  await page.evaluate(() => { window.__stillHere = true; });
  await page.getByLabel(/Time zone/).focus();
  await page.keyboard.type('Asia/Tokyo');
  await page.getByLabel(/Language/).focus();
  await page.keyboard.type('English (United K');
  assert.equal(await page.getByLabel(/Time zone/).inputValue(), 'Asia/Tokyo');
  assert.equal(await page.getByLabel(/Language/).inputValue(), 'en-GB');
  await page.getByRole('button', { name: 'Save changes' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#profile-status')?.textContent === 'Saved');
  await assertAccessible(page, '/app/settings/profile saved with Tokyo');

  // The app draws the next page with the new clock: the same moment, nine hours ahead of UTC.
  await page.locator('header').getByRole('link', { name: 'People' }).click();
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.waitForURL(`${BASE_URL}${grace}`);
  const again = page.locator('.timeline__entry', { hasText: 'added this person' }).locator('time');
  await again.waitFor();
  assert.equal(await page.evaluate(() => window.__stillHere), true, 'drawn by the app, not loaded');
  const utc = new Date(`${machine.slice(0, -1)}:00Z`);
  const tokyo = new Date(utc.getTime() + 9 * 3600 * 1000);
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const pad = (n) => String(n).padStart(2, '0');
  const expected = `${tokyo.getUTCDate()} ${months[tokyo.getUTCMonth()]} ${tokyo.getUTCFullYear()}, ${pad(tokyo.getUTCHours())}:${pad(tokyo.getUTCMinutes())} JST`;
  assert.equal(await again.innerText(), expected);
  await assertAccessible(page, `${grace} in Japan's time`);

  // And after a reload, from the server.
  await page.reload();
  await waitForScripts(page);
  assert.equal(await page.locator('.timeline__entry', { hasText: 'added this person' }).locator('time').innerText(), expected);
  assertNoPageErrors(page);
  await page.context().close();
});

// Exports as members meet them: the people list, searched and filtered, offers what it shows as
// a CSV file (for Excel) and a vCard file (for address books); each, downloaded from the
// keyboard, holds exactly the list's people, in its order. The list with its export links is
// scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, freshEmail,
  signUpConfirmed, addRecord,
} from './support.js';

after(closeBrowser);

/** Presses Enter on a link and resolves with the download it starts. */
async function downloadFrom(page, name) {
  await page.getByRole('link', { name }).focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  return download;
}

test('a filtered people list downloads as CSV and as vCard with exactly its people', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Erin Export', freshEmail('erin'), 'Erin Exports');
  const person = { 'First name': 'Ada', 'Last name (optional)': 'Lovelace', 'E-mail (optional)': 'ada@engines.example', 'Tags (optional)': 'vip' };
  await addRecord(page, 'people', person, 'Add this person');
  await addRecord(page, 'people', { 'First name': 'Grace', 'Last name (optional)': 'Hopper', 'Tags (optional)': 'vip' }, 'Add this person');
  await addRecord(page, 'people', { 'First name': 'Alan', 'Last name (optional)': 'Turing' }, 'Add this person');

  await page.goto(`${BASE_URL}/app/people?tag=vip`);
  await waitForScripts(page);
  assert.match(await page.locator('.list__export').innerText(), /^Export the people this search and these filters match: CSV \(Excel\) or vCard \(address books\)$/);
  await assertAccessible(page, '/app/people filtered by a tag, with its exports');

  const csv = await downloadFrom(page, 'CSV (Excel)');
  assert.match(csv.suggestedFilename(), /^people-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await readFile(await csv.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a byte-order mark, so that Excel reads UTF-8');
  const rows = text.slice(1).trimEnd().split('\r\n');
  assert.equal(rows.length, 3, 'the header and the two tagged people');
  assert.match(rows[0], /^First Name,Middle Name,Last Name,/);
  assert.match(rows[1], /^Grace,,Hopper,/);
  assert.match(rows[2], /^Ada,,Lovelace,.*ada@engines\.example/);
  assert.ok(!text.includes('Turing'), 'nobody the list does not show');

  const vcard = await downloadFrom(page, 'vCard (address books)');
  assert.match(vcard.suggestedFilename(), /^people-\d{4}-\d{2}-\d{2}\.vcf$/);
  const cards = await readFile(await vcard.path(), 'utf8');
  assert.equal(cards.match(/BEGIN:VCARD\r\nVERSION:4\.0\r\n/g)?.length, 2);
  assert.match(cards, /FN:Grace Hopper\r\n[\s\S]*FN:Ada Lovelace\r\n/);
  assert.match(cards, /EMAIL;TYPE=work:ada@engines\.example\r\n/);
  assert.match(cards, /CATEGORIES:vip\r\n/);
  // The page is still the list (a download is not a navigation).
  assert.equal(new URL(page.url()).pathname, '/app/people');
});

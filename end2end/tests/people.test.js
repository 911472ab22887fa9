// People as members work with them: add a person (a plain form), edit fields in the page with the
// keyboard (Enter saves, Escape cancels, errors beside the field, a draft survives a reload), see
// each change in the timeline, and search, filter and page through a seeded list whose state
// lives in the URL. Every page and state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  BASE_URL, newPage, closeBrowser, waitForHydration, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, DATA_DIR, freshEmail, activeId, signUpConfirmed,
} from './support.js';

after(closeBrowser);

/** Opens a field's editor from its "Edit" button with the keyboard; resolves once its input has focus. */
async function openEditor(page, label, inputId) {
  await page.getByRole('button', { name: `Edit ${label}` }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === id, inputId);
}

/** The text of the field's value on a person's page. */
function fieldValue(page, label) {
  return page.locator('.person__field', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
}

test('a member adds a person and edits them in the page by keyboard, with every change in the timeline', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Petra People', freshEmail('petra'), 'Petra Partners');

  await page.getByRole('link', { name: 'People', exact: true }).first().click();
  await page.waitForURL('**/app/people');
  await page.waitForSelector('.people__empty');
  assert.equal(await page.title(), 'People · Candor CRM');
  assert.match(await page.locator('.people__empty').innerText(), /No people yet/);
  await assertAccessible(page, '/app/people, empty');

  await page.getByRole('link', { name: 'Add a person' }).click();
  await page.waitForURL('**/app/people/new');
  await waitForHydration(page);
  await assertAccessible(page, '/app/people/new');
  // Sent with problems: each is tied to its field, what was typed stays.
  await page.getByLabel('First name').fill(' ');
  await page.getByLabel('Phone (optional)').fill('020 7946 0958');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  takeExpectedStatusReports(page, [422]);
  const phone = page.getByLabel('Phone (optional)');
  assert.equal(await phone.inputValue(), '020 7946 0958');
  assert.match(await page.locator(`#${await phone.getAttribute('aria-describedby').then((ids) => ids.split(' ').pop())}`).innerText(), /country code/);
  await assertAccessible(page, '/app/people/new with errors');
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name (optional)').fill('Hopper');
  await phone.fill('+44 20 7946 0958');
  await page.getByLabel('Tags (optional)').fill('vip, speaker');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/app\/people\/[0-9a-f-]{36}$/);
  await waitForHydration(page);
  assert.equal(await page.locator('h1').innerText(), 'Grace Hopper');
  assert.match(await page.getByRole('status').first().innerText(), /Person added/);
  assert.match(await fieldValue(page, 'Phone').innerText(), /\+442079460958/);
  assert.match(await page.locator('.timeline').innerText(), /Petra People added this person/);
  await assertAccessible(page, '/app/people/{id}');

  // Edit with the keyboard: Enter on "Edit", type, Enter saves; focus returns to "Edit".
  await openEditor(page, 'job title', 'person-job_title');
  await assertAccessible(page, '/app/people/{id} while editing a field');
  await page.keyboard.type('Rear Admiral');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#person-job_title-edit');
  assert.match(await fieldValue(page, 'Job title').innerText(), /Rear Admiral/);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed job title'));
  assert.match(await page.locator('.timeline').innerText(), /changed job title from \(empty\) to “Rear Admiral”/);
  assert.equal(await activeId(page), 'person-job_title-edit');

  // Escape leaves the field as it was.
  await openEditor(page, 'company', 'person-company_name');
  await page.keyboard.type('Never Saved Ltd');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.id === 'person-company_name-edit');
  assert.match(await fieldValue(page, 'Company').innerText(), /Not set/);

  // A value the server refuses: the error is beside the field, tied to it, and nothing changed.
  // (It passes the browser's check of its form; the server knows no country code 999.)
  await openEditor(page, 'phone', 'person-phone');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('+999 123 456');
  await page.keyboard.press('Enter');
  const error = page.locator('#person-phone-error');
  await error.waitFor();
  assert.match(await error.innerText(), /not a valid phone number/);
  assert.match(await page.locator('#person-phone').getAttribute('aria-describedby'), /person-phone-error/);
  assert.equal(await page.locator('#person-phone').getAttribute('aria-invalid'), 'true');
  takeExpectedStatusReports(page, [422]);
  await assertAccessible(page, '/app/people/{id} with a refused edit');
  await page.keyboard.press('Escape');
  assert.match(await fieldValue(page, 'Phone').innerText(), /\+442079460958/);

  // An edit not saved survives a reload as a draft.
  await openEditor(page, 'last name', 'person-last_name');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Hopper-Murray');
  await page.reload();
  await waitForHydration(page);
  await page.waitForSelector('#person-last_name');
  assert.equal(await page.locator('#person-last_name').inputValue(), 'Hopper-Murray');
  await page.getByRole('status').filter({ hasText: 'We brought back an edit you had not saved' }).waitFor();
  await assertAccessible(page, '/app/people/{id} with a restored draft');
  await page.locator('#person-last_name').press('Enter');
  await page.waitForSelector('#person-last_name-edit');
  assert.equal(await page.locator('h1').innerText(), 'Grace Hopper-Murray');
  assert.equal(await page.evaluate(() => localStorage.getItem('candor_person_drafts')), null);
  assertNoPageErrors(page);
  await page.context().close();
});

test('search, filters and pages live in the URL, so back, forward and reload show the same list', async () => {
  const bin = process.env.SERVER_BIN;
  assert.ok(bin && DATA_DIR, 'scripts/test sets SERVER_BIN and E2E_DATA_DIR');
  const page = await newPage();
  const workspace = `Seeded ${Date.now()}`;
  await signUpConfirmed(page, 'Sam Seeder', freshEmail('sam'), workspace);
  const out = execFileSync(bin, ['seed', '--workspace', workspace, '--people', '120'], {
    env: { ...process.env, DATA_DIR, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  assert.match(out, /added 120 people/);

  await page.goto(`${BASE_URL}/app/people`);
  await waitForHydration(page);
  const rows = page.locator('.people__table tbody tr');
  assert.equal(await rows.count(), 50);
  await assertAccessible(page, '/app/people with a full page');
  const lastName = (await rows.first().locator('th').innerText()).split(' ').pop();

  // Search by keyboard: the URL carries the query.
  await page.getByRole('searchbox', { name: 'Search' }).focus();
  await page.keyboard.type(lastName);
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=/);
  await page.waitForFunction((name) => [...document.querySelectorAll('.people__table tbody th')].every((th) => th.innerText.includes(name)), lastName);
  const found = await rows.count();
  assert.ok(found >= 1 && found < 50, `found ${found}`);
  await assertAccessible(page, '/app/people searched');

  // Filter by a tag and sort by newest, then page back and forth through the history.
  await page.goto(`${BASE_URL}/app/people`);
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/after=/);
  const secondPageFirst = await rows.first().locator('th').innerText();
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('after='));
  await page.waitForFunction((name) => document.querySelector('.people__table tbody th')?.innerText !== name, secondPageFirst);
  await page.goForward();
  await page.waitForURL(/after=/);
  await page.waitForFunction((name) => document.querySelector('.people__table tbody th')?.innerText === name, secondPageFirst);
  await page.reload();
  await waitForHydration(page);
  assert.equal(await rows.first().locator('th').innerText(), secondPageFirst);

  await page.goto(`${BASE_URL}/app/people`);
  await waitForHydration(page);
  await page.getByLabel('Tag').selectOption('vip');
  await page.getByLabel('Sort by').selectOption('newest');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/tag=vip/);
  assert.match(page.url(), /sort=newest/);
  await page.waitForFunction(() => [...document.querySelectorAll('.people__table tbody tr td:nth-of-type(4)')].every((td) => td.innerText.split(', ').includes('vip')));
  assert.ok((await rows.count()) > 0);
  await assertAccessible(page, '/app/people filtered by tag');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('tag='));
  assertNoPageErrors(page);
  await page.context().close();
});

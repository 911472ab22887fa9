// People as members work with them: add a person (a plain form), edit fields in the page with the
// keyboard (Enter saves, Escape cancels, errors beside the field, a draft survives a reload), see
// each change in the timeline, search, filter and page through a seeded list whose state lives in
// the URL, and tag, hand over and delete ticked people at once. Every page and state is scanned
// with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, activeId, waitForFocus, signUpConfirmed, seedPeople,
  logInWithKeyboard, PASSWORD, openEditor, fieldValue,
} from './support.js';

after(closeBrowser);

test('a member adds a person and edits them in the page by keyboard, with every change in the timeline', async () => {
  const page = await newPage();
  const email = freshEmail('petra');
  await signUpConfirmed(page, 'Petra People', email, 'Petra Partners');

  await page.getByRole('link', { name: 'People', exact: true }).first().click();
  await page.waitForURL('**/app/people');
  await page.waitForSelector('.list__empty');
  assert.equal(await page.title(), 'People · Candor CRM');
  assert.match(await page.locator('.list__empty').innerText(), /No people yet/);
  await assertAccessible(page, '/app/people, empty');

  await page.getByRole('link', { name: 'Add a person' }).click();
  await page.waitForURL('**/app/people/new');
  await waitForScripts(page);
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
  await waitForScripts(page);
  assert.equal(await page.locator('h1').innerText(), 'Grace Hopper');
  assert.match(await page.getByRole('status').first().innerText(), /Person added/);
  assert.match(await fieldValue(page, 'Phone').innerText(), /\+44 20 7946 0958/);
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
  await waitForFocus(page, 'person-job_title-edit');

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
  assert.match(await error.innerText(), /No country has this country code/);
  assert.match(await page.locator('#person-phone').getAttribute('aria-describedby'), /person-phone-error/);
  assert.equal(await page.locator('#person-phone').getAttribute('aria-invalid'), 'true');
  takeExpectedStatusReports(page, [422]);
  await assertAccessible(page, '/app/people/{id} with a refused edit');
  await page.keyboard.press('Escape');
  assert.match(await fieldValue(page, 'Phone').innerText(), /\+44 20 7946 0958/);

  // An edit not saved survives a reload as a draft.
  await openEditor(page, 'last name', 'person-last_name');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Hopper-Murray');
  await page.reload();
  await waitForScripts(page);
  await page.waitForSelector('#person-last_name');
  assert.equal(await page.locator('#person-last_name').inputValue(), 'Hopper-Murray');
  await page.getByRole('status').filter({ hasText: 'We brought back an edit you had not saved' }).waitFor();
  await assertAccessible(page, '/app/people/{id} with a restored draft');
  await page.locator('#person-last_name').press('Enter');
  await page.waitForSelector('#person-last_name-edit');
  assert.equal(await page.locator('h1').innerText(), 'Grace Hopper-Murray');
  assert.equal(await page.evaluate(() => localStorage.getItem('candor_person_drafts')), null);

  // A note, refused while empty, then written and sent with Ctrl+Enter, shows in the timeline.
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('#note-error').waitFor();
  assert.match(await page.locator('#note-error').innerText(), /Write the note first/);
  await waitForFocus(page, 'note-body');
  await assertAccessible(page, '/app/people/{id} with a refused note');
  await page.keyboard.type('Met at the fair.');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Call in May.');
  await page.keyboard.press('ControlOrMeta+Enter');
  await page.getByRole('status').filter({ hasText: 'Note added to the activity.' }).waitFor();
  assert.match(await page.locator('.timeline__entry').first().innerText(), /Petra People wrote a note:[\s\S]*Met at the fair\.\nCall in May\./);
  assert.equal(await page.locator('#note-body').inputValue(), '');

  // A draft of a field someone else changed since comes back showing their value and this one,
  // and saves nothing by itself.
  const personPath = new URL(page.url()).pathname;
  const personId = personPath.split('/').pop();
  await openEditor(page, 'job title', 'person-job_title');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Vice Admiral');
  await page.evaluate(async (id) => {
    const form = (fields) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const { person } = await (await fetch('/api/people/load', form({ id }))).json();
    const saved = await fetch('/api/people/save-field', form({
      id, field: 'JobTitle', value: 'Commodore', base: person.job_title, version: String(person.version),
    }));
    if (!saved.ok) throw new Error(await saved.text());
  }, personId);
  await page.reload();
  await waitForScripts(page);
  await page.waitForSelector('#person-job_title-error');
  assert.equal(await page.locator('#person-job_title').inputValue(), 'Vice Admiral');
  const conflict = await page.locator('#person-job_title-error').innerText();
  assert.match(conflict, /someone else changed job title to “Commodore”/);
  assert.match(conflict, /Yours, not saved yet, is “Vice Admiral”/);
  await assertAccessible(page, '/app/people/{id} with a restored draft whose field changed since');
  await page.locator('#person-job_title').press('Escape');
  await page.waitForSelector('#person-job_title-edit');
  assert.match(await fieldValue(page, 'Job title').innerText(), /Commodore/);
  assert.equal(await page.evaluate(() => localStorage.getItem('candor_person_drafts')), null);

  // A draft another member typed on this browser is never shown to this one; their own is.
  await page.evaluate(async (id) => {
    const me = await (await fetch('/api/accounts/me', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })).json();
    localStorage.setItem('candor_person_drafts', JSON.stringify([
      { member: '00000000-0000-4000-8000-000000000000', record: id, field: 'JobTitle', value: 'Not yours', base: 'Commodore' },
      { member: me.member_id, record: id, field: 'Company', value: 'Navy Labs', base: '' },
    ]));
  }, personId);
  await page.reload();
  await waitForScripts(page);
  await page.getByRole('status').filter({ hasText: 'We brought back' }).waitFor();
  assert.equal(await page.locator('#person-company_name').inputValue(), 'Navy Labs', 'their own draft');
  assert.equal(await page.locator('#person-job_title').count(), 0, 'no editor for the other member\'s draft');
  assert.match(await fieldValue(page, 'Job title').innerText(), /Commodore/);
  await page.locator('#person-company_name').press('Escape');
  await page.waitForSelector('#person-company_name-edit');

  // Logging out leaves no draft behind for the next person on this browser.
  await openEditor(page, 'job title', 'person-job_title');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Left unsaved');
  assert.notEqual(await page.evaluate(() => localStorage.getItem('candor_person_drafts')), null);
  await Promise.all([page.waitForURL('**/logout'), page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out' }).click()]);
  assert.equal(await page.evaluate(() => localStorage.getItem('candor_person_drafts')), null);
  await logInWithKeyboard(page, email, PASSWORD);
  await page.goto(`${BASE_URL}${personPath}`);
  await waitForScripts(page);
  assert.equal(await page.locator('#person-job_title').count(), 0, 'no draft came back');

  // Deleting asks first, with the focus on "Cancel"; then the list is shown without them.
  await page.getByRole('button', { name: 'Delete this person…' }).click();
  await page.getByRole('alertdialog', { name: 'Delete Grace Hopper-Murray?' }).waitFor();
  await waitForFocus(page, 'confirm-cancel');
  await assertAccessible(page, '/app/people/{id} asking to confirm a deletion');
  await page.getByRole('button', { name: 'Delete this person', exact: true }).click();
  await page.waitForURL('**/app/people');
  await page.waitForSelector('.list__empty');
  assertNoPageErrors(page);
  await page.context().close();
});

test('search, filters and pages live in the URL, so back, forward and reload show the same list', async () => {
  const page = await newPage();
  const workspace = `Seeded ${Date.now()}`;
  await signUpConfirmed(page, 'Sam Seeder', freshEmail('sam'), workspace);
  seedPeople(workspace, 120);

  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  const rows = page.locator('.list__table tbody tr');
  assert.equal(await rows.count(), 50);
  await assertAccessible(page, '/app/people with a full page');
  const lastName = (await rows.first().locator('th').innerText()).split(' ').pop();

  // Search by keyboard: the URL carries the query.
  await page.getByRole('searchbox', { name: 'Search' }).focus();
  await page.keyboard.type(lastName);
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=/);
  await page.waitForFunction((name) => [...document.querySelectorAll('.list__table tbody th')].every((th) => th.innerText.includes(name)), lastName);
  const found = await rows.count();
  assert.ok(found >= 1 && found < 50, `found ${found}`);
  await assertAccessible(page, '/app/people searched');

  // Filter by a tag and sort by newest, then page back and forth through the history.
  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  const firstPageFirst = await rows.first().locator('th').innerText();
  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/after=/);
  // The URL changes first; the list keeps showing the first page until the next one is in.
  await page.waitForFunction((name) => document.querySelector('.list__table tbody th')?.innerText !== name, firstPageFirst);
  const secondPageFirst = await rows.first().locator('th').innerText();
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('after='));
  await page.waitForFunction((name) => document.querySelector('.list__table tbody th')?.innerText !== name, secondPageFirst);
  await page.goForward();
  await page.waitForURL(/after=/);
  await page.waitForFunction((name) => document.querySelector('.list__table tbody th')?.innerText === name, secondPageFirst);
  await page.reload();
  await waitForScripts(page);
  assert.equal(await rows.first().locator('th').innerText(), secondPageFirst);

  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  await page.getByLabel('Tag', { exact: true }).selectOption('vip');
  await page.getByLabel('Sort by').selectOption('newest');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/tag=vip/);
  assert.match(page.url(), /sort=newest/);
  await page.waitForFunction(() => [...document.querySelectorAll('.list__table tbody tr td:nth-of-type(5)')].every((td) => td.innerText.split(', ').includes('vip')));
  assert.ok((await rows.count()) > 0);
  await assertAccessible(page, '/app/people filtered by tag');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('tag='));
  // The controls show the list the URL names again, not the choices made before it changed.
  await page.waitForFunction(() => document.getElementById('people-tag').value === '');
  // By last name: the default order, which the URL leaves out.
  assert.equal(await page.getByLabel('Sort by').inputValue(), '');
  await page.goForward();
  await page.waitForURL(/tag=vip/);
  await page.waitForFunction(() => document.getElementById('people-tag').value === 'vip');
  assert.equal(await page.getByLabel('Sort by').inputValue(), 'newest');
  assertNoPageErrors(page);
  await page.context().close();
});

test('ticked people are tagged, handed over and deleted at once, by keyboard, deletion after a confirmation', async () => {
  const page = await newPage();
  const workspace = `Bulk ${Date.now()}`;
  await signUpConfirmed(page, 'Bea Bulk', freshEmail('bea'), workspace);
  seedPeople(workspace, 5);
  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  const rows = page.locator('.list__table tbody tr');
  assert.equal(await rows.count(), 5);
  const names = await rows.locator('th').allInnerTexts();

  // Nothing ticked: the action says what to do first.
  await page.getByLabel('Tag to add').fill('conference');
  await page.getByLabel('Tag to add').press('Enter');
  await page.locator('#bulk-problem').waitFor();
  assert.match(await page.locator('#bulk-problem').innerText(), /Select at least one person first/);
  await assertAccessible(page, '/app/people, bulk action with nobody selected');

  // Tick the first two with the space bar, then add the tag with Enter.
  for (const name of names.slice(0, 2)) {
    await page.getByRole('checkbox', { name: `Select ${name}` }).focus();
    await page.keyboard.press('Space');
  }
  assert.match(await page.locator('.list__bulk-count').innerText(), /2 people selected/);
  await assertAccessible(page, '/app/people with two people selected');
  await page.getByLabel('Tag to add').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'people-notice');
  assert.equal(await page.locator('#people-notice').innerText(), 'Added the tag “conference” to 2 people.');
  await page.waitForFunction(() => [...document.querySelectorAll('.list__table tbody tr td:nth-of-type(5)')].filter((td) => td.innerText.includes('conference')).length === 2);
  assert.equal(await page.locator('.list__table tbody input:checked').count(), 0);
  for (const name of names.slice(0, 2)) {
    assert.match(await rows.filter({ hasText: name }).locator('td:nth-of-type(5)').innerText(), /conference/);
  }
  assert.doesNotMatch(await rows.filter({ hasText: names[2] }).locator('td:nth-of-type(5)').innerText(), /conference/);

  // The tagged people, everyone on the page ticked at once, owned by nobody.
  await page.goto(`${BASE_URL}/app/people?tag=conference`);
  await waitForScripts(page);
  assert.equal(await rows.count(), 2);
  await page.getByRole('checkbox', { name: 'Select everyone on this page' }).check();
  await page.getByLabel('New owner').selectOption({ label: 'Nobody' });
  await page.getByRole('button', { name: 'Change owner' }).click();
  await page.locator('#people-notice').filter({ hasText: '2 people are now owned by nobody.' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.list__table tbody tr td:nth-of-type(6)')].every((td) => td.innerText.trim() === ''));

  // Delete asks first; Escape cancels and gives the focus back; the second time it deletes.
  await page.getByRole('checkbox', { name: 'Select everyone on this page' }).check();
  await page.getByRole('button', { name: 'Delete…' }).focus();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('alertdialog', { name: 'Delete 2 people?' });
  await confirm.waitFor();
  await waitForFocus(page, 'confirm-cancel');
  await assertAccessible(page, '/app/people asking to confirm a deletion');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.id === 'bulk-delete');
  assert.equal(await confirm.count(), 0);
  assert.equal(await rows.count(), 2);
  await page.keyboard.press('Enter');
  await confirm.getByRole('button', { name: 'Delete 2 people' }).click();
  await page.locator('#people-notice').filter({ hasText: 'Deleted 2 people.' }).waitFor();
  await page.locator('.list__empty').waitFor();
  await assertAccessible(page, '/app/people after a deletion');

  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await rows.locator('th').allInnerTexts(), names.slice(2));
  assertNoPageErrors(page);
  await page.context().close();
});

test('a member adds further e-mail addresses, phone numbers and mailing addresses to a person by keyboard, and removes them', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Rita Reach', freshEmail('rita'), 'Rita Reach Ltd');
  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name (optional)').fill('Hopper');
  await page.getByLabel('E-mail (optional)').fill('grace@navy.example');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  await waitForScripts(page);
  assert.match(await page.locator('.person__contacts').innerText(), /None beyond the main e-mail address and phone number/);
  assert.match(await page.locator('.person__addresses').innerText(), /No mailing address yet/);

  // The main address's type, edited in place like any field.
  await openEditor(page, 'e-mail type', 'person-email_kind');
  await page.locator('#person-email_kind').selectOption('personal');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#person-email_kind-edit');
  assert.match(await fieldValue(page, 'E-mail type').innerText(), /Personal/);

  // A further address: refused beside its field first, then added; the list and timeline show it.
  const type = page.locator('#person-contact-type');
  const value = page.getByLabel('E-mail address or phone number');
  await type.selectOption({ label: 'Work e-mail' });
  await value.fill('GRACE@navy.example');
  await page.locator('.person__add-contact button:enabled').waitFor();
  await value.press('Enter');
  await page.waitForSelector('#person-contact-error');
  takeExpectedStatusReports(page, [422]);
  assert.match(await page.locator('#person-contact-error').innerText(), /Grace Hopper already has this e-mail address/);
  assert.equal(await value.getAttribute('aria-invalid'), 'true');
  assert.match(await value.getAttribute('aria-describedby'), /person-contact-error/);
  assert.equal(await value.inputValue(), 'GRACE@navy.example', 'what was typed stays');
  await waitForFocus(page, 'person-contact-value');
  assert.equal(await value.getAttribute('tabindex'), null, 'focused by script, it keeps its place in the Tab order');
  await assertAccessible(page, '/app/people/{id} with a refused further address');
  await value.fill('grace@labs.example');
  await value.press('Enter');
  await page.locator('.person__contact-list').getByText('grace@labs.example').waitFor();
  assert.equal(await value.inputValue(), '');
  assert.equal(await page.locator('#person-contact-error').count(), 0);
  assert.match(await page.locator('.person__contacts [role="status"]').innerText(), /Added Work e-mail: grace@labs\.example\./);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('grace@labs.example'));
  assert.match(await page.locator('.timeline').innerText(), /Rita Reach added “Work e-mail: grace@labs\.example” to the further e-mail addresses and phone numbers of this person\./);

  // A mobile number, chosen and typed with the keyboard only; stored in E.164, it is shown in
  // international form (the workspace has no country).
  await type.focus();
  await type.selectOption({ label: 'Mobile phone' });
  assert.match(await page.locator('#person-contact-hint').innerText(), /country code/);
  await page.keyboard.press('Tab');
  assert.equal(await activeId(page), 'person-contact-value');
  await page.keyboard.type('+41 79 123 45 67');
  await page.keyboard.press('Enter');
  await page.locator('.person__contact-list').getByText('+41 79 123 45 67').waitFor();
  await assertAccessible(page, '/app/people/{id} with further addresses and numbers');

  // Search finds her by the further address.
  await page.goto(`${BASE_URL}/app/people?q=labs.example`);
  await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await page.waitForURL(/\/app\/people\/[0-9a-f-]{36}$/);
  await waitForScripts(page);

  // A mailing address: sent empty, each missing part is named beside it, and the first gets focus.
  await page.getByRole('button', { name: 'Add address' }).click();
  await page.waitForSelector('#person-address-street-error');
  await waitForFocus(page, 'person-address-street');
  assert.match(await page.locator('#person-address-city-error').innerText(), /Enter the city/);
  assert.match(await page.locator('#person-address-country-error').innerText(), /Enter the country/);
  assert.equal(await page.locator('#person-address-postal-code-error').count(), 0, 'optional parts are not required');
  await assertAccessible(page, '/app/people/{id} with a refused mailing address');
  await page.locator('#person-address-kind').selectOption('home');
  await page.getByLabel('Street and number').fill('Rue Neuve 12');
  await page.getByLabel('City').fill('Genève');
  await page.getByLabel('Postal code (optional)').fill('1201');
  await page.getByLabel('Country').fill('Switzerland');
  await page.getByLabel('Country').press('Enter');
  await page.locator('.person__address-list address').waitFor();
  assert.equal(await page.locator('.person__address-list address').innerText(), 'Rue Neuve 12\n1201 Genève\nSwitzerland');
  assert.equal(await page.getByLabel('Street and number').inputValue(), '', 'the form is ready for another');
  await assertAccessible(page, '/app/people/{id} with a mailing address');

  // Removed with their own buttons; focus stays in the section's form.
  await page.getByRole('button', { name: 'Remove the home address Rue Neuve 12, 1201 Genève, Switzerland' }).click();
  await page.locator('.person__addresses .record__empty').waitFor();
  await waitForFocus(page, 'person-address-street');
  await page.getByRole('button', { name: 'Remove the work e-mail grace@labs.example' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.person__contact-list').innerText.includes('labs'));
  await waitForFocus(page, 'person-contact-value');
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('removed “Work e-mail'));
  assert.match(await page.locator('.timeline').innerText(), /Rita Reach removed “Home: Rue Neuve 12, 1201 Genève, Switzerland” from the mailing addresses of this person\./);
  assertNoPageErrors(page);
  await page.context().close();
});

test('a name typed without its accents is found, and a search of two letters says which people it shows', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Ana Accents', freshEmail('ana'), 'Accent Works');
  for (const [first, last] of [['Jürgen', 'Müller'], ['Grace', 'Hopper']]) {
    await page.goto(`${BASE_URL}/app/people/new`);
    await waitForScripts(page);
    await page.getByLabel('First name').fill(first);
    await page.getByLabel('Last name (optional)').fill(last);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  }
  await page.goto(`${BASE_URL}/app/people`);
  await waitForScripts(page);
  const rows = page.locator('.list__table tbody tr');
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.focus();
  await page.keyboard.type('muller');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=muller/);
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /Jürgen Müller/);
  assert.equal(await page.locator('#people-search-note').count(), 0);

  await search.fill('');
  await search.focus();
  await page.keyboard.type('HO');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=HO/);
  const note = page.locator('#people-search-note');
  await note.waitFor();
  assert.match(await note.innerText(), /Showing the people whose last name starts with “ho”\. Type three or more letters to search anywhere/);
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /Grace Hopper/);
  await assertAccessible(page, '/app/people searched by two letters');
  assertNoPageErrors(page);
  await page.context().close();
});

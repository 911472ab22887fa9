// Opportunities as members work with them: add one (a plain form, refused with messages first),
// edit its amount in the page, move it across the board's stages by keyboard (the "Move to stage"
// control) and by drag and drop, rename and reorder the stages, see the open pipeline on the
// dashboard's chart, and search and filter the list with back and forward. Every page and state is
// scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  takeExpectedStatusReports, freshEmail, activeId, waitForFocus, signUpConfirmed,
  fieldValue,
} from './support.js';

after(closeBrowser);

/** The board's column of a stage. */
function column(page, stage) {
  return page.locator('.board__column', { has: page.locator('h2', { hasText: new RegExp(`^${stage}$`) }) });
}

/** Adds an opportunity with the form and waits for its page; returns its id. */
async function addOpportunity(page, { name, amount, closeOn }) {
  await page.goto(`${BASE_URL}/app/opportunities/new`);
  await waitForScripts(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Amount', { exact: true }).fill(amount);
  await page.getByLabel('Expected close date').fill(closeOn);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this opportunity' }).click()]);
  const path = new URL(page.url()).pathname;
  assert.match(path, /^\/app\/opportunities\/[0-9a-f-]{36}$/);
  await waitForScripts(page);
  return path.split('/').pop();
}

test('a member adds an opportunity, edits its amount and moves it across the board by keyboard and by dragging', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Otto Owner', freshEmail('otto'), 'Otto Deals');

  await page.getByRole('link', { name: 'Opportunities', exact: true }).first().click();
  await page.waitForURL('**/app/opportunities');
  await page.waitForSelector('.list__empty');
  assert.equal(await page.title(), 'Opportunities · Candor CRM');
  assert.match(await page.locator('.list__empty').innerText(), /No opportunities yet/);
  await assertAccessible(page, '/app/opportunities, empty');

  await page.getByRole('link', { name: 'Add an opportunity' }).click();
  await page.waitForURL('**/app/opportunities/new');
  await waitForScripts(page);
  await assertAccessible(page, '/app/opportunities/new');
  // Sent with problems: each is tied to its field, what was typed stays.
  await page.getByLabel('Name', { exact: true }).fill('Acme renewal');
  await page.getByLabel('Amount', { exact: true }).fill('12.345');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this opportunity' }).click()]);
  takeExpectedStatusReports(page, [422]);
  const amount = page.getByLabel('Amount', { exact: true });
  assert.equal(await amount.inputValue(), '12.345');
  const problem = await amount.getAttribute('aria-describedby').then((ids) => ids.split(' ').pop());
  assert.match(await page.locator(`#${problem}`).innerText(), /Use at most 2 decimal places/);
  await waitForFocus(page, 'new-opportunity-amount');  // the first invalid field has focus
  await assertAccessible(page, '/app/opportunities/new with errors');
  await amount.fill('12,000');
  await page.getByLabel('Expected close date').fill('2027-03-31');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this opportunity' }).click()]);
  const id = new URL(page.url()).pathname.split('/').pop();
  await waitForScripts(page);
  assert.equal(await page.locator('h1').innerText(), 'Acme renewal');
  assert.match(await fieldValue(page, 'Amount').innerText(), /€12,000\.00/);
  assert.match(await page.locator('.opportunity__stage').innerText(), /Lead \(Open\)/);
  assert.match(await page.locator('.timeline').innerText(), /Otto Owner added this opportunity/);
  await assertAccessible(page, '/app/opportunities/{id}');

  // The amount, edited in the page by keyboard.
  await page.getByRole('button', { name: 'Edit amount' }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'opportunity-amount');
  await page.locator('#opportunity-amount').fill('15000.50');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#opportunity-amount-edit');
  assert.match(await fieldValue(page, 'Amount').innerText(), /€15,000\.50/);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed amount'));
  assert.match(await page.locator('.timeline').innerText(), /changed amount from “€12,000\.00” to “€15,000\.50”/);

  // A second opportunity, for the board.
  await addOpportunity(page, { name: 'Globex pilot', amount: '500', closeOn: '2027-02-01' });

  // The board, by keyboard: choose the stage under "Move to stage", then Move.
  await page.goto(`${BASE_URL}/app/opportunities/board`);
  await waitForScripts(page);
  assert.equal(await page.title(), 'Pipeline board · Candor CRM');
  assert.match(await column(page, 'Lead').locator('.board__total').innerText(), /2 opportunities · €15,500\.50/);
  await assertAccessible(page, '/app/opportunities/board');
  const select = page.locator(`#move-${id}`);
  await select.focus();
  await select.selectOption({ label: 'Qualified' });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.board__news').innerText.includes('Moved'));
  assert.match(await page.locator('.board__news').innerText(), /Moved “Acme renewal” to Qualified\./);
  assert.match(await column(page, 'Qualified').innerText(), /Acme renewal/);
  assert.match(await column(page, 'Qualified').locator('.board__total').innerText(), /1 opportunity · €15,000\.50/);
  await waitForFocus(page, `card-${id}`);
  await assertAccessible(page, '/app/opportunities/board after a move');

  // And by dragging the card onto another column.
  await page.locator('.board__card', { hasText: 'Acme renewal' }).locator('.board__card-details')
    .dragTo(column(page, 'Proposal').locator('.board__total'));
  await page.waitForFunction(() => document.querySelector('.board__news').innerText.includes('to Proposal'));
  assert.match(await column(page, 'Proposal').innerText(), /Acme renewal/);
  assert.doesNotMatch(await column(page, 'Qualified').innerText(), /Acme renewal/);

  // The opportunity's timeline tells both moves.
  await page.goto(`${BASE_URL}/app/opportunities/${id}`);
  await waitForScripts(page);
  const timeline = await page.locator('.timeline').innerText();
  assert.match(timeline, /changed stage from “Lead” to “Qualified”/);
  assert.match(timeline, /changed stage from “Qualified” to “Proposal”/);

  // The stages: rename one and move it earlier.
  await page.goto(`${BASE_URL}/app/opportunities/stages`);
  await waitForScripts(page);
  await assertAccessible(page, '/app/opportunities/stages');
  const third = page.getByLabel('Stage 3 of 6');
  assert.equal(await third.inputValue(), 'Proposal');
  await third.fill('Demo given');
  await page.getByRole('button', { name: 'Rename Proposal' }).click();
  await page.waitForFunction(() => document.querySelector('.board__news').innerText.includes('Renamed'));
  await page.getByRole('button', { name: 'Move Demo given earlier' }).click();
  await page.waitForFunction(() => document.querySelector('.board__news').innerText.includes('earlier'));
  assert.equal(await page.getByLabel('Stage 2 of 6').inputValue(), 'Demo given');
  await waitForFocus(page, await page.getByLabel('Stage 2 of 6').getAttribute('id'));
  // A name another stage has is refused, with the reason.
  await page.getByLabel('Stage 1 of 6').fill('won');
  await page.getByRole('button', { name: 'Rename Lead' }).click();
  await page.waitForFunction(() => document.querySelector('.board__news').innerText.includes('already'));
  takeExpectedStatusReports(page, [422]);
  assert.match(await page.locator('.board__news').innerText(), /Another stage is called “won” already/);
  await assertAccessible(page, '/app/opportunities/stages after a refusal');

  // The dashboard charts the open pipeline, with a text alternative and a table.
  await page.goto(`${BASE_URL}/app`);
  await waitForScripts(page);
  const chart = page.locator('.pipeline-chart svg[role="img"]');
  assert.match(await chart.getAttribute('aria-label'), /Open pipeline in EUR by stage: Lead €500\.00 \(1 opportunity\); Demo given €15,000\.50 \(1 opportunity\); Qualified €0\.00/);
  assert.match(await page.locator('.pipeline-chart__table').innerText(), /Demo given\s+€15,000\.50\s+1/);
  await assertAccessible(page, '/app with the pipeline chart');

  // The list: search, then a stage filter, both in the URL; back and forward show each list.
  await page.goto(`${BASE_URL}/app/opportunities`);
  await waitForScripts(page);
  const rows = page.locator('.list__table tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /Globex pilot/, 'soonest to close first');
  await assertAccessible(page, '/app/opportunities');
  // Sorted by name instead, in the URL; back shows the list soonest to close first again, and
  // the sort control follows.
  const sortBy = page.getByLabel('Sort by');
  await sortBy.selectOption({ label: 'Name' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/[?&]sort=name/);
  await page.waitForFunction(() => document.querySelector('.list__table tbody tr')?.innerText.includes('Acme renewal'));
  assert.match(await page.locator('#opportunities-caption').innerText(), /Every opportunity in this workspace, by name/);
  await assertAccessible(page, '/app/opportunities sorted by name');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('sort='));
  await page.waitForFunction(() => document.querySelector('.list__table tbody tr')?.innerText.includes('Globex pilot'));
  assert.equal(await sortBy.inputValue(), '', 'soonest to close first again');
  await page.getByLabel('Stage', { exact: true }).selectOption({ label: 'Demo given' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/[?&]stage=/);
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /Acme renewal\s+€15,000\.50\s+Demo given\s+March 31, 2027/);
  await assertAccessible(page, '/app/opportunities filtered by stage');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('stage='));
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 2);
  await page.goForward();
  await page.waitForURL(/[?&]stage=/);
  await page.waitForFunction(() => document.querySelectorAll('.list__table tbody tr').length === 1);
  await page.getByRole('searchbox', { name: 'Search' }).fill('globex');
  await page.getByLabel('Stage', { exact: true }).selectOption({ label: 'Any stage' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/[?&]q=globex/);
  // The list had one row before too (Acme renewal): wait for the searched list's row itself.
  await page.waitForFunction(() => {
    const shown = document.querySelectorAll('.list__table tbody tr');
    return shown.length === 1 && shown[0].innerText.includes('Globex pilot');
  });
  assert.match(await rows.first().innerText(), /Globex pilot/);
  assertNoPageErrors(page);
  await page.context().close();
});

test('a person is added to an opportunity by e-mail address, and an unknown address is refused beside the field', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Pia People', freshEmail('pia'), 'Pia Deals');
  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name (optional)').fill('Hopper');
  await page.getByLabel('E-mail (optional)').fill('grace@navy.example');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  await addOpportunity(page, { name: 'Navy contract', amount: '0', closeOn: '2027-06-30' });

  const email = page.getByLabel('Add a person by e-mail address');
  await email.fill('nobody@example.com');
  await page.locator('.opportunity__add-person button:enabled').waitFor();
  await email.press('Enter');
  await page.waitForSelector('#opportunity-person-error');
  takeExpectedStatusReports(page, [422]);
  assert.match(await page.locator('#opportunity-person-error').innerText(), /No one with the address nobody@example\.com/);
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await email.inputValue(), 'nobody@example.com', 'what was typed stays');
  await assertAccessible(page, '/app/opportunities/{id} with a refused person');

  await email.fill('GRACE@navy.example');
  await email.press('Enter');
  await page.locator('.opportunity__people-list').getByRole('link', { name: 'Grace Hopper' }).waitFor();
  assert.equal(await email.inputValue(), '');
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('Grace Hopper'));
  assert.match(await page.locator('.timeline').innerText(), /Pia People added “Grace Hopper” to the people of this opportunity\./);
  await assertAccessible(page, '/app/opportunities/{id} with a person');
  // Its stage, by keyboard on its own page: chosen under "Move to stage", then Move.
  const stage = page.locator('#opportunity-move');
  await stage.focus();
  await stage.selectOption({ label: 'Won' });
  await page.keyboard.press('Tab');
  assert.equal(await activeId(page), 'opportunity-move-button');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.opportunity__stage').innerText.includes('Moved to Won.'));
  assert.match(await page.locator('.opportunity__stage').innerText(), /Won \(Won\)/);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('changed stage'));
  assert.match(await page.locator('.timeline').innerText(), /Pia People changed stage from “Lead” to “Won”\./);
  await assertAccessible(page, '/app/opportunities/{id} after a move to Won');
  // Her page lists the opportunity, with its stage, amount and expected close.
  await page.locator('.opportunity__people-list').getByRole('link', { name: 'Grace Hopper' }).click();
  await page.waitForURL(/\/app\/people\/[0-9a-f-]{36}$/);
  const related = page.locator('.record__opportunities');
  await related.getByRole('link', { name: 'Navy contract' }).waitFor();
  assert.match(await related.innerText(), /Won, €0\.00, expected to close June 30, 2027/);
  await assertAccessible(page, '/app/people/{id} with an opportunity');
  // Back to the opportunity as it was left, "?created=1" and all.
  await page.goBack();
  await page.waitForURL((url) => /^\/app\/opportunities\/[0-9a-f-]{36}$/.test(url.pathname));
  await waitForScripts(page);
  await page.getByRole('button', { name: 'Remove Grace Hopper from this opportunity' }).click();
  await page.locator('.opportunity__people .record__empty').waitFor();
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('removed'));
  assert.match(await page.locator('.timeline').innerText(), /Pia People removed “Grace Hopper” from the people of this opportunity\./);
  assertNoPageErrors(page);
  await page.context().close();
});

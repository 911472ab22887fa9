// Request a Demo, as visitors use it: without JavaScript (plain form POSTs rendered by the
// server) and with it (checked as you type, sent without a reload). Afterwards the lead is in the
// database and the sales e-mail in the outbox folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BASE_URL, PHONE, newPage, closeBrowser, waitForScripts, assertAccessible, assertAccessibleWithoutJs,
  assertNoPageErrors,
} from './support.js';

after(closeBrowser);

const DATA_DIR = process.env.E2E_DATA_DIR;

/** The form's minimum fill time is 3 s; a test that fills fields instantly waits it out. */
const MIN_FILL_MS = 3200;

/** Leads stored with this name, read straight from the SQLite file the server uses. */
function leadsNamed(name) {
  const script = [
    'import sqlite3, sys, json',
    'db = sqlite3.connect(sys.argv[1])',
    "rows = db.execute('SELECT source, email, marketing_consent, policy_version FROM leads WHERE name = ?', (sys.argv[2],)).fetchall()",
    'print(json.dumps(rows))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path.join(DATA_DIR, 'crm.db'), name]).toString());
}

/** Waits for the sales e-mail that names `name` to be written to the outbox folder. */
async function outboxMessageNaming(name) {
  const dir = path.join(DATA_DIR, 'outbox');
  for (let i = 0; i < 50; i += 1) {
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
        const text = readFileSync(path.join(dir, file), 'utf8');
        if (text.includes(`Name: ${name}`)) return text;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

async function fillValid(page, name) {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work e-mail').fill(`${name.toLowerCase().replaceAll(' ', '.')}@example.com`);
  await page.getByLabel('Company').fill('Analytical Engines');
  await page.getByLabel('Team size').selectOption('6-20');
  await page.getByLabel('What would you like to see?').fill('The pipeline board, please.');
}

test('without JavaScript the form shows every error from the server, then sends the request', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  const response = await page.goto(`${BASE_URL}/demo`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Request a demo · Candor CRM');
  await assertAccessibleWithoutJs(page, '/demo without JavaScript');
  assert.equal(await page.getByLabel(/Send me occasional product news/).isChecked(), false, 'unticked');

  // Sent empty: the server answers 422 with each error tied to its field, focus on the first.
  const [answer] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Request a demo' }).click(),
  ]);
  assert.equal(answer.status(), 422);
  const expected = {
    'Your name': 'Enter your name.',
    'Work e-mail': 'Enter your work e-mail address.',
    Company: "Enter your company's name.",
    'Team size': 'Choose the size of your team.',
  };
  for (const [label, message] of Object.entries(expected)) {
    const field = page.getByLabel(label, { exact: true });
    assert.equal(await field.getAttribute('aria-invalid'), 'true', label);
    const describedBy = await field.getAttribute('aria-describedby');
    assert.match(await page.locator(`[id="${describedBy}"]`).innerText(), new RegExp(message.replace('.', '\\.')), label);
  }
  // Page scripts are off, so focus is read through a selector rather than a script.
  assert.equal(await page.locator('#demo-name:focus').count(), 1, 'focus on the first invalid field');
  await assertAccessibleWithoutJs(page, '/demo with errors, without JavaScript');

  // A wrong e-mail and phone get their own messages; what was typed stays.
  await page.getByLabel('Your name').fill('Nojs Visitor');
  await page.getByLabel('Work e-mail').fill('nojs@');
  await page.getByLabel('Phone (optional)').fill('call me');
  const hostile = '</textarea><b id="injected">bold</b> & more';
  await page.getByLabel('What would you like to see?').fill(hostile);
  await page.getByRole('button', { name: 'Request a demo' }).click();
  await page.getByText('Enter an e-mail address like name@example.com.').first().waitFor();
  await page.getByText('Enter a phone number like +44 20 7946 0958, or leave it empty.').first().waitFor();
  assert.equal(await page.getByLabel('Your name').inputValue(), 'Nojs Visitor');
  // Markup typed into the message comes back as the same text, not as part of the page.
  assert.equal(await page.getByLabel('What would you like to see?').inputValue(), hostile);
  assert.equal(await page.locator('#injected').count(), 0);

  await fillValid(page, 'Nojs Visitor');
  await page.getByLabel('Phone (optional)').fill('');
  await page.getByLabel(/Send me occasional product news/).check();
  await page.waitForTimeout(MIN_FILL_MS);
  await Promise.all([page.waitForURL(`${BASE_URL}/demo/thanks`), page.getByRole('button', { name: 'Request a demo' }).click()]);
  await page.getByRole('heading', { level: 1, name: 'Thanks for your interest.' }).waitFor();
  await page.getByText('A product specialist will contact you soon.').waitFor();
  await assertAccessibleWithoutJs(page, '/demo/thanks');

  const leads = leadsNamed('Nojs Visitor');
  assert.deepEqual(leads, [['Request a Demo', 'nojs.visitor@example.com', 1, 1]]);
  const eml = await outboxMessageNaming('Nojs Visitor');
  assert.ok(eml, 'the sales e-mail is in the outbox');
  assert.match(eml, /Marketing e-mail: yes/);
  await page.context().close();
});

test('with JavaScript the form checks as you type and sends without reloading', async () => {
  const page = await newPage({ viewport: PHONE });
  await page.goto(`${BASE_URL}/demo`);
  await waitForScripts(page);
  const loadedAt = Date.now();
  await page.evaluate(() => { window.sameDocument = true; });

  await page.getByRole('button', { name: 'Request a demo' }).click();
  await page.getByText('There are 4 problems with the form').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'demo-name');
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no page load');
  await assertAccessible(page, '/demo with inline errors');

  // An error appears when leaving a wrong field and clears as it is fixed.
  const email = page.getByLabel('Work e-mail');
  await email.fill('ada@');
  await email.blur();
  await page.getByText('Enter an e-mail address like name@example.com.').first().waitFor();
  await email.fill('ada@example.com');
  await page.waitForFunction(() => !document.getElementById('demo-email-error'));
  assert.equal(await email.getAttribute('aria-invalid'), null);

  await fillValid(page, 'Script Visitor');
  const wait = MIN_FILL_MS - (Date.now() - loadedAt);
  if (wait > 0) await page.waitForTimeout(wait);
  await page.getByRole('button', { name: 'Request a demo' }).click();
  await page.getByRole('heading', { name: 'Thanks for your interest.' }).waitFor();
  await page.getByText('A product specialist will contact you soon.').waitFor();
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'sent without a reload');
  assert.equal(new URL(page.url()).pathname, '/demo');
  await page.waitForFunction(() => document.activeElement?.id === 'demo-thanks');
  await assertAccessible(page, '/demo after sending');
  assertNoPageErrors(page);

  assert.deepEqual(leadsNamed('Script Visitor'), [['Request a Demo', 'script.visitor@example.com', 0, 1]]);
  assert.ok(await outboxMessageNaming('Script Visitor'), 'the sales e-mail is in the outbox');
  await page.context().close();
});

test('a request with the honeypot filled looks sent but is not stored', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/demo`);
  await fillValid(page, 'Honeypot Bot');
  // People never see this field; a bot fills it.
  await page.locator('#demo-website').fill('http://spam.example', { force: true });
  await page.waitForTimeout(MIN_FILL_MS);
  await Promise.all([page.waitForURL(`${BASE_URL}/demo/thanks`), page.getByRole('button', { name: 'Request a demo' }).click()]);
  assert.deepEqual(leadsNamed('Honeypot Bot'), []);
  assert.equal(await outboxMessageNaming('Honeypot Bot'), null);
  await page.context().close();
});

// Runs last in this file: it uses up this address's budget of demo requests.
test('too many requests from one address get a friendly 429 page that keeps the form', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  let status = 0;
  for (let attempt = 0; attempt < 12 && status !== 429; attempt += 1) {
    const response = await page.request.post(`${BASE_URL}/demo`, { form: { name: '' }, maxRedirects: 0 });
    status = response.status();
  }
  assert.equal(status, 429, 'the limit is reached within a dozen attempts');

  await page.goto(`${BASE_URL}/demo`);
  await fillValid(page, 'Limited Visitor');
  await page.waitForTimeout(MIN_FILL_MS);
  const [answer] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Request a demo' }).click(),
  ]);
  assert.equal(answer.status(), 429);
  assert.equal(answer.headers()['retry-after'], '900');
  await page.getByRole('alert').filter({ hasText: 'please wait 15 minutes' }).waitFor();
  assert.equal(await page.getByLabel('Your name').inputValue(), 'Limited Visitor');
  await assertAccessibleWithoutJs(page, 'the 429 page');
  assert.deepEqual(leadsNamed('Limited Visitor'), []);
  await page.context().close();
});

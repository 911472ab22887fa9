// Compressed size of everything a page loads (HTML, CSS, JS, WASM, images), as Chromium fetched
// it: encoded body bytes per response, with the compression the server chose, each page with a
// cold cache. Prints figures.
//
//   BASE_URL=http://127.0.0.1:3000 node bench/page-weight.js / /privacy
//
// With --member, a member signs up through the form first (confirming the address from the
// outbox, so E2E_DATA_DIR names the server's data folder) and every page is weighed logged in:
//
//   E2E_DATA_DIR=... node bench/page-weight.js --member /app /app/people /login
import { chromium } from 'playwright-core';
import { freshEmail, newPage, closeBrowser, signUpConfirmed } from '../tests/support.js';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const BUDGET = 150 * 1024;
const args = process.argv.slice(2);
const member = args.includes('--member');
const paths = args.filter((arg) => arg !== '--member');
if (!paths.length) paths.push('/');

// The member's cookies, taken from a sign-up in a context of its own (whose cache is thrown away).
let cookies = [];
if (member) {
  const page = await newPage();
  await signUpConfirmed(page, 'Page Weight', freshEmail('weight'), 'Weighing');
  cookies = await page.context().cookies();
  await page.context().close();
  await closeBrowser();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let over = false;
for (const path of paths) {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  const page = await context.newPage();
  const responses = [];
  page.on('requestfinished', (request) => responses.push(request));
  await page.goto(`${BASE_URL}${path}`, { waitUntil: 'networkidle' });
  // The page script marks every page; a page that loads the WASM is marked again once hydrated.
  await page.waitForSelector('body[data-enhanced="true"]', { timeout: 15000 });
  if (await page.evaluate(() => Boolean(document.querySelector('script[type="module"]')))) {
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15000 });
  }

  const rows = [];
  for (const request of responses) {
    const response = await request.response();
    if (!response) continue;
    const sizes = await request.sizes();
    const headers = await response.allHeaders();
    rows.push({
      url: new URL(request.url()).pathname,
      type: request.resourceType(),
      encoding: headers['content-encoding'] ?? 'identity',
      bytes: sizes.responseBodySize,
    });
  }
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`\n${path}: ${rows.length} responses`);
  for (const row of rows) {
    console.log(`  ${String(row.bytes).padStart(9)} B  ${row.encoding.padEnd(8)} ${row.type.padEnd(10)} ${row.url}`);
  }
  // The budget is the public pages' (documents); the logged-in CRM has none of its own yet.
  const budget = member ? '' : `; budget ${BUDGET / 1024} KiB`;
  console.log(`  ${String(total).padStart(9)} B  total (${(total / 1024).toFixed(1)} KiB${budget})`);
  if (!member && total > BUDGET) over = true;
  await context.close();
}
await browser.close();
if (over) console.log('\nover budget');

// Compressed size of everything a page loads (HTML, CSS, JS, WASM, images), as Chromium fetched
// it: encoded body bytes per response, with the compression the server chose. Prints figures.
//
//   BASE_URL=http://127.0.0.1:3000 node bench/page-weight.js / /privacy
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const BUDGET = 150 * 1024;
const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['/'];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let over = false;
for (const path of paths) {
  const context = await browser.newContext();
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
  console.log(`  ${String(total).padStart(9)} B  total (${(total / 1024).toFixed(1)} KiB; budget ${BUDGET / 1024} KiB)`);
  if (total > BUDGET) over = true;
  await context.close();
}
await browser.close();
if (over) console.log('\nover budget');

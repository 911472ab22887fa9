import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BASE_URL, PHONE, DESKTOP, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
} from './support.js';

after(closeBrowser);

test('the privacy page shows the revision date and all eleven sections', async () => {
  const page = await newPage();
  const response = await page.goto(`${BASE_URL}/privacy`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Privacy policy · Candor CRM');
  await page.getByRole('heading', { level: 1, name: 'Privacy Policy' }).waitFor();
  assert.match(await page.locator('.policy__revision').innerText(), /^Date of Last Revision: May 25, 2018$/);
  await page.getByRole('heading', { level: 2, name: 'Highlights' }).waitFor();
  for (let n = 1; n <= 11; n += 1) {
    assert.equal(
      await page.getByRole('heading', { level: 2, name: new RegExp(`^${n}\\. `) }).count(), 1, `section ${n}`,
    );
  }
  await waitForScripts(page);
  assertNoPageErrors(page);
  await page.context().close();
});

test('every table-of-contents link leads to its section', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/privacy`);
  await waitForScripts(page);
  const toc = page.getByRole('navigation', { name: 'Contents' });
  const links = await toc.getByRole('link').all();
  assert.ok(links.length >= 13, `Highlights, Our Policy and 11 numbered sections (${links.length})`);
  for (const link of links) {
    const href = await link.getAttribute('href');
    const target = page.locator(`[id="${href.slice(1)}"]`);
    assert.equal(await target.count(), 1, `${href} resolves`);
  }
  await toc.getByRole('link', { name: '11. How Can You Contact Us?' }).click();
  await page.waitForFunction(() => location.hash === '#section-11');
  assert.equal(await page.locator('#section-11').isVisible(), true);
  // As in a plain page, keyboard focus moves to the section, so Tab continues from there.
  await page.waitForFunction(() => document.activeElement?.id === 'section-11');
  await page.context().close();
});

test('comparing versions shows a sentence added and a sentence removed', async () => {
  // Publish an upcoming version with the operator's command, against the server's own database.
  const bin = process.env.SERVER_BIN;
  const dataDir = process.env.E2E_DATA_DIR;
  assert.ok(bin && dataDir, 'scripts/test sets SERVER_BIN and E2E_DATA_DIR');
  const original = readFileSync(new URL('../../app/content/privacy-policy-2018-05-25.md', import.meta.url), 'utf8');
  const nextYear = new Date(Date.now() + 400 * 86400000).toISOString().slice(0, 10);
  const added = `We delete demo requests after two years (${Date.now()}).`;
  const text = original
    .replace('effective: 2018-05-25', `effective: ${nextYear}`)
    .replace('We collect your resume or C.V. when you apply for a job with us.', added);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'policy-')), 'next.md');
  writeFileSync(file, text);
  const out = execFileSync(bin, ['policy', 'publish', file, '--significant'], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  const version = Number(/version (\d+)/.exec(out)[1]);
  assert.match(out, /\(upcoming\), significant change/);

  const page = await newPage();
  await page.goto(`${BASE_URL}/privacy/versions`);
  await waitForScripts(page);
  const row = page.getByRole('row', { name: new RegExp(`Version ${version} `) });
  assert.match(await row.innerText(), /Upcoming/);
  await page.getByLabel('Earlier version').selectOption(String(version - 1));
  await page.getByLabel('Later version').selectOption(String(version));
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.getByRole('heading', { level: 1, name: `Changes from version ${version - 1} to version ${version}` }).waitFor();
  assert.equal(await page.locator('ins', { hasText: added }).count(), 1);
  assert.equal(
    await page.locator('del', { hasText: 'We collect your resume or C.V. when you apply for a job with us.' }).count(), 1,
  );
  assert.match(await page.locator('.diff__summary').innerText(), /1 sentence added, 1 sentence removed\./);
  await assertAccessible(page, 'version comparison');

  // Still the 2018 text today: the new version is upcoming.
  await page.goto(`${BASE_URL}/privacy`);
  assert.match(await page.locator('.policy__revision').innerText(), /May 25, 2018/);
  await page.context().close();
});

test('an unknown version answers 404 with a way back', async () => {
  const page = await newPage();
  const response = await page.goto(`${BASE_URL}/privacy/versions/999`);
  assert.equal(response.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'There is no such version' }).waitFor();
  await page.getByRole('link', { name: 'See every version of the privacy policy' }).click();
  await page.getByRole('heading', { level: 1, name: 'Privacy policy versions' }).waitFor();
  await page.context().close();
});

for (const [pathname, label] of [
  ['/privacy', 'privacy policy'],
  ['/privacy/versions', 'policy versions'],
  ['/privacy/versions/1', 'policy version 1'],
  ['/privacy/versions/999', 'unknown policy version'],
]) {
  for (const [viewport, size] of [[PHONE, 'phone'], [DESKTOP, 'desktop']]) {
    test(`axe finds no WCAG A/AA violations on the ${label} page (${size})`, async () => {
      const page = await newPage({ viewport });
      await page.goto(`${BASE_URL}${pathname}`);
      await waitForScripts(page);
      await assertAccessible(page, `${label} (${size})`);
      await page.context().close();
    });
  }
}

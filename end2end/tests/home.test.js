import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, PHONE, DESKTOP, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
} from './support.js';

after(closeBrowser);

test('the home page shows its heading, navigation and footer', async () => {
  const page = await newPage();
  const response = await page.goto(`${BASE_URL}/`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'The privacy-first CRM for small teams · Candor CRM');
  await page.getByRole('heading', { level: 1, name: 'The CRM that keeps its promises' }).waitFor();
  const footer = page.getByRole('contentinfo');
  for (const name of ['Privacy policy', 'Cookie policy', 'Request a demo', 'Log in']) {
    assert.equal(await footer.getByRole('link', { name }).count(), 1, `footer link ${name}`);
  }
  await waitForScripts(page);
  assertNoPageErrors(page);
  await page.context().close();
});

test('on a phone the menu button opens and closes the navigation once hydrated', async () => {
  const page = await newPage({ viewport: PHONE });
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  const toggle = page.getByRole('button', { name: 'Menu' });
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.isVisible(), false, 'the navigation starts folded away');

  await toggle.click();
  const close = page.getByRole('button', { name: 'Close menu' });
  assert.equal(await close.getAttribute('aria-expanded'), 'true');
  assert.equal(await nav.isVisible(), true);
  assert.equal(await nav.getByRole('link', { name: 'Request a demo' }).isVisible(), true);

  // Escape inside the menu folds it again.
  await nav.getByRole('link', { name: 'Product' }).focus();
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.isVisible(), false);
  assertNoPageErrors(page);
  await page.context().close();
});

test('the menu works from the keyboard alone', async () => {
  const page = await newPage({ viewport: PHONE });
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  const toggle = page.getByRole('button', { name: 'Menu' });
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.getByRole('button', { name: 'Close menu' }).getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(focused, 'Product', 'Tab moves from the button into the opened menu');
  await page.context().close();
});

test('without JavaScript the navigation links are shown instead of the menu button', async () => {
  const page = await newPage({ viewport: PHONE, javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/`);
  assert.equal(await page.getByRole('button', { name: 'Menu' }).isVisible(), false);
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.isVisible(), true);
  assert.equal(await nav.getByRole('link', { name: 'Request a demo' }).isVisible(), true);
  await page.context().close();
});

test('the first Tab reaches the skip link, which moves focus to the main content', async () => {
  const page = await newPage();
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
  assert.equal(await skip.isVisible(), true, 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  // Used again after focus has moved on, it still works.
  await page.getByRole('link', { name: 'Candor CRM' }).first().focus();
  await skip.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await page.context().close();
});

test('an unknown address shows the 404 page with status 404', async () => {
  const page = await newPage();
  const response = await page.goto(`${BASE_URL}/this/page/does/not/exist`);
  assert.equal(response.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await page.getByRole('heading', { level: 1, name: 'The CRM that keeps its promises' }).waitFor();
  await page.context().close();
});

for (const [path, label] of [['/', 'home'], ['/this/page/does/not/exist', '404 page']]) {
  for (const [viewport, size] of [[PHONE, 'phone'], [DESKTOP, 'desktop']]) {
    test(`axe finds no WCAG A/AA violations on the ${label} (${size})`, async () => {
      const page = await newPage({ viewport });
      await page.goto(`${BASE_URL}${path}`);
      await waitForScripts(page);
      await assertAccessible(page, `${label} (${size})`);
      await page.context().close();
    });
  }
}

test('axe finds no violations with the phone menu open', async () => {
  const page = await newPage({ viewport: PHONE });
  await page.goto(`${BASE_URL}/`);
  await waitForScripts(page);
  await page.getByRole('button', { name: 'Menu' }).click();
  await assertAccessible(page, 'home with the menu open');
  await page.context().close();
});

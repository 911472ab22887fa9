// Accounts as members use them, with the keyboard only: sign up, follow the verification link from
// the outbox file, log out, log in, reset a password. Every page and state is scanned with axe;
// the forms also work with JavaScript turned off.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertAccessibleWithoutJs,
  assertNoPageErrors, takeExpectedStatusReports, PASSWORD, DATA_DIR, freshEmail, linkFromOutbox,
  activeId, waitForFocus, pressEnterAndWait, logInWithKeyboard, signUpConfirmed, addRecord,
} from './support.js';

after(closeBrowser);

test('a new member signs up, confirms the address from the e-mail, logs out and in again, all by keyboard', async () => {
  const page = await newPage();
  const email = freshEmail('ada');
  await page.goto(`${BASE_URL}/signup`);
  await waitForScripts(page);
  assert.equal(await page.title(), 'Create your account · Candor CRM');
  await assertAccessible(page, '/signup');

  // Sent empty: every problem is listed and tied to its field; focus lands on the first.
  await page.getByRole('button', { name: 'Create account' }).focus();
  const refused = await pressEnterAndWait(page);
  assert.equal(refused.status(), 422);
  await waitForFocus(page, 'signup-name');
  const age = page.getByLabel(/at least 18 years old/);
  assert.equal(await age.getAttribute('aria-invalid'), 'true');
  const ageError = await age.getAttribute('aria-describedby');
  assert.match(await page.locator(`[id="${ageError}"]`).innerText(), /legal age to contract/);
  await assertAccessible(page, '/signup with errors');

  // Filled in with the keyboard, in the order the fields come.
  await page.keyboard.type('Ada Lovelace');
  await page.keyboard.press('Tab');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  assert.equal(await activeId(page), 'signup-password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Analytical Engines');
  // The workspace's country, chosen from the browser's languages, is kept as it is.
  await page.keyboard.press('Tab');
  assert.equal(await activeId(page), 'signup-country');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await page.getByLabel(/I have read and accept/).isChecked(), true);
  await page.getByRole('button', { name: 'Create account' }).focus();
  const sent = await pressEnterAndWait(page);
  assert.equal(sent.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/signup/check-email');
  assert.match(await page.locator('h1').innerText(), /Check your inbox/);
  await assertAccessible(page, '/signup/check-email');

  // Logged in before confirming: the workspace is there, with a notice.
  const home = await logInWithKeyboard(page, email, PASSWORD);
  assert.equal(home.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/app');
  await waitForScripts(page);
  assert.match(await page.locator('h1').innerText(), /Analytical Engines/);
  assert.match(await page.locator('#verify-title').innerText(), /Please confirm your e-mail address/);
  await assertAccessible(page, '/app, address not yet confirmed');

  // The link from the outbox file opens a page whose button confirms the address.
  const verifyPath = await linkFromOutbox(email, 'Confirm your e-mail address', '/verify-email/');
  await page.goto(`${BASE_URL}${verifyPath}`);
  await waitForScripts(page);
  await assertAccessible(page, '/verify-email/{token}');
  await page.getByRole('button', { name: 'Confirm my e-mail address' }).focus();
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/email-verified');
  await assertAccessible(page, '/email-verified');
  await page.goto(`${BASE_URL}/app`);
  assert.equal(await page.locator('#verify-title').count(), 0, 'the notice is gone');

  // A used link says so.
  const spent = await page.goto(`${BASE_URL}${verifyPath}`);
  assert.equal(spent.status(), 404);
  assert.match(await page.locator('h1').innerText(), /This link no longer works/);
  await assertAccessible(page, '/verify-email/{token}, link used');

  // Log out from the header, with the keyboard.
  await page.goto(`${BASE_URL}/app`);
  await waitForScripts(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Log out' }).focus();
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/logout');
  assert.match(await page.locator('h1').innerText(), /You are logged out/);
  await assertAccessible(page, '/logout');
  const guarded = await page.goto(`${BASE_URL}/app`);
  assert.equal(new URL(page.url()).pathname, '/login', 'the app needs a session');
  assert.equal(guarded.status(), 200);

  // A wrong password: one message for it and for an unknown address.
  const wrong = await logInWithKeyboard(page, email, 'not my password');
  assert.equal(wrong.status(), 401);
  assert.match(await page.getByRole('alert').first().innerText(), /do not match an account/);
  await waitForFocus(page, 'login-notice');
  await assertAccessible(page, '/login, refused');

  await logInWithKeyboard(page, email, PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/app');
  takeExpectedStatusReports(page, [422, 404, 401]);
  assertNoPageErrors(page);
  await page.context().close();
});

test('a forgotten password is reset from the e-mailed link, which then stops working', async () => {
  const page = await newPage();
  const email = freshEmail('grace');
  await page.goto(`${BASE_URL}/signup`);
  await waitForScripts(page);
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Work e-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Workspace name').fill('Compilers Ltd');
  await page.getByLabel(/at least 18 years old/).check();
  await page.getByLabel(/I have read and accept/).check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create account' }).click()]);

  await page.goto(`${BASE_URL}/forgot-password`);
  await waitForScripts(page);
  await assertAccessible(page, '/forgot-password');
  await page.getByLabel('E-mail').focus();
  await page.keyboard.type(email);
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/forgot-password/sent');
  await assertAccessible(page, '/forgot-password/sent');

  const resetPath = await linkFromOutbox(email, 'Reset your Candor CRM password', '/reset-password/');
  await page.goto(`${BASE_URL}${resetPath}`);
  await waitForScripts(page);
  await assertAccessible(page, '/reset-password/{token}');
  await page.getByLabel('New password').focus();
  await page.keyboard.type('password1234');
  const refused = await pressEnterAndWait(page);
  assert.equal(refused.status(), 422);
  await waitForFocus(page, 'reset-password');
  assert.match(await page.locator('#reset-password-error').innerText(), /most common/);
  await assertAccessible(page, '/reset-password/{token} with an error');

  await page.keyboard.type('quiet meadow lantern');
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/app', 'logged in with the new password');

  const reused = await page.goto(`${BASE_URL}${resetPath}`);
  assert.equal(reused.status(), 404);
  assert.match(await page.locator('h1').innerText(), /This link no longer works/);
  takeExpectedStatusReports(page, [422, 404]);
  assertNoPageErrors(page);
  await page.context().close();
});

test('without JavaScript sign-up and log-in are plain forms answered by the server', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  const email = freshEmail('nojs');
  await page.goto(`${BASE_URL}/signup`);
  await page.getByLabel('Your name').fill('Mary Somerville');
  await page.getByLabel('Work e-mail').fill(email);
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Workspace name').fill('Connexions');
  const [refused] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Create account' }).click(),
  ]);
  assert.equal(refused.status(), 422);
  assert.equal(await page.getByLabel('Work e-mail').inputValue(), email, 'what was typed is kept');
  assert.equal(await page.getByLabel('Password').inputValue(), '', 'a password is never sent back');
  assert.match(await page.locator('.form-summary').innerText(), /There are 3 problems to fix/);
  await assertAccessibleWithoutJs(page, '/signup with errors, no JavaScript');

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel(/at least 18 years old/).check();
  await page.getByLabel(/I have read and accept/).check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create account' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/signup/check-email');

  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/app');
  assert.match(await page.locator('h1').innerText(), /Connexions/);
  await assertAccessibleWithoutJs(page, '/app, no JavaScript');
  await page.context().close();
});

test('an owner invites a second member by e-mail, who accepts with a new account', async () => {
  const owner = await newPage();
  const ownerEmail = freshEmail('owner');
  const bobEmail = freshEmail('bob');
  await signUpConfirmed(owner, 'Olive Owner', ownerEmail, 'Orchard Partners');

  await owner.goto(`${BASE_URL}/app/settings/workspace`);
  await waitForScripts(owner);
  await assertAccessible(owner, '/app/settings/workspace');
  await owner.getByLabel('Their e-mail').focus();
  await owner.keyboard.type(bobEmail);
  await owner.keyboard.press('Tab');
  assert.equal(await activeId(owner), 'invite-role');
  await owner.getByRole('button', { name: 'Send invitation' }).focus();
  await pressEnterAndWait(owner);
  assert.match(await owner.getByRole('status').first().innerText(), /Invitation sent/);
  assert.match(await owner.locator('.team__invitations').innerText(), new RegExp(bobEmail.replace(/[.+]/g, '\\$&')));
  await assertAccessible(owner, '/app/settings/workspace with a pending invitation');

  const bob = await newPage();
  const invitationPath = await linkFromOutbox(bobEmail, 'invites you to Orchard Partners', '/invitations/');
  await bob.goto(`${BASE_URL}${invitationPath}`);
  await waitForScripts(bob);
  assert.match(await bob.locator('h1').innerText(), /Join Orchard Partners/);
  await assertAccessible(bob, '/invitations/{token}');
  await bob.getByLabel('Your name').focus();
  await bob.keyboard.type('Bob Builder');
  await bob.keyboard.press('Tab');
  await bob.keyboard.type(PASSWORD);
  await bob.keyboard.press('Tab');
  await bob.keyboard.press('Space');
  await bob.keyboard.press('Tab');
  await bob.keyboard.press('Space');
  await bob.getByRole('button', { name: 'Create account and join' }).focus();
  await pressEnterAndWait(bob);
  assert.equal(new URL(bob.url()).pathname, '/app');
  assert.match(await bob.locator('h1').innerText(), /Orchard Partners/);
  assert.match(await bob.locator('.app-home__who').innerText(), /member of this workspace/);

  // A member may delete only what they own: on a person the owner added, they are told who may
  // instead of being offered the button.
  const olivesPerson = await addRecord(owner, 'people', { 'First name': 'Grace', 'Last name (optional)': 'Hopper' }, 'Add this person');
  await owner.goto(`${BASE_URL}/app/settings/workspace`);
  await waitForScripts(owner);
  await bob.goto(`${BASE_URL}${olivesPerson}`);
  await waitForScripts(bob);
  assert.match(await bob.locator('.record__delete').innerText(), /Only the workspace's owner and admins, and the member who owns this person, can delete it\./);
  assert.equal(await bob.getByRole('button', { name: /Delete this person/ }).count(), 0);
  await assertAccessible(bob, '/app/people/{id} as a member who does not own it');

  // A member sees the pipeline but is offered no change to it, and told who may change it.
  await bob.goto(`${BASE_URL}/app/opportunities/stages`);
  await waitForScripts(bob);
  assert.match(await bob.getByRole('note').innerText(), /Only the workspace's owner and admins can rename or reorder/);
  assert.equal(await bob.getByRole('button', { name: /^Rename / }).count(), 0);
  assert.equal(await bob.getByRole('button', { name: /^Move / }).count(), 0);
  assert.match(await bob.locator('.stages').innerText(), /Won/);
  await assertAccessible(bob, '/app/opportunities/stages as a member');

  await owner.reload();
  assert.match(await owner.locator('.team__table').innerText(), /Bob Builder/);

  // The owner removes Bob, his only workspace. Logging in again, he is told why he cannot get in
  // (his password is right), not that it does not match.
  await owner.getByRole('button', { name: 'Remove Bob Builder' }).focus();
  await pressEnterAndWait(owner);
  assert.match(await owner.getByRole('status').first().innerText(), /Member removed/);
  const refused = await logInWithKeyboard(bob, bobEmail, PASSWORD);
  assert.equal(refused.status(), 403);
  assert.equal(new URL(bob.url()).pathname, '/login');
  const told = await bob.getByRole('alert').first().innerText();
  assert.match(told, /no longer a member of any workspace/);
  assert.doesNotMatch(told, /do not match/);
  await waitForFocus(bob, 'login-notice');
  await assertAccessible(bob, '/login after removal from the only workspace');

  assertNoPageErrors(owner);
  takeExpectedStatusReports(bob, [403]);
  assertNoPageErrors(bob);
  await owner.context().close();
  await bob.context().close();
});

test('an operator created from the command line sets a password and sees the chart of cookie decisions', async () => {
  const bin = process.env.SERVER_BIN;
  assert.ok(bin && DATA_DIR, 'scripts/test sets SERVER_BIN and E2E_DATA_DIR');
  const email = freshEmail('operator');
  const out = execFileSync(bin, ['create-operator', email], {
    env: { ...process.env, DATA_DIR, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  const resetPath = /https?:\/\/[^/\s]+(\/reset-password\/[0-9a-f]{64})/.exec(out)[1];
  const page = await newPage();
  await page.goto(`${BASE_URL}${resetPath}`);
  await waitForScripts(page);
  await page.getByLabel('New password').fill('quiet meadow lantern');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save new password' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/app');
  await page.getByRole('link', { name: 'Cookie decisions per day' }).click();
  await page.waitForURL('**/app/operator/consent');
  await page.waitForSelector('.operator__table');
  assert.match(await page.locator('h1').innerText(), /Cookie decisions per day/);
  await assertAccessible(page, '/app/operator/consent');
  assertNoPageErrors(page);
  await page.context().close();
});

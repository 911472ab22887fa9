// Tasks and notes changed after they were written: a task's title, due date and the record it is
// about edited in place on its own page, and the task deleted; a note edited by its author and
// deleted, with the timeline saying so. All by keyboard, every state scanned with axe. (A file of
// its own: the runner gives each file 120 seconds, and tasks.test.js's other tests take most of
// them.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, waitForFocus, signUpConfirmed, addRecord, confirmDeletionByKeyboard,
} from './support.js';

after(closeBrowser);

test('a task is edited in place on its own page, made about another record and deleted, and a note is edited and deleted, all by keyboard', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Eddie Edits', freshEmail('eddie'), 'Eddie Editing');
  const grace = await addRecord(page, 'people', { 'First name': 'Grace', 'Last name (optional)': 'Hopper' }, 'Add this person');

  // A note on Grace, edited by its author with Ctrl+Enter, then deleted after the question.
  await page.locator('#note-body:enabled').waitFor();
  await page.getByLabel('Note', { exact: true }).fill('Met at the fiar.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByRole('status').filter({ hasText: 'Note added to the activity.' }).waitFor();
  const edit = page.getByRole('button', { name: 'Edit this note' });
  await edit.focus();
  await page.keyboard.press('Enter');
  const noteInput = page.locator('.timeline__note-input');
  await noteInput.waitFor();
  // The note's text has the focus.
  await page.waitForFunction(() => document.activeElement?.classList.contains('timeline__note-input'));
  assert.equal(await noteInput.inputValue(), 'Met at the fiar.');
  // Escape leaves it as it was, the focus back on "Edit".
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Edit this note');
  await page.keyboard.press('Enter');
  await noteInput.waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('timeline__note-input'));
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+Enter');
  await page.locator('.timeline__entry .field__error').waitFor();
  assert.match(await page.locator('.timeline__entry .field__error').innerText(), /Write the note first/);
  await assertAccessible(page, '/app/people/{id} with a note being edited, refused');
  await page.keyboard.type('Met at the fair.');
  await page.keyboard.press('Control+Enter');
  await page.getByRole('status').filter({ hasText: 'Note saved.' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Edit this note');
  const entry = page.locator('.timeline__entry').filter({ hasText: 'wrote a note' });
  assert.match(await entry.innerText(), /Eddie Edits wrote a note:[\s\S]*\(edited [^)]+\)[\s\S]*Met at the fair\./);
  assert.doesNotMatch(await page.locator('.timeline').innerText(), /fiar/);
  await assertAccessible(page, '/app/people/{id} with an edited note');

  await page.getByRole('button', { name: 'Delete this note' }).focus();
  await page.keyboard.press('Enter');
  const question = page.getByRole('alertdialog');
  await question.waitFor();
  assert.match(await question.innerText(), /Delete this note\? Its text is deleted for good/);
  await page.waitForFunction(() => document.activeElement?.id?.endsWith('-cancel'));
  await assertAccessible(page, '/app/people/{id} asking to delete a note');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Delete this note');
  await page.keyboard.press('Enter');
  await question.waitFor();
  // The question opens with the focus on "Cancel"; "Delete" is the control before it.
  await page.waitForFunction(() => document.activeElement?.id?.endsWith('-cancel'));
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Note deleted.' }).waitFor();
  await waitForFocus(page, 'timeline-title');
  assert.match(await page.locator('.timeline').innerText(), /Eddie Edits deleted a note\./);
  assert.doesNotMatch(await page.locator('.timeline').innerText(), /Met at the fair/);
  await assertAccessible(page, '/app/people/{id} after a note was deleted');

  // A task about Grace, opened from the list on its own page.
  await page.locator('#task-title:enabled').waitFor();
  await page.getByLabel('What is to be done').fill('Call Grace');
  await page.getByLabel('What is to be done').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Task “Call Grace” added.' }).waitFor();
  await page.goto(`${BASE_URL}/app/tasks`);
  await waitForScripts(page);
  await page.getByRole('link', { name: 'Edit the task Call Grace' }).focus();
  await Promise.all([page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/), page.keyboard.press('Enter')]);
  await waitForScripts(page);
  await page.getByRole('heading', { level: 1, name: 'Call Grace' }).waitFor();
  assert.equal(await page.title(), 'Call Grace · Candor CRM');
  await assertAccessible(page, '/app/tasks/{id}');

  // The title: Enter saves, and the heading and the title follow.
  await page.locator('#task-title-edit:enabled').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-title');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Call Grace about COBOL');
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-title-edit');
  await page.getByRole('heading', { level: 1, name: 'Call Grace about COBOL' }).waitFor();
  // The due day, refused when it is out of range, then saved.
  await page.locator('#task-due_on-edit').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-due_on');
  await page.locator('#task-due_on').fill('1999-12-31');
  await page.keyboard.press('Enter');
  await page.locator('#task-due_on-error').waitFor();
  assert.match(await page.locator('#task-due_on-error').innerText(), /between the years 2000 and 2100/);
  await assertAccessible(page, '/app/tasks/{id} with a refused due date');
  await page.locator('#task-due_on').fill('2030-01-15');
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-due_on-edit');
  assert.match(await page.locator('.record__fields').innerText(), /January 15, 2030/);
  // The assignee, from the members.
  await page.locator('#task-assignee-edit').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-assignee');
  await page.locator('#task-assignee').selectOption({ label: 'Eddie Edits' });
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-assignee-edit');
  assert.match(await page.locator('.record__fields').innerText(), /Assigned to\s*Eddie Edits/);

  // About: from Grace to a company found by name, by keyboard.
  const company = await (async () => {
    const other = await page.context().newPage();
    const path = await addRecord(other, 'companies', { 'Name': 'Navy Labs' }, 'Add this company');
    await other.close();
    return path;
  })();
  assert.equal(await page.getByRole('link', { name: 'Grace Hopper' }).getAttribute('href'), grace);
  await page.locator('#task-about-change').focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'task-about-q');
  await page.keyboard.type('n');
  await page.keyboard.press('Enter');
  await page.locator('#task-about-error').waitFor();
  assert.match(await page.locator('#task-about-error').innerText(), /at least 2 letters/);
  await page.keyboard.type('avy');
  await page.keyboard.press('Enter');
  const choice = page.getByRole('button', { name: 'About Navy Labs (company)' });
  await choice.waitFor();
  await assertAccessible(page, '/app/tasks/{id} finding what it is about');
  await choice.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'The task is now about Navy Labs (company).' }).waitFor();
  await waitForFocus(page, 'task-about-change');
  assert.equal(await page.getByRole('link', { name: 'Navy Labs' }).getAttribute('href'), company);

  // Kept after a reload; then deleted after the question, back on the list.
  await page.reload();
  await waitForScripts(page);
  const fields = await page.locator('.record__fields').innerText();
  assert.match(fields, /Call Grace about COBOL/);
  assert.match(fields, /January 15, 2030/);
  await page.locator('#task-delete:enabled').focus();
  await confirmDeletionByKeyboard(page, page.getByRole('alertdialog'), 'task-delete', '/app/tasks/{id} asking to delete it');
  await page.waitForURL('**/app/tasks?deleted=1');
  await page.getByRole('status').filter({ hasText: 'Task deleted.' }).waitFor();
  await page.getByText('Nothing to do: no open tasks.').waitFor();
  await assertAccessible(page, '/app/tasks after a task was deleted');

  // The footer knows who is there.
  const footer = await page.locator('footer').innerText();
  assert.match(footer, /Your workspace: Eddie Editing/);
  assert.match(footer, /Log out/);
  assert.doesNotMatch(footer, /Log in/);
  assertNoPageErrors(page);
  await page.context().close();
});

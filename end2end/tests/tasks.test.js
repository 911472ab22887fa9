// Tasks as members use them: added on a person's, a company's, a lead's or an opportunity's page
// by keyboard (refused while empty), ticked done with the space bar, shown in the record's
// timeline, and listed at /app/tasks with a link to the record, open or done, with the list's
// state in the URL (open or done, whose, and searched by title), and ticked there to be assigned,
// marked done, opened again or deleted at once; the dashboard on /app counts them and lists what
// is due this week. Every state is scanned with axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, newPage, closeBrowser, waitForScripts, assertAccessible, assertNoPageErrors,
  freshEmail, waitForFocus, signUpConfirmed, addRecord, confirmDeletionByKeyboard,
} from './support.js';

after(closeBrowser);

test('a task added on a person\'s page is ticked done by keyboard, shows in the timeline and in the tasks lists', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Tess Tasks', freshEmail('tess'), 'Tess Trading');

  await page.goto(`${BASE_URL}/app/people/new`);
  await waitForScripts(page);
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name (optional)').fill('Hopper');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add this person' }).click()]);
  await waitForScripts(page);
  const person = new URL(page.url()).pathname;
  await page.getByText('No tasks about this person yet.').waitFor();

  // Empty: refused in the page, the message tied to the field, the focus on it. (The form's
  // controls are enabled once the page's code has taken them over.)
  await page.locator('#task-title:enabled').waitFor();
  await page.getByLabel('What is to be done').focus();
  await page.keyboard.press('Enter');
  const error = page.locator('#task-title-error');
  await error.waitFor();
  assert.match(await error.innerText(), /Say what is to be done/);
  await waitForFocus(page, 'task-title');
  assert.equal(await page.getByLabel('What is to be done').getAttribute('aria-describedby'), 'task-title-error');
  await assertAccessible(page, '/app/people/{id} with a refused task');

  await page.keyboard.type('Call Grace');
  await page.getByLabel('Due (optional)').fill('2030-12-24');
  await page.getByLabel('What is to be done').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Task “Call Grace” added.' }).waitFor();
  const done = page.getByRole('checkbox', { name: 'Done: Call Grace' });
  assert.equal(await done.isChecked(), false);
  assert.match(await page.locator('.record__tasks .task__meta').innerText(), /Due: December 24, 2030 · For: Tess Tasks/);
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('added the task'));
  assert.match(await page.locator('.timeline').innerText(), /Tess Tasks added the task “Call Grace”, due December 24, 2030\./);
  await assertAccessible(page, '/app/people/{id} with a task');

  await done.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('ticked the task'));
  assert.equal(await done.isChecked(), true);
  assert.match(await page.locator('.timeline').innerText(), /Tess Tasks ticked the task “Call Grace” done\./);

  // The workspace's list: not among the open tasks, among the done ones, with a link back.
  await page.getByRole('link', { name: 'Tasks', exact: true }).first().click();
  await page.waitForURL('**/app/tasks');
  await waitForScripts(page);
  assert.equal(await page.title(), 'Tasks · Candor CRM');
  await page.getByText('Nothing to do: no open tasks.').waitFor();
  await assertAccessible(page, '/app/tasks, empty');
  await page.getByLabel('Show').selectOption('done');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/status=done/);
  await page.getByRole('checkbox', { name: 'Done: Call Grace' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Grace Hopper' }).getAttribute('href'), person);
  await assertAccessible(page, '/app/tasks?status=done');

  // Added here, about nobody: it joins the open list at once, and stays after a reload.
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('status=done'));
  await page.getByText('Nothing to do: no open tasks.').waitFor();
  assert.equal(await page.getByLabel('Show').inputValue(), 'open');
  await page.getByLabel('What is to be done').fill('Renew the domain');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: 'Done: Renew the domain' }).waitFor();
  assert.match(await page.locator('.task__meta').first().innerText(), /Due: No due date · For: Tess Tasks/);
  await assertAccessible(page, '/app/tasks with an open task');
  await page.reload();
  await waitForScripts(page);
  await page.getByRole('checkbox', { name: 'Done: Renew the domain' }).waitFor();

  // One due today: the dashboard on /app counts the workspace and lists it as due this week,
  // where it can be ticked done too.
  await page.getByLabel('What is to be done').fill('Send the invoice');
  await page.getByLabel('Due (optional)').fill(new Date().toISOString().slice(0, 10));
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: 'Done: Send the invoice' }).waitFor();
  await page.goto(`${BASE_URL}/app`);
  await waitForScripts(page);
  const glance = await page.getByRole('region', { name: 'At a glance' }).innerText();
  assert.match(glance, /1 person/);
  assert.match(glance, /0 companies/);
  assert.match(glance, /2 open tasks/);
  const week = page.getByRole('region', { name: /^Due by Sunday, / });
  const invoice = week.getByRole('checkbox', { name: 'Done: Send the invoice' });
  await invoice.waitFor();
  assert.equal(await week.getByRole('checkbox').count(), 1, 'the task without a day is not due this week');
  await assertAccessible(page, '/app with the dashboard');
  await page.locator('input[type=checkbox]:enabled').first().waitFor();
  await invoice.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('.task--done') !== null);
  assert.equal(await invoice.isChecked(), true);
  assertNoPageErrors(page);
  await page.context().close();
});

test('a task about a company, a lead or an opportunity is added on its page by keyboard and the tasks list links back to it', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Otto Others', freshEmail('otto'), 'Otto Outfitters');
  const records = [
    {
      path: await addRecord(page, 'companies', { Name: 'Acme Labs' }, 'Add this company'),
      noun: 'company', name: 'Acme Labs', title: 'Send the contract',
    },
    {
      path: await addRecord(page, 'leads', { Name: 'Alan Turing', 'E-mail': 'alan@acme.example' }, 'Add this lead'),
      noun: 'lead', name: 'Alan Turing', title: 'Call Alan back',
    },
    {
      path: await addRecord(
        page,
        'opportunities',
        { Name: 'Acme renewal', Amount: '100', 'Expected close date': '2027-03-31' },
        'Add this opportunity',
      ),
      noun: 'opportunity', name: 'Acme renewal', title: 'Draft the proposal',
    },
  ];
  for (const { path, noun, title } of records) {
    await page.goto(`${BASE_URL}${path}`);
    await waitForScripts(page);
    await page.getByText(`No tasks about this ${noun} yet.`).waitFor();
    await page.locator('#task-title:enabled').waitFor();
    await page.getByLabel('What is to be done').focus();
    await page.keyboard.type(title);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Task “${title}” added.` }).waitFor();
    assert.match(await page.locator('.record__tasks .task__meta').innerText(), /Due: No due date · For: Otto Others/);
    assert.equal(await page.getByText(`No tasks about this ${noun} yet.`).count(), 0);
    await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('added the task'));
    assert.match(await page.locator('.timeline').innerText(), new RegExp(`Otto Others added the task “${title}”\\.`));
    await assertAccessible(page, `${path.replace(/[0-9a-f-]{36}$/, '{id}')} with a task`);
    // Ticked done with the space bar, which the timeline tells too.
    const done = page.getByRole('checkbox', { name: `Done: ${title}` });
    await done.focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('.timeline').innerText.includes('ticked the task'));
    assert.equal(await done.isChecked(), true);
  }

  // The done tasks, each linking to the record it is about; the link leads to its page.
  await page.goto(`${BASE_URL}/app/tasks?status=done`);
  await waitForScripts(page);
  for (const { path, noun, name, title } of records) {
    await page.getByRole('checkbox', { name: `Done: ${title}` }).waitFor();
    const task = page.locator('.task').filter({ hasText: title });
    assert.match(await task.locator('.task__meta').innerText(), new RegExp(`About the ${noun} ${name}$`));
    assert.equal(await task.getByRole('link', { name, exact: true }).getAttribute('href'), path);
  }
  await assertAccessible(page, '/app/tasks?status=done about a company, a lead and an opportunity');
  await page.getByRole('link', { name: 'Acme renewal', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`**${records[2].path}`);
  await page.getByRole('checkbox', { name: 'Done: Draft the proposal' }).waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('the tasks list is searched by part of a title from the keyboard, and back, forward and the clear link show the same lists', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Sam Search', freshEmail('sam'), 'Search Supplies');
  await page.goto(`${BASE_URL}/app/tasks`);
  await waitForScripts(page);
  await page.locator('#task-title:enabled').waitFor();
  for (const title of ['Call Ada', 'Renew the domain', 'Recall the offer']) {
    await page.getByLabel('What is to be done').fill(title);
    await page.getByLabel('What is to be done').press('Enter');
    await page.getByRole('checkbox', { name: `Done: ${title}` }).waitFor();
  }
  const rows = page.locator('.tasks__list .task > input[type=checkbox]');
  assert.equal(await rows.count(), 3);

  // Newest first, in the URL and the heading; back shows the soonest due first again. (A task
  // added in the page joins the top of the list it is on; the server's list, read again, has
  // the undated ones oldest first.)
  await page.reload();
  await waitForScripts(page);
  const first = page.locator('.tasks__list .task').first();
  assert.match(await first.innerText(), /Call Ada/, 'undated: the oldest first');
  await page.getByLabel('Sort by').selectOption({ label: 'Newest first' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL(/sort=newest/);
  await page.getByRole('heading', { name: 'Open tasks, the most recently added first' }).waitFor();
  assert.match(await first.innerText(), /Recall the offer/);
  await assertAccessible(page, '/app/tasks?sort=newest');
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes('sort='));
  await page.getByRole('heading', { name: 'Open tasks, the soonest due first' }).waitFor();
  assert.match(await first.innerText(), /Call Ada/);
  assert.equal(await page.getByLabel('Sort by').inputValue(), '');

  // Typed in any case, submitted with Enter: the matches only, the search in the URL.
  const search = page.getByRole('searchbox', { name: 'Search' });
  assert.equal(await search.getAttribute('aria-describedby'), 'tasks-q-hint');
  await search.focus();
  await page.keyboard.type('CALL');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=CALL/);
  await page.getByRole('heading', { name: 'Open tasks matching the search, the soonest due first' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.tasks__list .task > input[type=checkbox]').length === 2);
  for (const title of ['Call Ada', 'Recall the offer']) {
    assert.equal(await page.getByRole('checkbox', { name: `Done: ${title}` }).count(), 1);
  }
  assert.equal(await search.inputValue(), 'CALL');
  await assertAccessible(page, '/app/tasks?q=CALL');

  // A task added that the search would not find is added, and said so, but not listed here.
  await page.getByLabel('What is to be done').fill('Email Grace');
  await page.getByLabel('What is to be done').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Task “Email Grace” added.' }).waitFor();
  assert.equal(await rows.count(), 2);

  // Nothing found: said so.
  await search.fill('invoice');
  await search.press('Enter');
  await page.getByText('No tasks match this search.').waitFor();
  await assertAccessible(page, '/app/tasks?q=invoice, nothing found');

  // Back and forward show the same lists; the clear link leads to every open task.
  await page.goBack();
  await page.waitForURL(/q=CALL/);
  await page.waitForFunction(() => document.querySelectorAll('.tasks__list .task > input[type=checkbox]').length === 2);
  assert.equal(await search.inputValue(), 'CALL');
  await page.goForward();
  await page.getByText('No tasks match this search.').waitFor();
  assert.equal(await search.inputValue(), 'invoice');
  await page.getByRole('link', { name: 'Clear the search and filters' }).click();
  await page.waitForURL((url) => url.search === '');
  await page.waitForFunction(() => document.querySelectorAll('.tasks__list .task > input[type=checkbox]').length === 4);
  assert.equal(await search.inputValue(), '');

  // An over-long search (a shared link) is not used, and the list says so.
  await page.goto(`${BASE_URL}/app/tasks?q=${'call'.repeat(26)}`);
  await waitForScripts(page);
  const problem = page.locator('#tasks-problem');
  assert.equal(await problem.innerText(), 'Search for at most 100 characters. The list below is not searched.');
  assert.equal(await page.locator('.tasks__list .task > input[type=checkbox]').count(), 4);
  assert.equal(await search.getAttribute('aria-describedby'), 'tasks-q-hint tasks-problem');
  await assertAccessible(page, '/app/tasks with an over-long search');
  assertNoPageErrors(page);
  await page.context().close();
});

/** Ticks a task's "Select" box with the space bar. */
async function tick(page, title) {
  await page.getByRole('checkbox', { name: `Select ${title}`, exact: true }).focus();
  await page.keyboard.press('Space');
}

test('tasks ticked in the list are assigned, marked done, opened again and deleted at once by keyboard', async () => {
  const page = await newPage();
  await signUpConfirmed(page, 'Bea Baker', freshEmail('bea'), 'Bea Bakery');
  await page.goto(`${BASE_URL}/app/tasks`);
  await waitForScripts(page);
  await page.locator('#task-title:enabled').waitFor();
  for (const title of ['Order flour', 'Fix the oven', 'Call the mill']) {
    await page.getByLabel('What is to be done').fill(title);
    await page.getByLabel('What is to be done').press('Enter');
    await page.getByRole('checkbox', { name: `Done: ${title}` }).waitFor();
  }
  const openBoxes = '.tasks__list .task > input[type=checkbox]';
  const count = page.locator('.list__bulk-count');
  const problem = page.locator('#tasks-bulk-problem');
  const notice = page.locator('#tasks-notice');
  const meta = (title) => page.locator('.task').filter({ hasText: title }).locator('.task__meta');

  // Nothing ticked: each action says what to do first.
  assert.match(await count.innerText(), /^No task selected\./);
  await page.getByRole('button', { name: 'Mark done' }).focus();
  await page.keyboard.press('Enter');
  await problem.waitFor();
  assert.match(await problem.innerText(), /Select at least one task first, with its “Select” box\./);
  assert.equal(await page.locator(openBoxes).count(), 3, 'nothing was done');
  await assertAccessible(page, '/app/tasks, a bulk action with no task selected');

  // Two ticked; "Assign" with nobody chosen is refused beside the choice, which gets the focus.
  await tick(page, 'Order flour');
  await tick(page, 'Fix the oven');
  assert.equal(await count.innerText(), '2 tasks selected.');
  await page.getByRole('button', { name: 'Assign', exact: true }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'tasks-bulk-assignee');
  assert.match(await problem.innerText(), /Choose whom to assign them to\./);
  const assignTo = page.getByLabel('Assign to');
  assert.equal(await assignTo.getAttribute('aria-invalid'), 'true');
  assert.equal(await assignTo.getAttribute('aria-describedby'), 'tasks-bulk-problem');
  await assertAccessible(page, '/app/tasks with two tasks selected and a refused assignment');

  // Assigned to nobody: said, focused, and shown in the rows; the boxes start empty again.
  await assignTo.selectOption({ label: 'Nobody' });
  await page.getByRole('button', { name: 'Assign', exact: true }).focus();
  await page.keyboard.press('Enter');
  await waitForFocus(page, 'tasks-notice');
  assert.equal(await notice.innerText(), '2 tasks are now assigned to nobody.');
  await page.waitForFunction(() => document.querySelectorAll('.task__select input:checked').length === 0);
  assert.match(await meta('Order flour').innerText(), /For: Nobody/);
  assert.match(await meta('Call the mill').innerText(), /For: Bea Baker/);
  await assertAccessible(page, '/app/tasks after a bulk assignment');

  // Marked done: they leave the open list.
  await tick(page, 'Order flour');
  await tick(page, 'Fix the oven');
  await page.getByRole('button', { name: 'Mark done' }).focus();
  await page.keyboard.press('Enter');
  await notice.filter({ hasText: 'Marked 2 tasks done.' }).waitFor();
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, openBoxes);
  assert.equal(await page.getByRole('checkbox', { name: 'Done: Call the mill' }).count(), 1);

  // The done list: every task on it ticked at once and opened again.
  await page.goto(`${BASE_URL}/app/tasks?status=done`);
  await waitForScripts(page);
  await page.locator('#tasks-tick-all:enabled').waitFor();
  await page.getByLabel('Select every task on this page').focus();
  await page.keyboard.press('Space');
  assert.equal(await count.innerText(), '2 tasks selected.');
  assert.equal(await page.getByRole('button', { name: 'Mark done' }).count(), 0);
  await page.getByRole('button', { name: 'Open again' }).focus();
  await page.keyboard.press('Enter');
  await notice.filter({ hasText: 'Opened 2 tasks again.' }).waitFor();
  await page.getByText('No done tasks yet.').waitFor();
  await assertAccessible(page, '/app/tasks?status=done after opening tasks again');

  // The open list: all three deleted after the question, which Escape first cancels.
  await page.goto(`${BASE_URL}/app/tasks`);
  await waitForScripts(page);
  await page.locator('#tasks-tick-all:enabled').waitFor();
  await page.getByLabel('Select every task on this page').focus();
  await page.keyboard.press('Space');
  assert.equal(await count.innerText(), '3 tasks selected.');
  await page.getByRole('button', { name: 'Delete…' }).focus();
  await confirmDeletionByKeyboard(
    page,
    page.getByRole('alertdialog', { name: 'Delete 3 tasks?' }),
    'tasks-bulk-delete',
    '/app/tasks asking to confirm a deletion',
    /Their titles, due dates and places in timelines are deleted for good\./,
  );
  await notice.filter({ hasText: 'Deleted 3 tasks.' }).waitFor();
  await page.getByText('Nothing to do: no open tasks.').waitFor();
  assert.equal(await page.locator('.list__bulk').count(), 0, 'no actions without tasks');
  await assertAccessible(page, '/app/tasks after a bulk deletion');

  // Gone for good: a reload shows none.
  await page.reload();
  await waitForScripts(page);
  await page.getByText('Nothing to do: no open tasks.').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

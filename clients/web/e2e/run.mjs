// End-to-end: two people in two headless Chromium browsers against a real front door.
//   CHAOS_API_DLL=.../api/bin/Debug/net10.0/Chaos.Api.dll CHAOS_E2E_CONNECTION='Host=...;Database=...' \
//   CHAOS_E2E_OUT=./test-results node e2e/run.mjs
// Screenshots of each main screen go to CHAOS_E2E_OUT. Exit code 0 when every step passed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { FrontDoor } from './server.mjs';
import { screenState } from './lib.mjs';

const require = createRequire(import.meta.url);
const dll = process.env.CHAOS_API_DLL ?? path.resolve('../../api/bin/Debug/net10.0/Chaos.Api.dll');
const out = path.resolve(process.env.CHAOS_E2E_OUT ?? 'test-results/e2e');
const T = Number(process.env.CHAOS_E2E_TIMEOUT ?? 30_000);
fs.mkdirSync(out, { recursive: true });
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const started = Date.now();
const log = (...a) => console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
const server = new FrontDoor({ dll, connectionString: process.env.CHAOS_E2E_CONNECTION });
await server.init();
log('starting the front door', server.url);
await server.start();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
const cspViolations = [];
const failures = [];

async function newPage(name, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${name}: ${m.text()}`);
  });
  page.on('pageerror', (e) => failures.push(`${name}: page error ${e.message}`));
  return { context, page };
}

const shot = (page, name) => page.screenshot({ path: path.join(out, `${name}.png`) });

async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) failures.push(`axe on ${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  log(`axe ${label}: ${result.violations.length} violations, ${bad.length} serious or critical`);
}

async function register(page, username, displayName) {
  await page.goto(server.url + '/');
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Contacts' }).waitFor();
}

const article = (page, logName, text) => page.getByRole('log', { name: logName }).getByRole('article').filter({ hasText: text });

async function step(name, f) {
  log(name);
  await f();
}

const suffix = Date.now().toString(36).slice(-5);
const alice = { username: `alice_${suffix}`, name: 'Alice' };
const bob = { username: `bob_${suffix}`, name: 'Bob' };
const a = await newPage('alice');
const b = await newPage('bob');
const A = a.page;
const B = b.page;

try {
  await step('the login screen', async () => {
    await A.goto(server.url + '/');
    await A.getByLabel('Username').waitFor();
    await A.getByLabel('Password').waitFor();
    await shot(A, '01-login');
    await axe(A, 'login');
  });

  await step('two people register', async () => {
    await register(A, alice.username, alice.name);
    await register(B, bob.username, bob.name);
  });
  bob.id = (await B.getByTestId('my-user-id').textContent()).trim();

  await step('Alice sends Bob a friend request; Bob accepts', async () => {
    await A.getByRole('button', { name: 'Add a contact' }).click();
    await A.getByLabel('User ID').fill(bob.id);
    await A.getByRole('button', { name: 'Send friend request' }).click();
    await A.getByRole('status').filter({ hasText: 'Friend request sent.' }).waitFor();
    await A.getByRole('button', { name: 'Close' }).click();
    await B.getByRole('button', { name: `Accept ${alice.name}` }).click();
  });

  await step('each sees the other online, then Bob goes busy with a status message', async () => {
    const contacts = A.getByRole('navigation', { name: 'Contacts' });
    await contacts.getByRole('button', { name: `${bob.name} (Online)` }).waitFor();
    await B.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: `${alice.name} (Online)` }).waitFor();
    await B.getByRole('button', { name: 'Set status' }).click();
    await B.getByLabel('Status message').fill('In a meeting');
    await B.getByRole('menuitemradio', { name: 'Busy' }).click();
    await contacts.getByRole('button', { name: `${bob.name} (Busy) — In a meeting` }).waitFor();
    await shot(A, '02-contacts');
    await axe(A, 'contacts');
  });

  await step('a DM: Alice writes, Bob sees an unread badge, opens it and answers', async () => {
    await A.getByRole('navigation', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`^${bob.name} \\(`) }).click();
    const composer = A.getByRole('textbox', { name: `Message ${bob.name}` });
    await composer.fill('hello bob');
    await composer.press('Enter');
    await article(A, `Messages with ${bob.name}`, 'hello bob').waitFor();
    const dmLink = B.getByRole('navigation', { name: 'Contacts' }).getByRole('link', { name: alice.name });
    await dmLink.getByTestId('unread-badge').waitFor();
    await dmLink.click();
    await article(B, `Messages with ${alice.name}`, 'hello bob').waitFor();
    await B.getByRole('textbox', { name: `Message ${alice.name}` }).fill('hi alice');
    await B.getByRole('textbox', { name: `Message ${alice.name}` }).press('Enter');
    await article(A, `Messages with ${bob.name}`, 'hi alice').waitFor();
    await shot(A, '03-dm');
    // Layout: without a member list the chat reaches the window's right edge, and the attach button sits level with the
    // text box (its vertical centre within 3 px of the box's).
    const layout = await A.evaluate(() => {
      const centre = (r) => r.top + r.height / 2;
      const chat = document.querySelector('.chat').getBoundingClientRect();
      const button = document.querySelector('.attach-button').getBoundingClientRect();
      const box = document.querySelector('.composer textarea').getBoundingClientRect();
      return { gap: window.innerWidth - chat.right, offset: Math.abs(centre(button) - centre(box)) };
    });
    if (layout.gap > 1) throw new Error(`a chat without a member list leaves ${layout.gap}px empty on its right`);
    if (layout.offset > 3) throw new Error(`the attach button is ${layout.offset}px off the text box's centre`);
  });

  let inviteLink;
  await step('Alice creates a community and an invite link', async () => {
    await A.getByRole('button', { name: 'Create community' }).click();
    await A.getByLabel('Community name').fill('E2E Club');
    await A.getByRole('button', { name: 'Create', exact: true }).click();
    await A.getByRole('log', { name: 'Messages in #general' }).waitFor();
    await A.getByRole('navigation', { name: 'Communities' }).getByRole('link', { name: 'E2E Club' }).waitFor();
    await A.getByRole('button', { name: 'Invite people' }).click();
    await A.getByRole('button', { name: 'Create invite link' }).click();
    inviteLink = await A.getByLabel('Invite link').inputValue();
    await A.getByRole('button', { name: 'Close' }).click();
  });

  await step('Bob joins by the invite link', async () => {
    await B.goto(inviteLink);
    await B.getByRole('button', { name: 'Accept invite' }).click();
    await B.getByRole('log', { name: 'Messages in #general' }).waitFor();
  });

  await step('both chat in #general; typing shows', async () => {
    const composer = B.getByRole('textbox', { name: 'Message #general' });
    await composer.pressSequentially('hi all', { delay: 20 });
    await A.getByRole('status').filter({ hasText: `${bob.name} is typing…` }).waitFor();
    await composer.press('Enter');
    await article(A, 'Messages in #general', 'hi all').waitFor();
    await A.getByRole('textbox', { name: 'Message #general' }).fill('welcome bob');
    await A.getByRole('textbox', { name: 'Message #general' }).press('Enter');
    await article(B, 'Messages in #general', 'welcome bob').waitFor();
  });

  await step('a mention with autocomplete', async () => {
    const composer = A.getByRole('textbox', { name: 'Message #general' });
    await composer.pressSequentially('ping @bo', { delay: 20 });
    await A.getByRole('listbox', { name: 'Mention suggestions' }).getByRole('option', { name: new RegExp(bob.name) }).waitFor();
    await composer.press('Enter');
    await composer.pressSequentially('see this', { delay: 10 });
    await composer.press('Enter');
    await article(B, 'Messages in #general', `@${bob.name} see this`).waitFor();
  });

  await step('unread badges appear and clear', async () => {
    await A.getByRole('button', { name: 'Create channel' }).click();
    await A.getByLabel('Channel name').fill('random');
    await A.getByRole('button', { name: 'Create channel' }).last().click();
    await A.getByRole('log', { name: 'Messages in #random' }).waitFor();
    await B.getByRole('textbox', { name: 'Message #general' }).fill('are you there?');
    await B.getByRole('textbox', { name: 'Message #general' }).press('Enter');
    const general = A.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'general' });
    await general.getByTestId('unread-badge').waitFor();
    await shot(A, '04-unread-badge');
    await general.click();
    await article(A, 'Messages in #general', 'are you there?').waitFor();
    await general.getByTestId('unread-badge').waitFor({ state: 'detached' });
  });

  await step('moderation controls: the owner sees them, Bob does not', async () => {
    await A.getByRole('complementary', { name: 'Members' }).getByRole('button', { name: `Kick ${bob.name}` }).waitFor();
    await A.getByRole('button', { name: 'Community settings' }).waitFor();
    const members = B.getByRole('complementary', { name: 'Members' });
    await members.getByText(alice.name).first().waitFor();
    for (const name of [`Kick ${alice.name}`, `Ban ${alice.name}`, 'Community settings', 'Create channel']) {
      if ((await B.getByRole('button', { name }).count()) !== 0) throw new Error(`Bob sees "${name}" without permission`);
    }
    await shot(A, '05-community-chat');
    await shot(B, '06-member-view');
    await axe(A, 'community chat');
    await A.getByRole('button', { name: 'Community settings' }).click();
    await A.getByRole('tab', { name: 'Audit log' }).click();
    await A.getByRole('table', { name: 'Audit log' }).waitFor();
    await shot(A, '07-settings-audit-log');
    await axe(A, 'settings');
    await A.getByRole('button', { name: 'Close' }).click();
  });

  await step('gap filling: Alice goes offline, Bob sends three messages, Alice comes back and has all', async () => {
    await a.context.setOffline(true);
    for (const text of ['while away 1', 'while away 2', 'while away 3']) {
      await B.getByRole('textbox', { name: 'Message #general' }).fill(text);
      await B.getByRole('textbox', { name: 'Message #general' }).press('Enter');
      await article(B, 'Messages in #general', text).waitFor();
    }
    await a.context.setOffline(false);
    for (const text of ['while away 1', 'while away 2', 'while away 3']) await article(A, 'Messages in #general', text).waitFor();
  });

  await step('the server restarts; both clients show the banner, heal, and show every message', async () => {
    await server.kill();
    await A.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
    await B.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor();
    await shot(A, '08-reconnecting');
    await server.start();
    await A.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor({ state: 'detached', timeout: 90_000 });
    await B.getByRole('alert').filter({ hasText: 'Connection lost' }).waitFor({ state: 'detached', timeout: 90_000 });
    await B.getByRole('textbox', { name: 'Message #general' }).fill('after the restart');
    await B.getByRole('textbox', { name: 'Message #general' }).press('Enter');
    for (const page of [A, B]) {
      for (const text of ['hi all', 'welcome bob', 'are you there?', 'while away 3', 'after the restart']) {
        await article(page, 'Messages in #general', text).waitFor();
      }
    }
  });

  await step('dark mode', async () => {
    await A.getByRole('switch', { name: 'Dark mode' }).click();
    await A.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await shot(A, '09-dark');
    await axe(A, 'dark community chat');
  });

  await step('a 360 px phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, storageState: await b.context.storageState() });
    const page = await phone.newPage();
    page.setDefaultTimeout(T);
    await page.goto(B.url());
    await page.getByRole('textbox', { name: 'Message #general' }).waitFor();
    // The screenshot shows the conversation, not the moment before its history loaded.
    await article(page, 'Messages in #general', 'after the restart').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 360) throw new Error(`horizontal scroll at 360 px: ${width}`);
    // Only the message last tapped shows its action row; the others keep theirs for screen readers only.
    const tapped = article(page, 'Messages in #general', 'after the restart');
    if ((await tapped.getByRole('button', { name: /^Reply to / }).count()) !== 1) throw new Error('the reply action is not in the accessibility tree');
    if ((await tapped.locator('.message-actions').boundingBox()).width > 2) throw new Error('a message shows its actions before it is tapped');
    await tapped.locator('.content').click();
    await page.waitForFunction(() => (document.querySelector('.message.selected .message-actions')?.getBoundingClientRect().width ?? 0) > 100);
    await shot(page, '10-phone');
    // The header's tools fold behind one button on a phone; every one of them is there once it is open.
    const pins = page.getByRole('button', { name: 'Pinned messages', exact: true });
    if (await pins.isVisible()) throw new Error('the header tools are not folded at 360 px');
    const more = page.getByRole('button', { name: 'More tools for #general' });
    await more.click();
    await pins.waitFor();
    await page.getByRole('button', { name: 'Mentions', exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Search messages' }).waitFor();
    await page.getByRole('button', { name: 'Notification settings for #general' }).waitFor();
    const openWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (openWidth > 360) throw new Error(`horizontal scroll at 360 px with the tools open: ${openWidth}`);
    await shot(page, '11-phone-tools');
    await axe(page, 'phone chat with its tools open');
    await page.keyboard.press('Escape');
    await pins.waitFor({ state: 'hidden' });
    if ((await more.getAttribute('aria-expanded')) !== 'false') throw new Error('Escape did not close the tools');
    await phone.close();
  });
} catch (e) {
  failures.push(String(e?.stack ?? e));
  await shot(A, 'failure-alice').catch(() => undefined);
  await shot(B, 'failure-bob').catch(() => undefined);
  for (const [who, page] of [['Alice', A], ['Bob', B]]) failures.push(`${who}'s screen: ${await screenState(page)}`);
} finally {
  await browser.close();
  await server.kill();
}

failures.push(...cspViolations.map((c) => `CSP violation: ${c}`));
if (failures.length) {
  console.error(`E2E FAILED:\n${failures.join('\n')}\n--- front door output ---\n${server.output.slice(-60).join('\n')}`);
  process.exit(1);
}
log(`E2E passed; screenshots in ${out}`);

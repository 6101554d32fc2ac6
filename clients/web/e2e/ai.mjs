// End-to-end for AI assistance in the web client (docs/api.md#ai-assistance): a manager and a member in two headless
// Chromium contexts against a real front door whose model server is the test's fake Ollama (WebAiTests). The manager
// turns moderation to "hide" and summaries on; a message the fake classifier flags is hidden from the member and shown
// marked to the manager; the moderation queue takes it live, dismisses one and deletes another; "Catch me up" streams
// the fake model's text, and Stop ends a summary that would never finish. Screenshots in light and dark; axe on each view.
//   CHAOS_API_DLL=.../Chaos.Api.dll CHAOS_E2E_CONNECTION='Host=...' CHAOS_E2E_AI_URL=http://127.0.0.1:port/ \
//   CHAOS_E2E_OUT=./test-results/ai node e2e/ai.mjs
// The fake model flags any message containing SPAMSPAM and never finishes a summary of one containing LONGSTORY.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { FrontDoor } from './server.mjs';
import { screenState } from './lib.mjs';

const require = createRequire(import.meta.url);
const dll = process.env.CHAOS_API_DLL ?? path.resolve('../../api/bin/Debug/net10.0/Chaos.Api.dll');
const out = path.resolve(process.env.CHAOS_E2E_OUT ?? 'test-results/ai');
const T = Number(process.env.CHAOS_E2E_TIMEOUT ?? 45_000);
const modelUrl = process.env.CHAOS_E2E_AI_URL;
if (!modelUrl) throw new Error('CHAOS_E2E_AI_URL (the fake Ollama) is required');
fs.mkdirSync(out, { recursive: true });
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const started = Date.now();
const log = (...a) => console.log(`[ai +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

const server = new FrontDoor({
  dll,
  connectionString: process.env.CHAOS_E2E_CONNECTION,
  args: [
    `--Chaos:Ai:OllamaUrl=${modelUrl}`,
    '--Chaos:Ai:ChatModel=chat-model',
    '--Chaos:Ai:ModerationModel=mod-model',
    '--Chaos:Ai:RetryDelayMilliseconds=1',
    // Far beyond the test's deadlines: the summary that hangs ends because Stop cancelled it, not by a timeout.
    '--Chaos:Ai:IdleTimeoutSeconds=600',
    '--Chaos:Ai:RequestTimeoutSeconds=600',
  ],
});
await server.init();
log('starting the front door', server.url);
await server.start();

async function rest(method, route, token, body) {
  const r = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// A manager (the owner) and a member; a community with #general and #stories, some conversation in each.
const suffix = Date.now().toString(36).slice(-5);
const users = [];
for (const name of ['Alice', 'Bob']) {
  const username = `${name.toLowerCase()}_ai${suffix}`;
  const auth = await rest('POST', '/auth/register', null, { username, password: 'correct horse battery', displayName: name });
  users.push({ username, password: 'correct horse battery', name, id: auth.user.id, token: auth.accessToken });
}
const [alice, bob] = users;
const community = await rest('POST', '/communities', alice.token, { name: 'AI Club' });
const general = community.channels.find((c) => c.type === 'text');
const stories = await rest('POST', `/communities/${community.id}/channels`, alice.token, { name: 'stories', type: 'text' });
const invite = await rest('POST', `/communities/${community.id}/invites`, alice.token, { maxUses: 0 });
await rest('POST', `/invites/${invite.code}`, bob.token);
for (const [who, text] of [
  [alice, 'Shall we have the picnic on Saturday?'],
  [bob, 'Saturday works for me, I will bring lemonade.'],
  [alice, 'Great, see you at the lake at noon.'],
]) {
  await rest('POST', `/channels/${general.id}/messages`, who.token, { content: text });
}
await rest('POST', `/channels/${stories.id}/messages`, bob.token, { content: 'LONGSTORY: once upon a time there was a very long holiday…' });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
const failures = [];

async function open(user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => {
    // SignalR's client throws this when the server gave up on a slow handshake on a very loaded machine; it retries.
    if (/handshake was canceled/i.test(e.message)) log(`${user.name}: ${e.message} (tolerated; the client retries)`);
    else failures.push(`${user.name}: page error ${e.message}`);
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) failures.push(`${user.name}: CSP ${m.text()}`);
  });
  await page.goto(server.url + '/');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Contacts' }).waitFor();
  return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(out, `${name}.png`) });
async function axe(page, label, include) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (sel) => window.axe.run(sel ? { include: [sel] } : document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    include ?? null,
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) failures.push(`axe on ${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' | ')}`);
  log(`axe ${label}: ${result.violations.length} violations, ${bad.length} serious or critical`);
}
const messages = (page, channel) => page.getByRole('log', { name: `Messages in #${channel.name}` });
const articles = (page, channel) => messages(page, channel).getByRole('article');
async function openChannel(page, channel) {
  await page.goto(`${server.url}/channels/${community.id}/${channel.id}`);
  await messages(page, channel).waitFor();
}
async function send(page, channel, text) {
  const box = page.getByRole('textbox', { name: `Message #${channel.name}` });
  await box.fill(text);
  await box.press('Enter');
}
async function step(name, f) {
  log(name);
  await f();
}
async function setDark(page, dark) {
  const toggle = page.getByRole('button', { name: 'Dark mode' }).or(page.getByRole('switch', { name: 'Dark mode' }));
  const pressed = async () => (await toggle.getAttribute('aria-pressed')) === 'true' || (await toggle.getAttribute('aria-checked')) === 'true';
  if ((await pressed()) !== dark) await toggle.click();
  await page.waitForFunction((d) => (document.documentElement.dataset.theme === 'dark') === d, dark);
}

const A = await open(alice);
const B = await open(bob);

try {
  await step('the manager turns moderation to "hide" and summaries on', async () => {
    await openChannel(A, general);
    await openChannel(B, general);
    await articles(B, general).filter({ hasText: 'see you at the lake' }).waitFor();
    if ((await B.getByRole('button', { name: 'Catch me up' }).count()) !== 0) throw new Error('"Catch me up" is offered before summaries are on');
    await A.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: 'Community settings' }).click();
    const dialog = A.getByRole('dialog', { name: 'AI Club settings' });
    await dialog.getByRole('tab', { name: 'AI assistance' }).click();
    const hide = dialog.getByRole('radio', { name: /Hide until reviewed/ });
    await hide.click();
    await dialog.getByRole('status').filter({ hasText: 'Moderation: Hide until reviewed.' }).waitFor();
    if (!(await hide.isChecked())) throw new Error('"Hide until reviewed" is not checked after saving');
    await dialog.getByRole('checkbox', { name: /Catch me up/ }).check();
    await dialog.getByRole('status').filter({ hasText: 'Summaries are on.' }).waitFor();
    await dialog.getByRole('checkbox', { name: 'Keep #stories out of AI' }).waitFor();
    await shot(A, '01-ai-settings-light');
    await axe(A, 'AI settings (light)', 'dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The switch reached the server, and the member's open app heard it (CommunityUpdated carries the switches).
    const c = await rest('GET', `/communities/${community.id}`, bob.token);
    if (c.ai.moderation !== 'hide' || c.ai.summaries !== true) throw new Error(`the community's ai is ${JSON.stringify(c.ai)}`);
    await B.getByRole('button', { name: 'Catch me up' }).waitFor();
  });

  await step('the member posts a message the classifier flags; the member sees it hidden', async () => {
    await send(B, general, 'cheap pills SPAMSPAM click here');
    await messages(B, general).getByRole('article', { name: 'Bob: hidden by moderation' }).waitFor();
    if ((await articles(B, general).filter({ hasText: 'cheap pills' }).count()) !== 0) throw new Error('the member still sees the flagged text');
    await shot(B, '02-member-sees-hidden-light');
    await axe(B, 'member chat with a hidden message (light)');
  });

  await step('the manager sees it marked hidden, and in the moderation queue (live)', async () => {
    await messages(A, general).getByRole('article', { name: 'Bob: cheap pills SPAMSPAM click here (hidden by moderation)' }).waitFor();
    const queueButton = A.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: /^Moderation queue/ });
    await queueButton.click();
    const queue = A.getByRole('dialog', { name: 'Moderation queue of AI Club' });
    const item = queue.getByRole('article', { name: 'Flagged message by Bob' }).filter({ hasText: 'cheap pills' });
    await item.waitFor();
    await item.getByText('Spam', { exact: true }).waitFor();
    await shot(A, '03-moderation-queue-light');
    await axe(A, 'moderation queue (light)', 'dialog');

    // A second flagged message arrives while the queue is open.
    await send(B, general, 'SPAMSPAM best deals in town');
    await queue.getByRole('article', { name: 'Flagged message by Bob' }).filter({ hasText: 'best deals' }).waitFor();
  });

  await step('dismissing shows the message again; deleting removes it', async () => {
    const queue = A.getByRole('dialog', { name: 'Moderation queue of AI Club' });
    await queue.getByRole('article').filter({ hasText: 'cheap pills' }).getByRole('button', { name: 'Dismiss' }).click();
    await queue.getByRole('article').filter({ hasText: 'cheap pills' }).waitFor({ state: 'detached' });
    await articles(B, general).filter({ hasText: 'cheap pills SPAMSPAM click here' }).waitFor();
    await queue.getByRole('article').filter({ hasText: 'best deals' }).getByRole('button', { name: 'Delete message' }).click();
    await queue.getByText('Nothing is waiting for a decision.').waitFor();
    await messages(B, general).getByRole('article', { name: 'Bob: message deleted' }).waitFor();
    await shot(A, '04-queue-empty-light');
    await queue.getByRole('button', { name: 'Close' }).click();
    await queue.waitFor({ state: 'detached' });
  });

  await step('"Catch me up" streams the fake model\'s summary', async () => {
    await A.getByRole('button', { name: 'Catch me up' }).click();
    const panel = A.getByRole('region', { name: 'Catch me up' });
    await panel.getByRole('group', { name: 'Summary' }).filter({ hasText: 'Alice planned the picnic for Saturday.' }).waitFor();
    await panel.getByRole('status').filter({ hasText: 'Summary complete.' }).waitFor();
    await shot(A, '05-catch-me-up-light');
    await axe(A, 'catch me up (light)');
  });

  await step('Stop ends a summary that would never finish', async () => {
    await openChannel(A, stories);
    await A.getByRole('button', { name: 'Catch me up' }).click();
    const panel = A.getByRole('region', { name: 'Catch me up' });
    await panel.getByRole('group', { name: 'Summary' }).filter({ hasText: 'Bob is telling a long story' }).waitFor();
    await panel.getByRole('status').filter({ hasText: 'Summarizing…' }).waitFor();
    await shot(A, '06-catch-me-up-streaming-light');
    await panel.getByRole('button', { name: 'Stop' }).click();
    await panel.getByRole('status').filter({ hasText: 'Stopped.' }).waitFor();
    await panel.getByRole('button', { name: 'Summarize again' }).waitFor();
    await shot(A, '07-catch-me-up-stopped-light');
  });

  await step('a channel kept out of AI offers no summary', async () => {
    await rest('PATCH', `/channels/${stories.id}`, alice.token, { aiExcluded: true });
    await A.getByRole('button', { name: 'Catch me up' }).waitFor({ state: 'detached' });
  });

  await step('dark theme: hidden message, queue and summary', async () => {
    await setDark(A, true);
    await setDark(B, true);
    await send(B, general, 'one more SPAMSPAM offer');
    await messages(B, general).getByRole('article', { name: 'Bob: hidden by moderation' }).waitFor();
    await shot(B, '08-member-sees-hidden-dark');
    await axe(B, 'member chat with a hidden message (dark)');
    await openChannel(A, general);
    await messages(A, general).getByRole('article', { name: 'Bob: one more SPAMSPAM offer (hidden by moderation)' }).waitFor();
    await shot(A, '09-moderator-sees-hidden-dark');
    await A.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: /^Moderation queue/ }).click();
    const queue = A.getByRole('dialog', { name: 'Moderation queue of AI Club' });
    await queue.getByRole('article').filter({ hasText: 'one more SPAMSPAM offer' }).waitFor();
    await shot(A, '10-moderation-queue-dark');
    await axe(A, 'moderation queue (dark)', 'dialog');
    await queue.getByRole('button', { name: 'Close' }).click();
    await A.getByRole('button', { name: 'Catch me up' }).click();
    // Alice had read everything but the hidden message, which no summary covers: she asks for the recent messages.
    const panel = A.getByRole('region', { name: 'Catch me up' });
    const complete = panel.getByRole('status').filter({ hasText: 'Summary complete.' });
    const recent = panel.getByRole('button', { name: 'Summarize recent messages' });
    await complete.or(recent).waitFor();
    if (await recent.isVisible()) await recent.click();
    await complete.waitFor();
    await panel.getByRole('group', { name: 'Summary' }).filter({ hasText: 'Alice planned the picnic for Saturday.' }).waitFor();
    await shot(A, '11-catch-me-up-dark');
    await axe(A, 'catch me up (dark)');
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

if (failures.length) {
  console.error(`AI E2E FAILED:\n${failures.join('\n')}\n--- front door output ---\n${server.output.slice(-60).join('\n')}`);
  process.exit(1);
}
log(`ai e2e passed; screenshots in ${out}`);

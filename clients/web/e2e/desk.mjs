// End-to-end: the support desk (docs/architecture.md#support-desk-web) in headless Chromium against a real front door.
// Guests on a plain HTML page of ANOTHER origin (the one script tag), an agent in the console, a manager's dashboard.
//   CHAOS_API_DLL=.../Chaos.Api.dll CHAOS_E2E_CONNECTION='Host=...' CHAOS_E2E_OUT=./test-results/desk node e2e/desk.mjs
import http from 'node:http';
import path from 'node:path';
import { FrontDoor, freePort } from './server.mjs';
import { axe as runAxe, launchChromium, screenState, logIn, outputDir, restClient, screenshotter, timedLog, timeoutFromEnv, until, watchPage } from './lib.mjs';

const dll = process.env.CHAOS_API_DLL ?? path.resolve('../../api/bin/Debug/net10.0/Chaos.Api.dll');
const out = outputDir('desk');
const T = timeoutFromEnv(30_000);
const log = timedLog('desk');
const server = new FrontDoor({ dll, connectionString: process.env.CHAOS_E2E_CONNECTION });
await server.init();
log('starting the front door', server.url);
await server.start();

// ---- setup over REST: two people, a community, an "Agents" role with HandleSupport (bit 22) ----------------------
const rest = restClient(server.url);
const suffix = Date.now().toString(36).slice(-5);
const password = 'correct horse battery';
const olivia = await rest('POST', '/auth/register', null, { username: `olivia_${suffix}`, password, displayName: 'Olivia' });
const ann = await rest('POST', '/auth/register', null, { username: `ann_${suffix}`, password, displayName: 'Ann' });
const community = await rest('POST', '/communities', olivia.accessToken, { name: 'Acme Support' });
const invite = await rest('POST', `/communities/${community.id}/invites`, olivia.accessToken, {});
await rest('POST', `/invites/${invite.code}`, ann.accessToken);
const role = await rest('POST', `/communities/${community.id}/roles`, olivia.accessToken, { name: 'Agents', permissions: (1n << 22n).toString() });
await rest('PUT', `/communities/${community.id}/members/${ann.user.id}/roles/${role.id}`, olivia.accessToken);

// ---- a customer's site on another origin, with the one script tag --------------------------------------------------
const sitePort = await freePort();
const site = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><main><h1>Acme shop</h1><p>Our products are great.</p></main>
<script src="${server.url}/widget.js" data-community="${community.id}" async></script></body></html>`);
});
await new Promise((r) => site.listen(sitePort, '127.0.0.1', r));
const siteUrl = `http://127.0.0.1:${sitePort}/`;

const browser = await launchChromium();
const failures = [];
const pages = [];

async function newPage(name, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  watchPage(page, name, failures, log, /Content Security Policy|CORS|Access-Control/i);
  pages.push([name, page]);
  return page;
}

const shot = screenshotter(out);

async function axe(page, label, include) {
  const { violations, serious } = await runAxe(page, include);
  for (const v of serious) failures.push(`axe on ${label}: ${v}`);
  log(`axe ${label}: ${violations} violations, ${serious.length} serious or critical`);
}

const login = (page, username) => logIn(page, server.url, username, password);

const stat = (page, id) => page.getByTestId(`stat-${id}`);
const waitText = async (locator, text) => {
  let last = '';
  await until(`"${text}"`, async () => {
    last = ((await locator.textContent().catch(() => '')) ?? '').trim();
    return last === text;
  }, T).catch(() => {
    throw new Error(`expected "${text}", still "${last}"`);
  });
};

async function step(name, f) {
  log(name);
  await f();
}

const M = await newPage('manager');
const A = await newPage('agent');
const G1 = await newPage('guest1');
const G2 = await newPage('guest2');
const widget = (page) => page.getByRole('dialog', { name: 'Chat with us' });

async function startChat(page, name, email, message) {
  await page.goto(siteUrl);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  const w = widget(page);
  await w.getByLabel('Your name').fill(name);
  if (email) await w.getByLabel('E-mail (optional)').fill(email);
  await w.getByLabel('How can we help?').fill(message);
  await w.getByRole('button', { name: 'Start chat' }).click();
  await w.getByRole('log', { name: 'Conversation' }).getByText(message).waitFor();
}

try {
  await step('the manager enables the desk in its settings; the embed code names widget.js', async () => {
    await login(M, olivia.user.username);
    await M.getByRole('navigation', { name: 'Communities' }).getByRole('link', { name: 'Acme Support' }).click();
    await M.getByRole('button', { name: 'Support desk' }).click();
    await M.getByRole('main', { name: 'Support desk' }).waitFor();
    await M.getByRole('tab', { name: 'Desk settings' }).click();
    await M.getByLabel('Guests can start support chats').check();
    await M.getByLabel('Greeting').fill('Hi! We usually answer within minutes.');
    await M.getByLabel('Offline message').fill('Nobody is online right now; leave a message and wait in the queue.');
    await M.getByRole('button', { name: 'Save desk settings' }).click();
    await M.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    // What the form saved is what the server keeps (the form waits for the saved settings before it takes input).
    const saved = await rest('GET', `/communities/${community.id}/support`, olivia.accessToken);
    if (!saved.enabled || !saved.offlineMessage.startsWith('Nobody is online')) throw new Error(`saved desk settings: ${JSON.stringify(saved)}`);
    const snippet = await M.getByLabel('Embed code for your site').inputValue();
    if (!snippet.includes('/widget.js') || !snippet.includes(community.id)) throw new Error(`embed code: ${snippet}`);
    await shot(M, 'desk-01-settings');
    await M.getByRole('tab', { name: 'Dashboard' }).click();
    await waitText(stat(M, 'queued'), '0');
  });

  await step('the agent opens the console and registers as away with room for one chat', async () => {
    await login(A, ann.user.username);
    await A.goto(`${server.url}/desk/${community.id}`);
    await A.getByRole('switch', { name: 'Available for chats', checked: false }).waitFor();
    await A.getByRole('heading', { name: 'Queue (0)' }).waitFor();
    await A.getByLabel('Chats at once').fill('1');
    await A.getByLabel('Chats at once').blur();
    await A.getByText('You are away: no chats are routed to you.').waitFor();
  });

  await step('a guest on another site opens the widget (the desk\'s offline message shows) and starts a chat: queue position 1', async () => {
    await G1.goto(siteUrl);
    await G1.getByRole('button', { name: 'Chat with us' }).click();
    await widget(G1).getByRole('button', { name: 'Start chat' }).waitFor();
    await widget(G1).getByText('Nobody is online right now; leave a message and wait in the queue.').waitFor();
    await shot(G1, 'desk-02-widget-start');
    await axe(G1, 'widget start form');
    await widget(G1).getByRole('button', { name: 'Minimize chat' }).click();
    await startChat(G1, 'Grace', 'grace@example.com', 'My order #123 has not arrived.');
    await widget(G1).getByRole('status').filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
    await shot(G1, 'desk-03-widget-queued');
  });

  await step('a second guest queues behind: position 2; the dashboard shows 2 queued, live', async () => {
    await startChat(G2, 'Henry', undefined, 'Do you ship to Norway?');
    await widget(G2).getByRole('status').filter({ hasText: 'You are number 2 in the queue.' }).waitFor();
    await waitText(stat(M, 'queued'), '2');
    await A.getByRole('heading', { name: 'Queue (2)' }).waitFor();
    await shot(M, 'desk-04-dashboard-queued');
    await axe(G2, 'widget queued');
  });

  await step('the agent takes Grace from the queue; Henry moves up to 1; Grace sees an agent joined', async () => {
    await A.getByRole('button', { name: 'Take chat with Grace' }).click();
    await A.getByRole('log', { name: 'Messages with Grace' }).getByRole('article').filter({ hasText: 'My order #123 has not arrived.' }).waitFor();
    await widget(G1).getByRole('status').filter({ hasText: 'An agent has joined the conversation.' }).waitFor();
    await widget(G2).getByRole('status').filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
    await waitText(stat(M, 'queued'), '1');
    await waitText(stat(M, 'assigned'), '1');
  });

  await step('they chat both ways; the agent uses a canned reply', async () => {
    await A.getByText('Canned replies').click();
    await A.getByRole('button', { name: 'Hello! How can I help you today?', exact: true }).click();
    await A.getByRole('textbox', { name: 'Message Grace' }).press('Enter');
    await widget(G1).getByRole('log', { name: 'Conversation' }).getByText('Hello! How can I help you today?').waitFor();
    await widget(G1).getByRole('status').filter({ hasText: 'You are chatting with Ann.' }).waitFor();
    const box = widget(G1).getByRole('textbox', { name: 'Message' });
    await box.fill('It was due last Monday.');
    await box.press('Enter');
    await A.getByRole('log', { name: 'Messages with Grace' }).getByRole('article').filter({ hasText: 'It was due last Monday.' }).waitFor();
    await A.getByRole('textbox', { name: 'Message Grace' }).fill('It ships today, sorry for the wait.');
    await A.getByRole('button', { name: 'Send', exact: true }).click();
    await widget(G1).getByRole('log', { name: 'Conversation' }).getByText('It ships today, sorry for the wait.').waitFor();
    await shot(G1, 'desk-05-widget-chat');
    await shot(A, 'desk-06-console');
    await axe(A, 'agent console');
    await axe(G1, 'widget chat');
  });

  await step('the agent goes available but is full (1 of 1): Henry stays queued', async () => {
    await A.getByRole('switch', { name: 'Available for chats' }).click();
    await A.getByRole('switch', { name: 'Available for chats', checked: true }).waitFor();
    await waitText(stat(M, 'agents'), '1');
    await widget(G2).getByRole('status').filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
  });

  await step('the agent closes Grace\'s conversation: Henry is routed to her; Grace sees "closed" and rates it 5', async () => {
    await A.getByRole('button', { name: 'Close conversation' }).click();
    await A.getByRole('status').filter({ hasText: 'The conversation with Grace is closed.' }).waitFor();
    await widget(G1).getByRole('status').filter({ hasText: 'This conversation is closed.' }).waitFor();
    await widget(G2).getByRole('status').filter({ hasText: 'An agent has joined the conversation.' }).waitFor();
    await A.getByRole('log', { name: 'Messages with Henry' }).getByRole('article').filter({ hasText: 'Do you ship to Norway?' }).waitFor();
    await A.getByRole('heading', { name: 'My conversations (1)' }).waitFor();
    await shot(G1, 'desk-07-widget-closed');
    await axe(G1, 'widget rating form');
    await widget(G1).getByRole('button', { name: '5 out of 5' }).click();
    await widget(G1).getByLabel('Comment (optional)').fill('Quick and friendly.');
    await widget(G1).getByRole('button', { name: 'Send rating' }).click();
    await widget(G1).getByText('Thank you for your rating.').waitFor();
    await shot(G1, 'desk-08-widget-rated');
    await waitText(stat(M, 'queued'), '0');
    await waitText(stat(M, 'assigned'), '1');
    await waitText(stat(M, 'rating'), '5.0 / 5');
    await shot(M, 'desk-09-dashboard');
    await axe(M, 'dashboard');
  });
} catch (e) {
  failures.push(String(e?.stack ?? e));
  for (const [name, page] of pages) await shot(page, `desk-failure-${name}`).catch(() => undefined);
  for (const [name, page] of pages) failures.push(`${name}'s screen: ${await screenState(page)}`);
} finally {
  await browser.close();
  site.close();
  await server.kill();
}

if (failures.length) {
  console.error(`DESK E2E FAILED:\n${failures.join('\n')}\n--- front door output ---\n${server.output.slice(-60).join('\n')}`);
  process.exit(1);
}
log(`desk e2e passed; screenshots in ${out}`);

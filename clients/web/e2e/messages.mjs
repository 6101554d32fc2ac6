// End-to-end for the everyday things around a message (docs/api.md#attachments … #notification-settings): two people in
// two headless Chromium browsers against a real front door — an image attachment and its thumbnail on the other side,
// reactions and their counts, pins, search and jumping to an old result, a mention in the inbox and the badges, and
// notification levels none / mentions / all honoured by the badges.
//   CHAOS_API_DLL=.../api/bin/Debug/net10.0/Chaos.Api.dll CHAOS_E2E_CONNECTION='Host=...;Database=...' \
//   CHAOS_E2E_OUT=./test-results/messages node e2e/messages.mjs
// Screenshots go to CHAOS_E2E_OUT. Exit code 0 when every step passed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { FrontDoor } from './server.mjs';
import { launchChromium, screenState, logIn, outputDir, restClient, screenshotter, timedLog, timeoutFromEnv, until as untilMet, watchPage } from './lib.mjs';

const dll = process.env.CHAOS_API_DLL ?? path.resolve('../../api/bin/Debug/net10.0/Chaos.Api.dll');
const out = outputDir('messages');
const T = timeoutFromEnv(45_000);
const log = timedLog('messages');

/** A real PNG (RGB, a diagonal gradient with a stripe) of the given size, made without any image library. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const stripe = Math.abs(x - y) < 12;
      raw[row + 1 + x * 3] = stripe ? 255 : Math.round((255 * x) / width);
      raw[row + 2 + x * 3] = stripe ? 255 : 90;
      raw[row + 3 + x * 3] = stripe ? 255 : Math.round((255 * y) / height);
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const server = new FrontDoor({ dll, connectionString: process.env.CHAOS_E2E_CONNECTION });
await server.init();
log('starting the front door', server.url);
await server.start();

const rest = restClient(server.url);

// Two people, a community of three text channels, both in it (made through the API; the browsers then log in).
const suffix = Date.now().toString(36).slice(-5);
const users = [];
for (const name of ['Alice', 'Bob']) {
  const username = `${name.toLowerCase()}_m${suffix}`;
  const auth = await rest('POST', '/auth/register', null, { username, password: 'correct horse battery', displayName: name });
  users.push({ username, password: 'correct horse battery', name, id: auth.user.id, token: auth.accessToken });
}
const [alice, bob] = users;
const community = await rest('POST', '/communities', alice.token, { name: 'Message Club' });
const general = community.channels.find((c) => c.type === 'text');
const quiet = await rest('POST', `/communities/${community.id}/channels`, alice.token, { name: 'quiet', type: 'text' });
const news = await rest('POST', `/communities/${community.id}/channels`, alice.token, { name: 'news', type: 'text' });
const invite = await rest('POST', `/communities/${community.id}/invites`, alice.token, { maxUses: 0 });
await rest('POST', `/invites/${invite.code}`, bob.token);
const send = (channel, content) => rest('POST', `/channels/${channel.id}/messages`, alice.token, { content });

const browser = await launchChromium();
const failures = [];

async function open(user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  watchPage(page, user.name, failures, log);
  await logIn(page, server.url, user.username, user.password);
  return page;
}

const shot = screenshotter(out);
const messages = (page, channel) => page.getByRole('log', { name: `Messages in #${channel.name}` });
const article = (page, channel, text) => messages(page, channel).getByRole('article').filter({ hasText: text });
const channelLink = (page, channel) => page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: channel.name });
async function openChannel(page, channel) {
  await page.goto(`${server.url}/channels/${community.id}/${channel.id}`);
  await messages(page, channel).waitFor();
}
async function setCommunityLevel(page, label) {
  const toggle = page.getByRole('button', { name: `Notification settings for ${community.name}` });
  const menu = page.getByRole('group', { name: `Notifications for ${community.name}` });
  if (!(await menu.isVisible())) await toggle.click();
  // The radio is controlled: it shows checked once the server has saved the setting, not on the click itself.
  const radio = menu.getByLabel(label);
  await radio.click();
  await until(() => radio.isChecked(), `"${label}" saved`);
  await toggle.click();
  await menu.waitFor({ state: 'detached' });
}
/** Waits for a condition with a deadline (never a fixed sleep): polls every 100 ms for up to T. */
const until = (condition, what) => untilMet(what, condition, T);
async function step(name, f) {
  log(name);
  await f();
}

const A = await open(alice);
const B = await open(bob);

try {
  await step('an old message to search for later, buried under 60 newer ones', async () => {
    await send(general, 'the haystack hides one needle');
    for (let i = 0; i < 60; i++) await send(general, `filler message ${i}`);
    await openChannel(A, general);
    await openChannel(B, general);
    await article(B, general, 'filler message 59').waitFor();
  });

  await step('Alice attaches an image; Bob sees its thumbnail', async () => {
    const file = path.join(out, 'sunset.png');
    fs.writeFileSync(file, png(640, 400));
    await A.getByLabel('Files to attach').setInputFiles(file);
    const thumbnail = messages(B, general).getByRole('img', { name: 'sunset.png' });
    await thumbnail.waitFor();
    await B.waitForFunction(
      (name) => [...document.querySelectorAll('img')].some((i) => i.alt === name && i.complete && i.naturalWidth > 0),
      'sunset.png',
    );
    const size = await thumbnail.evaluate((i) => ({ w: i.naturalWidth, h: i.naturalHeight }));
    if (size.w > 256 || size.h > 256 || size.w < 100) throw new Error(`the thumbnail is ${size.w}×${size.h}, expected at most 256 px a side`);
    if (Math.abs(size.w / size.h - 640 / 400) > 0.05) throw new Error(`the thumbnail lost the aspect ratio: ${size.w}×${size.h}`);
    await shot(B, '01-attachment-thumbnail');
  });

  await step('Bob reacts; Alice sees the count, joins it, and Bob sees two', async () => {
    await send(general, 'react to this one');
    const target = article(B, general, 'react to this one');
    await target.waitFor();
    // A message without reactions has no reaction row, only "Add reaction" among its actions.
    if ((await target.getByRole('button', { name: /\d+ reactions?(, including yours)?$/ }).count()) !== 0) throw new Error('a message without reactions shows reaction chips');
    await target.hover();
    await target.getByRole('button', { name: 'Add reaction' }).click();
    await B.getByRole('menu', { name: 'Pick a reaction' }).getByRole('menuitem').first().click();
    const chipOnA = article(A, general, 'react to this one').getByRole('button', { name: /1 reaction$/ });
    await chipOnA.waitFor();
    await chipOnA.click();
    await article(A, general, 'react to this one').getByRole('button', { name: /2 reactions, including yours/ }).waitFor();
    const chipOnB = article(B, general, 'react to this one').getByRole('button', { name: /2 reactions, including yours/ });
    await chipOnB.waitFor();
    // The last message grew a reaction row while Bob was at the bottom: the row stays in view.
    const logOnB = B.getByRole('log', { name: /^Messages in #/ });
    await until(async () => {
      const [chip, log] = [await chipOnB.boundingBox(), await logOnB.boundingBox()];
      return chip && log && chip.y + chip.height <= log.y + log.height + 1;
    }, 'the new reaction row to stay in view at the bottom of the log');
    await shot(B, '02-reactions');
  });

  await step('Alice pins a message; Bob sees it in the pin list', async () => {
    await send(general, 'pin me please');
    const target = article(A, general, 'pin me please');
    await target.waitFor();
    await target.hover();
    await target.getByRole('button', { name: 'Pin message' }).click();
    await article(B, general, 'pin me please').getByText('pinned').waitFor();
    await B.getByRole('button', { name: 'Pinned messages', exact: true }).click();
    await B.getByRole('region', { name: 'Pinned messages' }).getByRole('article', { name: 'Alice: pin me please' }).waitFor();
    await shot(B, '03-pins');
    await B.getByRole('button', { name: 'Close pinned messages' }).click();
  });

  await step('Bob searches and jumps to a result 60 messages back', async () => {
    await B.getByRole('searchbox', { name: 'Search messages' }).fill('needle');
    await B.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
    const result = B.getByRole('region', { name: 'Search results' }).getByRole('button', { name: 'Alice: the haystack hides one needle' });
    await result.waitFor();
    await shot(B, '04-search-results');
    await result.click();
    const found = article(B, general, 'the haystack hides one needle');
    await found.waitFor();
    await B.waitForFunction(() => document.querySelector('article.message.highlighted')?.textContent?.includes('haystack'));
    if (!(await found.isVisible())) throw new Error('the search result is not scrolled into view');
    await shot(B, '05-search-jump');
  });

  await step('notification level "none": no badges for a plain message nor a mention', async () => {
    await openChannel(B, quiet);
    await setCommunityLevel(B, 'Nothing');
    await send(news, 'plain news');
    await send(general, `<@${bob.id}> are you around?`);
    await send(quiet, 'sentinel after both');
    await article(B, quiet, 'sentinel after both').waitFor();
    for (const channel of [news, general]) {
      if ((await channelLink(B, channel).getByTestId('unread-badge').count()) !== 0) throw new Error(`#${channel.name} shows a badge at level none`);
    }
    await shot(B, '06-level-none');
  });

  await step('level "mentions": the mention shows, the plain message does not', async () => {
    await setCommunityLevel(B, 'Only mentions');
    const badge = channelLink(B, general).getByTestId('unread-badge');
    await badge.waitFor();
    if (!(await badge.evaluate((e) => e.className === 'badge' && e.textContent.startsWith('1')))) throw new Error(`the mention badge reads "${await badge.textContent()}"`);
    if ((await channelLink(B, news).getByTestId('unread-badge').count()) !== 0) throw new Error('#news shows a badge at level mentions');
    await shot(B, '07-level-mentions');
  });

  await step('level "all": the plain message shows too', async () => {
    await setCommunityLevel(B, 'All messages');
    await channelLink(B, news).getByTestId('unread-badge').waitFor();
    await shot(B, '08-level-all');
  });

  await step('the mention is in the inbox; opening it clears the badge', async () => {
    await B.getByRole('button', { name: 'Mentions', exact: true }).click();
    const item = B.getByRole('region', { name: 'Mentions' }).getByRole('button', { name: /^Alice in #general in Message Club: / });
    await item.waitFor();
    await shot(B, '09-mentions-inbox');
    await item.click();
    await article(B, general, 'are you around?').waitFor();
    await channelLink(B, general).getByTestId('unread-badge').waitFor({ state: 'detached' });
    await shot(B, '10-after-jump');
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
  console.error(`MESSAGES E2E FAILED:\n${failures.join('\n')}\n--- front door output ---\n${server.output.slice(-60).join('\n')}`);
  process.exit(1);
}
log(`messages e2e passed; screenshots in ${out}`);

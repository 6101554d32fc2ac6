// End-to-end encryption in real browsers: three people in headless Chromium, each in an isolated browser context of
// its own (Alice, Bob, Carol: own storage, keys and device). Alice makes an
// encrypted group with Bob and Carol; they exchange messages; Alice and Bob compare safety numbers; Alice removes
// Carol from the encrypted group and Carol cannot decrypt the next message; Alice and Bob talk in an encrypted voice
// channel. The .NET test (WebE2eeTests) then searches PostgreSQL for the sentences.
//   CHAOS_E2E_URL=http://127.0.0.1:PORT  CHAOS_E2E_OUT=./test-results/e2ee
//   CHAOS_E2E_SENTENCES='["…","…","…"]' (three sentences to send)
// Exit code 0 when every step passed; screenshots in CHAOS_E2E_OUT.
import { MEDIA_ARGS, launchChromium, logIn, outputDir, restClient, screenshotter, timedLog, timeoutFromEnv, until as untilMet, watchPage } from './lib.mjs';

const url = process.env.CHAOS_E2E_URL;
if (!url) throw new Error('CHAOS_E2E_URL is required');
const out = outputDir('e2ee');
const T = timeoutFromEnv(45_000);
const [s1, s2, s3, s4] = JSON.parse(process.env.CHAOS_E2E_SENTENCES ?? '["The owl flies at midnight","Bring the blue umbrella","Carol must not read this line","Only Bob reads this"]');
const log = timedLog('e2ee');
const failures = [];
const rest = restClient(url);

// Three friends and a community with an encrypted voice channel.
const suffix = Date.now().toString(36).slice(-5);
const users = [];
for (const name of ['Alice', 'Bob', 'Carol']) {
  const username = `${name.toLowerCase()}_e${suffix}`;
  const auth = await rest('POST', '/auth/register', null, { username, password: 'correct horse battery', displayName: name });
  users.push({ username, password: 'correct horse battery', displayName: name, id: auth.user.id, token: auth.accessToken });
}
const [alice, bob, carol] = users;
for (const [a, b] of [[alice, bob], [alice, carol], [bob, carol]]) {
  await rest('PUT', `/users/@me/relationships/${b.id}`, a.token, { type: 'friend' });
  await rest('PUT', `/users/@me/relationships/${a.id}`, b.token, { type: 'friend' });
}
const community = await rest('POST', '/communities', alice.token, { name: 'Secret Club' });
const voice = await rest('POST', `/communities/${community.id}/channels`, alice.token, { name: 'Whispers', type: 'voice', e2ee: true });
const invite = await rest('POST', `/communities/${community.id}/invites`, alice.token, { maxUses: 0 });
await rest('POST', `/invites/${invite.code}`, bob.token);
log('set up', community.id, voice.id);

const shot = screenshotter(out);
/** Waits for `f` with a deadline; a failing read (a request in flight while the page changes) counts as "not yet". */
const until = (what, f, timeout = T) => untilMet(what, () => f().catch(() => false), timeout);

// One Chromium, one isolated context (own storage, IndexedDB keys and device) per person.
const browser = await launchChromium(MEDIA_ARGS);

const open = {};
async function openBrowser(user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', permissions: ['microphone'] });
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  watchPage(page, user.displayName, failures, log);
  // For the diagnosis of a failed step: the page's errors and refused requests, in the run's log.
  page.on('console', (m) => { if (m.type() === 'error') log(`${user.displayName} console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) log(`${user.displayName} ${r.request().method()} ${new URL(r.url()).pathname} -> ${r.status()}`); });
  await logIn(page, url, user.username, user.password);
  open[user.displayName] = page;
  // The device is registered (with its key packages) before the gateway connects.
  await until(`${user.displayName}'s device`, async () => (await rest('GET', `/users/${user.id}/devices`, user.token)).length === 1);
  return page;
}

const step = async (name, f) => {
  log(name);
  try {
    await f();
  } catch (e) {
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    // What each person saw when the step failed.
    for (const [who, page] of Object.entries(open)) await shot(page, `failed-${who}`).catch(() => {});
    throw e;
  }
};

let exit = 1;
try {
  const [pa, pb, pc] = [await openBrowser(alice), await openBrowser(bob), await openBrowser(carol)];

  await step('Alice creates an encrypted group with Bob and Carol', async () => {
    await pa.getByRole('button', { name: 'New group chat' }).click();
    const dialog = pa.getByRole('dialog', { name: 'New group chat' });
    await dialog.getByLabel('Bob').check();
    await dialog.getByLabel('Carol').check();
    await dialog.getByLabel(/End-to-end encrypted/).check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await pa.getByRole('status').filter({ hasText: 'End-to-end encrypted' }).waitFor();
  });

  const openGroup = async (page, title) => {
    await page.getByRole('navigation', { name: 'Contacts' }).getByRole('link', { name: new RegExp(`^${title}.*encrypted`) }).click();
    await page.getByRole('status').filter({ hasText: 'End-to-end encrypted' }).waitFor();
  };

  await step('the first message arrives decrypted in Bob\'s and Carol\'s browsers', async () => {
    await pa.getByRole('textbox', { name: /^Message / }).fill(s1);
    await pa.getByRole('textbox', { name: /^Message / }).press('Enter');
    await pa.getByRole('log').getByText(s1).waitFor();
    await openGroup(pb, 'Alice, Carol');
    await openGroup(pc, 'Alice, Bob');
    await pb.getByRole('log').getByText(s1).waitFor();
    await pc.getByRole('log').getByText(s1).waitFor();
    await shot(pb, '01-bob-reads-encrypted-group');
  });

  await step('Bob answers; Alice reads it', async () => {
    await pb.getByRole('textbox', { name: /^Message / }).fill(s2);
    await pb.getByRole('textbox', { name: /^Message / }).press('Enter');
    await pa.getByRole('log').getByText(s2).waitFor();
    await pc.getByRole('log').getByText(s2).waitFor();
    await shot(pa, '02-alice-reads-bob');
  });

  await step('Alice opens an encrypted one-to-one chat with Bob; Bob reads it there', async () => {
    await pa.getByRole('button', { name: 'Encrypted chat with Bob' }).click();
    // The composer names the conversation: the group's header is encrypted too, so wait for the chat with Bob itself.
    // Exact names: a role name given as a string matches any substring, and the group's composer ("Message Bob, Carol")
    // stays on screen until the one-to-one chat's MLS group is made — a message typed there would go to the group.
    const toBob = pa.getByRole('textbox', { name: 'Message Bob', exact: true });
    await toBob.waitFor();
    await pa.getByRole('status').filter({ hasText: 'End-to-end encrypted' }).waitFor();
    await toBob.fill(s4);
    await toBob.press('Enter');
    await pa.getByRole('log', { name: 'Messages with Bob', exact: true }).getByText(s4).waitFor();
    await pb.getByRole('navigation', { name: 'Contacts' }).getByRole('link', { name: /^Alice(?!,).*encrypted/ }).click();
    await pb.getByRole('textbox', { name: 'Message Alice', exact: true }).waitFor();
    await pb.getByRole('status').filter({ hasText: 'End-to-end encrypted' }).waitFor();
    await pb.getByRole('log', { name: 'Messages with Alice', exact: true }).getByText(s4).waitFor();
    await shot(pb, '02b-bob-reads-encrypted-dm');
    if ((await pc.getByRole('log').getByText(s4).count()) !== 0) throw new Error('Carol saw the one-to-one message');
    // Back to the group for the next steps.
    await openGroup(pa, 'Bob, Carol');
    await openGroup(pb, 'Alice, Carol');
  });

  await step('Alice and Bob see the same safety number', async () => {
    await pa.getByRole('button', { name: 'Verify' }).click();
    await pb.getByRole('button', { name: 'Verify' }).click();
    const number = (page, who) => until(`${who}'s safety number`, async () => {
      const text = await page.getByLabel(`Safety number with ${who}`).textContent();
      return /^(\d{5} ){11}\d{5}$/.test(text ?? '') ? text : null;
    });
    const [ab, ba] = [await number(pa, 'Bob'), await number(pb, 'Alice')];
    if (ab !== ba) throw new Error(`safety numbers differ: ${ab} / ${ba}`);
    await shot(pa, '03-alice-verify');
    await pb.getByRole('dialog', { name: 'Verify encryption' }).getByRole('button', { name: 'Close' }).click();
  });

  await step('Alice removes Carol from the encrypted group; Carol cannot decrypt the next message', async () => {
    const dialog = pa.getByRole('dialog', { name: 'Verify encryption' });
    await dialog.getByRole('button', { name: 'Remove Carol from the encrypted group' }).click();
    await until('Carol gone from the group', async () => (await dialog.getByText('Safety number with Carol').count()) === 0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await pa.getByRole('textbox', { name: /^Message / }).fill(s3);
    await pa.getByRole('textbox', { name: /^Message / }).press('Enter');
    await pb.getByRole('log').getByText(s3).waitFor();
    await pc.getByRole('log').getByText('This message cannot be decrypted on this device.').waitFor();
    if ((await pc.getByRole('log').getByText(s3).count()) !== 0) throw new Error('Carol read a message sent after her removal');
    await shot(pc, '04-carol-cannot-decrypt');
    await shot(pb, '05-bob-after-removal');
  });

  await step('Alice and Bob speak in the encrypted voice channel', async () => {
    for (const page of [pa, pb]) {
      await page.getByRole('navigation', { name: 'Communities' }).getByRole('link', { name: 'Secret Club' }).click();
      await page.getByRole('navigation', { name: 'Channels' }).getByRole('button', { name: /Whispers/ }).click();
      await page.getByRole('status').filter({ hasText: 'End-to-end encrypted' }).waitFor();
      await page.getByRole('button', { name: 'Join voice' }).click();
      await page.getByRole('button', { name: 'Leave voice' }).waitFor();
    }
    const stats = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__chaosVoice.stats)));
    await until('encrypted frames both ways, decrypted and decoded', async () => {
      const [a, b] = [await stats(pa), await stats(pb)];
      return a.framesEncrypted > 50 && b.framesEncrypted > 50 && (a.framesReceived[bob.id] ?? 0) > 50 && (b.framesReceived[alice.id] ?? 0) > 50 && a.framesDecoded > 50 && b.framesDecoded > 50;
    }, T * 2);
    const [a, b] = [await stats(pa), await stats(pb)];
    log('voice stats', JSON.stringify({ alice: { enc: a.framesEncrypted, dec: a.framesDecoded, bad: a.framesUndecryptable }, bob: { enc: b.framesEncrypted, dec: b.framesDecoded, bad: b.framesUndecryptable } }));
    await shot(pa, '06-alice-encrypted-voice');
  });
  exit = failures.length ? 1 : 0;
} catch (e) {
  log('failed', e instanceof Error ? e.stack : String(e));
} finally {
  await browser.close().catch(() => undefined);
}
for (const f of failures) console.log('FAILURE', f);
console.log(exit === 0 ? 'E2EE-OK' : 'E2EE-FAILED');
process.exit(exit);

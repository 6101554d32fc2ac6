// Voice end-to-end: two headless Chromium browsers with fake microphones (a WAV file) in one voice room, then voice
// messages. Also measures mouth-to-ear latency added by CHAOS and the CPU of one browser in a call.
//   CHAOS_E2E_URL=http://127.0.0.1:PORT (a running front door; else CHAOS_API_DLL is started on in-memory storage)
//   CHAOS_E2E_OUT=./test-results/voice  CHAOS_E2E_SETUP=<json from the .NET test: users, community and channel ids>
// Prints one line `VOICE-METRICS {json}`. Exit code 0 when every step passed.
import fs from 'node:fs';
import path from 'node:path';
import { FrontDoor } from './server.mjs';
import { MEDIA_ARGS, axe as runAxe, launchChromium, screenState, logIn, outputDir, restClient, screenshotter, timedLog, timeoutFromEnv, until as untilMet, watchPage } from './lib.mjs';

const out = outputDir('voice');
const T = timeoutFromEnv(45_000);
const log = timedLog('voice');

/** 10 s of a voiced, always-audible signal (a 220 Hz tone with harmonics and a syllable-like swell), 48 kHz mono. */
function fakeMicrophone(file) {
  const rate = 48000;
  const n = rate * 10;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const env = 0.55 + 0.45 * Math.sin(2 * Math.PI * 3 * t);
    const v = env * (0.5 * Math.sin(2 * Math.PI * 220 * t) + 0.25 * Math.sin(2 * Math.PI * 440 * t) + 0.1 * Math.sin(2 * Math.PI * 660 * t));
    buf.writeInt16LE(Math.round(v * 0.6 * 32767), 44 + i * 2);
  }
  fs.writeFileSync(file, buf);
}

async function axe(page, label) {
  const { serious } = await runAxe(page);
  if (serious.length) throw new Error(`axe on ${label}: ${serious[0]}`);
}

const wav = path.join(out, 'fake-microphone.wav');
fakeMicrophone(wav);

let server = null;
let url = process.env.CHAOS_E2E_URL;
if (!url) {
  server = new FrontDoor({ dll: process.env.CHAOS_API_DLL ?? path.resolve('../../api/bin/Debug/net10.0/Chaos.Api.dll'), connectionString: process.env.CHAOS_E2E_CONNECTION });
  await server.init();
  await server.start();
  url = server.url;
}
log('front door', url);

const rest = restClient(url);

/** Users, a community with a second voice channel, and everyone in it (unless the .NET test made them). */
async function setUp() {
  if (process.env.CHAOS_E2E_SETUP) return JSON.parse(process.env.CHAOS_E2E_SETUP);
  const suffix = Date.now().toString(36).slice(-5);
  const users = [];
  for (const name of ['Alice', 'Bob']) {
    const username = `${name.toLowerCase()}_v${suffix}`;
    const auth = await rest('POST', '/auth/register', null, { username, password: 'correct horse battery', displayName: name });
    users.push({ username, password: 'correct horse battery', displayName: name, id: auth.user.id, token: auth.accessToken });
  }
  const community = await rest('POST', '/communities', users[0].token, { name: 'Voice Club' });
  await rest('POST', `/communities/${community.id}/channels`, users[0].token, { name: 'Quiet room', type: 'voice' });
  const invite = await rest('POST', `/communities/${community.id}/invites`, users[0].token, { maxUses: 0 });
  await rest('POST', `/invites/${invite.code}`, users[1].token);
  const voice = community.channels.find((c) => c.type === 'voice').id;
  const text = community.channels.find((c) => c.type === 'text').id;
  return { users, communityId: community.id, voiceChannelId: voice, textChannelId: text };
}

const setup = await setUp();
const [alice, bob] = setup.users;
const failures = [];
const metrics = {};
const browsers = [];

const descendants = (root) => {
  const parents = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const result = new Set();
  const walk = (p) => {
    for (const [child, parent] of parents) if (parent === p && !result.has(child)) (result.add(child), walk(child));
  };
  walk(root);
  return result;
};
const cpuTicks = (pids) => {
  let sum = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return sum;
};

async function openBrowser(user) {
  const before = descendants(process.pid);
  // A browser of its own per person (not a context): the CPU of one browser in a call is measured from its processes.
  const browser = await launchChromium([...MEDIA_ARGS, `--use-file-for-fake-audio-capture=${wav}`]);
  browsers.push(browser);
  const pids = [...descendants(process.pid)].filter((p) => !before.has(p));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['microphone'] });
  await context.addInitScript(() => localStorage.setItem('chaos.voice.processing', 'false'));
  const page = await context.newPage();
  page.setDefaultTimeout(T);
  watchPage(page, user.displayName, failures, log);
  await logIn(page, url, user.username, user.password);
  return { browser, context, page, rootPids: pids };
}

const stats = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__chaosVoice.stats)));
const epochIn = (page) => page.evaluate(() => performance.timeOrigin + performance.now());
const until = (what, f, timeout = T) => untilMet(what, f, timeout);
/** Waits until `count` stops changing for `quietMs` (it "stopped"); answers the settled value. */
async function settles(what, count, quietMs = 1500, timeout = T) {
  const deadline = Date.now() + timeout;
  let last = await count();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return last;
    if (Date.now() > deadline) throw new Error(`${what} never stopped increasing`);
  }
}
/** This page's clock minus this process's (pages of different browsers may disagree by milliseconds). */
async function clockOffset(page) {
  let best = null;
  for (let i = 0; i < 7; i++) {
    const t0 = Date.now();
    const e = await epochIn(page);
    const t1 = Date.now();
    if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: e - (t0 + t1) / 2 };
  }
  return best.offset;
}
const heard = (page, userId) => stats(page).then((s) => s.framesReceived[userId] ?? 0);
const shot = screenshotter(out);
const step = async (name, f) => {
  log(name);
  await f();
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

let A;
let B;
try {
  A = await openBrowser(alice);
  B = await openBrowser(bob);
  const voiceUrl = `${url}/channels/${setup.communityId}/${setup.voiceChannelId}`;
  const participants = (page) => page.getByRole('list', { name: /^Participants in / });
  const participant = (page, user) => participants(page).getByRole('listitem').filter({ hasText: user.displayName });

  await step('both join the voice channel and see each other', async () => {
    for (const { page } of [A, B]) {
      await page.goto(voiceUrl);
      await page.getByRole('button', { name: 'Join voice' }).click();
      await page.getByRole('button', { name: 'Leave voice' }).waitFor();
    }
    for (const { page } of [A, B]) for (const u of [alice, bob]) await participant(page, u).waitFor();
  });

  await step('each receives the other\'s frames, decodes sound (not silence) and plays it', async () => {
    await until('Alice to hear 100 frames of Bob', async () => (await heard(A.page, bob.id)) >= 100);
    await until('Bob to hear 100 frames of Alice', async () => (await heard(B.page, alice.id)) >= 100);
    // Received is not yet decoded: the playout loop decodes a frame only when its turn to be scheduled comes.
    for (const [who, { page }] of [['Alice', A], ['Bob', B]]) {
      let s = null;
      await until(`${who} to decode 50 frames that carry sound and schedule 50 for playback`, async () => {
        s = await stats(page);
        return s.framesNonSilent >= 50 && s.framesPlayed >= 50;
      }).catch((e) => {
        throw new Error(`${e.message} (decoded ${s?.framesDecoded}, with sound ${s?.framesNonSilent}, scheduled ${s?.framesPlayed})`);
      });
    }
    await participant(A.page, bob).and(A.page.locator('[data-speaking="true"]')).waitFor();
    await shot(A.page, 'voice-01-room');
    await axe(A.page, 'the voice room');
  });

  await step('this browser\'s Opus decoder conceals a lost packet (the empty-frame packet the jitter buffer uses)', async () => {
    const r = await A.page.evaluate(async () => {
      const packets = [];
      const enc = new AudioEncoder({ output: (c) => { const u = new Uint8Array(c.byteLength); c.copyTo(u); packets.push(u); }, error: () => undefined });
      enc.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 1, bitrate: 32000, opus: { frameDuration: 20000 } });
      for (let f = 0; f < 6; f++) {
        const s = new Float32Array(960).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * (f * 960 + i)) / 48000));
        enc.encode(new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 960, numberOfChannels: 1, timestamp: f * 20000, data: s }));
      }
      await enc.flush();
      const levels = [];
      let error = null;
      const dec = new AudioDecoder({ output: (d) => { const s = new Float32Array(d.numberOfFrames); d.copyTo(s, { planeIndex: 0, format: 'f32-planar' }); levels.push(Math.sqrt(s.reduce((a, x) => a + x * x, 0) / s.length)); d.close(); }, error: (e) => (error = String(e)) });
      dec.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 1 });
      for (let i = 0; i < 4; i++) dec.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 20000, data: packets[i] }));
      dec.decode(new EncodedAudioChunk({ type: 'key', timestamp: 80000, data: new Uint8Array([packets[3][0] & 0xfc]) }));
      await dec.flush().catch((e) => (error ??= String(e)));
      return { levels, error };
    });
    if (r.error || r.levels.length !== 5 || !(r.levels[4] > 0.05)) throw new Error(`no concealment: ${JSON.stringify(r)}`);
    metrics.concealedFrameRms = +r.levels[4].toFixed(3);
  });

  await step('measure: mouth-to-ear latency added by CHAOS, and one browser\'s CPU in a call', async () => {
    await new Promise((r) => setTimeout(r, 3000));
    const [offsetA, offsetB] = [await clockOffset(A.page), await clockOffset(B.page)];
    metrics.clockOffsetMs = +(offsetB - offsetA).toFixed(1);
    const sent = new Map((await stats(A.page)).sendTrace.map(([seq, at]) => [seq, at - offsetA]));
    const played = (await stats(B.page)).playTrace.filter(([u]) => u === alice.id).map(([u, seq, at]) => [u, seq, at - offsetB]);
    const latencies = played.filter(([, seq]) => sent.has(seq)).map(([, seq, at]) => at - sent.get(seq)).slice(-500);
    metrics.latencyMs = { samples: latencies.length, p50: +percentile(latencies, 50).toFixed(1), p95: +percentile(latencies, 95).toFixed(1), max: +Math.max(...latencies).toFixed(1) };
    const pids = new Set(A.rootPids.flatMap((p) => [p, ...descendants(p)]));
    const hz = 100;
    const t0 = cpuTicks(pids);
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    metrics.browserCpuPercentOfOneCore = +((((cpuTicks(pids) - t0) / hz) / ((Date.now() - w0) / 1000)) * 100).toFixed(1);
    const b = await stats(B.page);
    metrics.receiver = { framesDecoded: b.framesDecoded, framesConcealed: b.framesConcealed, framesRepeated: b.framesRepeated };
    metrics.loadAverage = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    log('latency', JSON.stringify(metrics.latencyMs), 'cpu', metrics.browserCpuPercentOfOneCore, '% load', metrics.loadAverage);
    if (latencies.length < 50) throw new Error(`only ${latencies.length} frames could be matched for latency`);
  });

  await step('mute: Alice\'s frames stop reaching Bob; Bob sees her muted; unmute resumes', async () => {
    const [offsetA, offsetB] = [await clockOffset(A.page), await clockOffset(B.page)];
    const clickAt = (await epochIn(A.page)) - offsetA;
    await A.page.getByRole('button', { name: 'Mute' }).click();
    await A.page.getByRole('button', { name: 'Mute', pressed: true }).waitFor();
    await settles('Bob hearing Alice after the mute', () => heard(B.page, alice.id));
    const last = (await stats(B.page)).lastReceivedFrom[alice.id] - offsetB;
    metrics.muteToLastFrameMs = +(last - clickAt).toFixed(1);
    await participant(B.page, alice).filter({ hasText: 'Muted' }).waitFor();
    const before = await heard(B.page, alice.id);
    await new Promise((r) => setTimeout(r, 1000));
    if ((await heard(B.page, alice.id)) !== before) throw new Error('frames still arrive while muted');
    await A.page.getByRole('button', { name: 'Mute' }).click();
    await A.page.getByRole('button', { name: 'Mute', pressed: false }).waitFor();
    await until('Alice\'s frames to come back', async () => (await heard(B.page, alice.id)) >= before + 50);
  });

  await step('deafen: Bob stops receiving and playing; undeafen resumes', async () => {
    await B.page.getByRole('button', { name: 'Deafen' }).click();
    await B.page.getByRole('button', { name: 'Deafen', pressed: true }).waitFor();
    const played = await settles('Bob playing audio after deafening', () => stats(B.page).then((s) => s.framesPlayed));
    const sentBefore = (await stats(A.page)).framesSent;
    await until('Alice to keep sending', async () => (await stats(A.page)).framesSent >= sentBefore + 50);
    if ((await stats(B.page)).framesPlayed !== played) throw new Error('Bob played audio while deafened');
    await participant(A.page, bob).filter({ hasText: 'Deafened' }).waitFor();
    await B.page.getByRole('button', { name: 'Deafen' }).click();
    await B.page.getByRole('button', { name: 'Deafen', pressed: false }).waitFor();
    await until('Bob to play again', async () => (await stats(B.page)).framesPlayed >= played + 50);
  });

  await step('push to talk: nothing is sent until the key is held', async () => {
    await A.page.getByRole('radio', { name: 'Push to talk' }).check();
    await A.page.evaluate(() => document.activeElement?.blur());
    const quiet = await settles('Bob hearing Alice in push-to-talk mode', () => heard(B.page, alice.id));
    await A.page.keyboard.down('Backquote');
    await until('Alice to be heard while holding the key', async () => (await heard(B.page, alice.id)) >= quiet + 25);
    await A.page.keyboard.up('Backquote');
    await settles('Bob hearing Alice after the key is released', () => heard(B.page, alice.id));
    await A.page.getByRole('radio', { name: 'Voice activity' }).check();
  });

  await step('a dropped connection: Alice\'s voice socket dies, the engine rejoins and audio flows both ways again', async () => {
    const heardByBob = await heard(B.page, alice.id);
    const heardByAlice = await heard(A.page, bob.id);
    await A.page.evaluate(() => window.__chaosVoice.dropConnection());
    await until('Bob to hear Alice after her reconnect', async () => (await heard(B.page, alice.id)) >= heardByBob + 100, 90_000);
    await until('Alice to hear Bob after her reconnect', async () => (await heard(A.page, bob.id)) >= heardByAlice + 100, 90_000);
    await A.page.getByRole('button', { name: 'Leave voice' }).waitFor();
  });

  await step('per-participant volume and the moderator menu: server mute, then disconnect', async () => {
    await participant(A.page, bob).getByLabel(`Volume for ${bob.displayName}`).fill('50');
    await A.page.getByRole('button', { name: `Voice options for ${bob.displayName}` }).click();
    await A.page.getByRole('menuitem', { name: 'Server mute' }).click();
    await participant(B.page, bob).filter({ hasText: 'Server muted' }).waitFor();
    await settles('Alice hearing Bob after the server mute', () => heard(A.page, bob.id));
    await shot(A.page, 'voice-02-moderation');
    await A.page.getByRole('button', { name: `Voice options for ${bob.displayName}` }).click();
    await A.page.getByRole('menuitem', { name: 'Disconnect' }).click();
    await B.page.getByRole('button', { name: 'Join voice' }).waitFor();
    await participant(A.page, bob).waitFor({ state: 'detached' });
    await A.page.getByRole('button', { name: 'Leave voice' }).click();
    await A.page.getByRole('button', { name: 'Join voice' }).waitFor();
  });

  await step('voice messages: click-to-record in one browser, plays in the other with the same duration', async () => {
    const textUrl = `${url}/channels/${setup.communityId}/${setup.textChannelId}`;
    await A.page.goto(textUrl);
    await B.page.goto(textUrl);
    const record = A.page.getByRole('button', { name: 'Record voice message' });
    await record.click();
    await A.page.getByRole('timer', { name: 'Recording duration' }).filter({ hasText: '0:02' }).waitFor();
    await A.page.getByRole('button', { name: 'Stop and send voice message' }).click();
    await record.waitFor();
    const recordedMs = (await stats(A.page)).lastRecordingMs;
    const log = B.page.getByRole('log', { name: /^Messages in #/ });
    const message = log.getByRole('article').filter({ has: B.page.getByRole('button', { name: 'Play' }) }).last();
    await message.getByRole('button', { name: 'Play' }).click();
    await message.getByRole('button', { name: 'Pause' }).or(message.getByRole('button', { name: 'Play' })).first().waitFor();
    const playbackMs = await until('Bob to decode the voice message', async () => (await stats(B.page)).lastPlaybackMs || null);
    metrics.voiceMessage = { recordedMs: +recordedMs.toFixed(1), playbackMs: +playbackMs.toFixed(1) };
    if (Math.abs(playbackMs - recordedMs) > 100) throw new Error(`recorded ${recordedMs} ms, played ${playbackMs} ms`);
    await message.getByRole('slider', { name: 'Voice message position' }).waitFor();
    await shot(B.page, 'voice-03-voice-message');
    await axe(B.page, 'a voice message');
  });

  await step('voice messages: hold-to-record', async () => {
    const before = await A.page.getByRole('log', { name: /^Messages in #/ }).getByRole('button', { name: 'Play' }).count();
    const box = await A.page.getByRole('button', { name: 'Record voice message' }).boundingBox();
    await A.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await A.page.mouse.down();
    await A.page.getByRole('timer', { name: 'Recording duration' }).filter({ hasText: '0:01' }).waitFor();
    await A.page.mouse.up();
    await A.page.getByRole('button', { name: 'Record voice message' }).waitFor();
    await until('the held recording to arrive', async () => (await B.page.getByRole('log', { name: /^Messages in #/ }).getByRole('button', { name: 'Play' }).count()) > before);
  });
} catch (e) {
  failures.push(String(e?.stack ?? e));
  if (A) await shot(A.page, 'voice-failure-alice').catch(() => undefined);
  if (B) await shot(B.page, 'voice-failure-bob').catch(() => undefined);
  for (const [who, p] of [['Alice', A], ['Bob', B]]) if (p) failures.push(`${who}'s screen: ${await screenState(p.page)}`);
} finally {
  for (const b of browsers) await b.close().catch(() => undefined);
  await server?.kill();
}

console.log(`VOICE-METRICS ${JSON.stringify(metrics)}`);
if (failures.length) {
  console.error(`VOICE E2E FAILED:\n${failures.join('\n')}${server ? `\n--- front door output ---\n${server.output.slice(-40).join('\n')}` : ''}`);
  process.exit(1);
}
log('voice e2e passed');

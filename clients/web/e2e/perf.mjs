// Measures what issue 12 asks for:
//  1. first-load JavaScript (gzipped) of the built app: every script index.html loads before any lazy chunk;
//  2. scrolling a channel of 10,000 messages in headless Chromium (history is served synthetically, page by page,
//     exactly as the API pages it, so the client does its real work: 200 scroll-back loads, then a full scroll).
//   node e2e/perf.mjs            (needs the api build output; starts a standalone in-memory front door)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { FrontDoor } from './server.mjs';

const dist = path.resolve('dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]);
let gz = 0;
for (const s of scripts) gz += zlib.gzipSync(fs.readFileSync(path.join(dist, s))).length;
console.log(`first-load JS: ${scripts.length} file(s), ${(gz / 1024).toFixed(1)} KB gzipped (budget 300 KB)`);

const dll = process.env.CHAOS_API_DLL ?? path.resolve('../../api/bin/Debug/net10.0/Chaos.Api.dll');
const server = new FrontDoor({ dll });
await server.init();
await server.start();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const post = (p, body, token) =>
    fetch(server.url + '/api/v1' + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json());
  const auth = await post('/auth/register', { username: `perf_${Date.now().toString(36)}`, password: 'correct horse battery', displayName: 'Perf' });
  const community = await post('/communities', { name: 'Perf' }, auth.accessToken);
  const general = community.channels.find((c) => c.type === 'text');
  const N = 10_000;
  const author = { id: auth.user.id, username: auth.user.username, displayName: 'Perf', createdAt: auth.user.createdAt };
  const msg = (seq) => ({
    id: String(1_000_000 + seq), channelId: general.id, seq, author, content: `Message number ${seq}` + (seq % 7 === 0 ? ' with a longer text that wraps onto a second line on narrower screens, like real chat does now and then.' : ''),
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), editedAt: null, replyToId: null, nonce: null, attachments: [], mentions: [], flags: 0,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(([session]) => localStorage.setItem('chaos.session', session), [JSON.stringify({ accessToken: auth.accessToken, refreshToken: auth.refreshToken, expiresAt: auth.expiresAt, userId: auth.user.id })]);
  await context.route(`**/api/v1/channels/${general.id}/messages*`, (route) => {
    const u = new URL(route.request().url());
    const limit = Number(u.searchParams.get('limit') ?? 50);
    const before = u.searchParams.get('before');
    const after = u.searchParams.get('after');
    let end = N;
    let start = N - limit;
    if (before) {
      end = Number(before) - 1_000_000 - 1;
      start = Math.max(0, end - limit);
    } else if (after) {
      start = Number(after) - 1_000_000;
      end = Math.min(N, start + limit);
    }
    const page = [];
    for (let s = Math.max(1, start + 1); s <= end; s++) page.push(msg(s));
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(page) });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(`${server.url}/channels/${community.id}/${general.id}`);
  const log = page.getByRole('log', { name: 'Messages in #general' });
  await log.getByRole('article').filter({ hasText: `Message number ${N}` }).waitFor();
  const t0 = Date.now();
  // Scroll back to the very first message: each time the top is reached the client loads the next older page.
  await page.evaluate(async () => {
    const el = document.querySelector('[role=log]');
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline && !document.body.textContent.includes('This is the beginning of the conversation.')) {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  await page.evaluate(() => {
    document.querySelector('[role=log]').scrollTop = 0;
  });
  await log.getByRole('article').filter({ hasText: /Message number 1(?!\d)/ }).first().waitFor({ state: 'attached' }).catch(async (e) => {
    console.log('first rows:', await log.getByRole('article').evaluateAll((a) => a.slice(0, 3).map((x) => x.textContent)));
    throw e;
  });
  const loadAll = Date.now() - t0;
  // Now a steady scroll through all 10,000 from top to bottom, measuring every frame.
  const frames = await page.evaluate(async () => {
    const el = document.querySelector('[role=log]');
    const times = [];
    let last = performance.now();
    el.scrollTop = 0;
    let dom = 0;
    while (el.scrollTop + el.clientHeight < el.scrollHeight - 2) {
      el.scrollTop += 400;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      times.push(now - last);
      last = now;
      dom = Math.max(dom, el.querySelectorAll('article').length);
    }
    return { times, dom, height: el.scrollHeight };
  });
  const sorted = [...frames.times].sort((x, y) => x - y);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
  console.log(
    `10,000 messages: all loaded by scroll-back in ${(loadAll / 1000).toFixed(1)} s (200 pages); full scroll: ${frames.times.length} frames of 400 px, ` +
      `frame time p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms; at most ${frames.dom} message elements in the DOM; list height ${frames.height} px`,
  );
} finally {
  await browser.close();
  await server.kill();
}

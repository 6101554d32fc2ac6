// What the end-to-end scripts (e2ee, messages, voice, desk) share: Debian's Chromium, the output folder and timeout
// from the environment, a timed log, REST calls, logging in, screenshots, axe and waiting for a condition.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Chromium flags of every run: headless in a container, nothing fetched in the background. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Fake microphone and camera, granted without a prompt, and audio that plays without a gesture. */
export const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'];

/** Launches Debian's Chromium (CHROMIUM_PATH overrides; no browser download works here) with CHROMIUM_ARGS and `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Every wait's deadline in ms: CHAOS_E2E_TIMEOUT, else `fallback`. */
export const timeoutFromEnv = (fallback) => Number(process.env.CHAOS_E2E_TIMEOUT ?? fallback);

/** CHAOS_E2E_OUT (else test-results/<name>), created. */
export function outputDir(name) {
  const out = path.resolve(process.env.CHAOS_E2E_OUT ?? path.join('test-results', name));
  fs.mkdirSync(out, { recursive: true });
  return out;
}

/** A console logger that prefixes `[tag +seconds]` since it was made. */
export function timedLog(tag) {
  const started = Date.now();
  return (...a) => console.log(`[${tag} +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
}

/** `shot(page, name)` saves `<out>/<name>.png`. */
export const screenshotter = (out) => (page, name) => page.screenshot({ path: path.join(out, `${name}.png`) });

/**
 * `rest(method, route, token, body)` against `<baseUrl>/api/v1`: the parsed JSON answer, or an error naming the status
 * and body. A loaded machine's fresh front door can answer 503 `unavailable` for a moment (docs/api.md#errors): that is
 * retried for up to 60 s.
 */
export function restClient(baseUrl) {
  return async (method, route, token, body) => {
    const deadline = Date.now() + 60_000;
    let r;
    for (;;) {
      r = await fetch(`${baseUrl}/api/v1${route}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (r.status !== 503 || Date.now() > deadline) break;
      await r.text();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Logs `username` in on the web client's login screen at `url` and waits for the contacts list. */
export async function logIn(page, url, username, password = 'correct horse battery') {
  await page.goto(url + '/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Contacts' }).waitFor();
}

/**
 * Records a page's errors in `failures` as `<name>: …`: uncaught page errors and console lines matching `pattern`
 * (Content Security Policy reports by default). SignalR's "handshake was canceled" (a server that gave up on a slow
 * handshake on a very loaded machine; the client retries and the steps go on to check it healed) is only logged.
 */
export function watchPage(page, name, failures, log, pattern = /Content Security Policy/i) {
  page.on('pageerror', (e) => {
    if (/handshake was canceled/i.test(e.message)) log(`${name}: ${e.message} (tolerated; the client retries)`);
    else failures.push(`${name}: page error ${e.message}`);
  });
  page.on('console', (m) => {
    if (pattern.test(m.text())) failures.push(`${name}: ${m.text()}`);
  });
}

/**
 * Waits for `condition` (async, truthy when met) with a deadline, never a fixed sleep: polls every 100 ms, answers the
 * truthy value, throws "Timed out waiting for <what>" after `timeout` ms. An error thrown by the condition ends the wait.
 */
export async function until(what, condition, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe (WCAG 2.1 A and AA) on the page, or only inside `include` (a CSS selector); answers every violation and the
 * serious or critical ones, each described as `id (impact) help — first targets`.
 */
export async function axe(page, include) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (sel) => window.axe.run(sel ? { include: [sel] } : document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    include ?? null,
  );
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' | ')}`);
  return { violations: result.violations.length, serious };
}

/**
 * What a failure report needs from a page, as one line: where it is, the open log's messages and scroll position, the
 * status lines, alerts and side panels it shows.
 */
export const screenState = (page) =>
  Promise.race([
    new Promise((resolve) => setTimeout(() => resolve('(unavailable: the page did not answer in 5 s)'), 5000).unref()),
    screenStateOf(page),
  ]);

const screenStateOf = (page) =>
  page
    .evaluate(() => {
      const text = (e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 120);
      const log = document.querySelector('[role="log"]');
      return JSON.stringify({
        path: location.pathname,
        log: log?.getAttribute('aria-label') ?? null,
        articles: [...(log?.querySelectorAll('article') ?? [])].map((a) => text(a).slice(0, 50)),
        scroll: log ? { top: Math.round(log.scrollTop), height: log.scrollHeight, client: log.clientHeight } : null,
        statuses: [...document.querySelectorAll('[role="status"]')].map(text),
        alerts: [...document.querySelectorAll('[role="alert"]')].map(text),
        panels: [...document.querySelectorAll('section[aria-label]')].map((s) => `${s.getAttribute('aria-label')}: ${text(s)}`),
      });
    })
    .catch((e) => `(unavailable: ${e?.message ?? e})`);

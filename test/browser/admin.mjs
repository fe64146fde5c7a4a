#!/usr/bin/env node
// Drives the admin page (GET /admin) in headless Chromium against `wrangler dev` on the emulator,
// with the local KV namespace and KeyLedger Durable Object of wrangler.dev.toml: enters the admin
// key, creates a managed key with a budget, chats with it (from Node, as a client would), then
// checks that the spend chart draws the day's bars, and disables the key. Run by `npm test`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium, launchArgs } from '../support/chromium.mjs';
import { root, startDevServer } from '../support/dev-server.mjs';

const ADMIN = `sk-admin-${Math.random().toString(36).slice(2)}`;
// Priced in the emulator's catalog (the published price), so the chart has a bar to draw.
const MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const found = await findChromium();
const userDataDir = mkdtempSync(join(tmpdir(), 'admin-test-profile-'));
const server = await startDevServer(['AI_TRANSPORT:emulator', `ADMIN_API_KEY:${ADMIN}`]);
const base = server.url;

let browser;
let failed = false;
const step = (name) => console.log(`admin page test: ${name}`);
const chat = (secret) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello from the admin page test' }] }),
  });
try {
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: found.executablePath,
    env: found.env,
    args: launchArgs(userDataDir).filter((a) => !a.startsWith('--user-data-dir=')),
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const problems = [];
  // Offline: the page may load nothing but the Worker itself (no CDN, no font, no analytics).
  await browser.route((url) => url.origin !== new URL(base).origin && url.protocol !== 'data:', (route) => {
    problems.push(`request outside the Worker: ${route.request().url()}`);
    return route.abort();
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

  await page.goto(`${base}/admin`);
  await page.fill('#admin-key', 'wrong');
  await page.click('#connect');
  await page.waitForSelector('#status.error', { timeout: 15_000 });
  step(`a wrong admin key: ${await page.textContent('#status')}`);

  await page.fill('#admin-key', ADMIN);
  await page.click('#connect');
  await page.waitForFunction(() => /key/.test(document.querySelector('#status').textContent) && !document.querySelector('#status.error'), null, { timeout: 15_000 });
  const name = `browser ${Date.now()}`;
  await page.fill('#new-name', name);
  await page.fill('#new-models', '@cf/meta/*');
  await page.fill('#new-daily', '1');
  await page.click('#create button[type=submit]');
  const secret = await page.textContent('#new-secret', { timeout: 15_000 });
  if (!/^sk-wai-/.test(secret ?? '')) throw new Error(`no secret shown: ${secret}`);
  await page.waitForFunction((n) => [...document.querySelectorAll('#keys td')].some((td) => td.textContent === n), name, { timeout: 15_000 });
  step('key created, its secret shown once, listed');

  let paid = 0;
  for (let i = 0; i < 2; i++) {
    const res = await chat(secret);
    const body = await res.json();
    if (res.status !== 200) throw new Error(`chat on the managed key: ${res.status} ${JSON.stringify(body)}`);
    paid += body.usage.cost ?? 0;
  }
  step(`two chats on the key, $${paid} in their answers`);

  const option = await page.$eval('#usage-key', (s, n) => [...s.options].find((o) => o.textContent === n)?.value, name);
  await page.selectOption('#usage-key', option);
  // The page showed every key's spend when it connected: wait for this key's report, not that one.
  await page.$eval('#usage-total', (p) => (p.textContent = ''));
  await page.click('#usage-load');
  await page.waitForFunction(() => /over 2 runs/.test(document.querySelector('#usage-total').textContent), null, { timeout: 15_000 });
  const bars = await page.locator('#chart svg rect').count();
  const legend = await page.textContent('#legend');
  if (!(paid > 0) || bars !== 1 || !legend.includes(MODEL)) throw new Error(`chart: ${bars} bars, legend ${legend}`);
  step(`spend: ${await page.textContent('#usage-total')}; chart ${bars} bar(s), legend ${legend}`);

  const row = page.locator('#keys tr', { hasText: name });
  await row.locator('button', { hasText: 'Disable' }).click();
  await page.waitForFunction((n) => [...document.querySelectorAll('#keys tr')].some((tr) => tr.textContent.includes(n) && tr.textContent.includes('disabled')), name, { timeout: 15_000 });
  const refused = await chat(secret);
  if (refused.status !== 401) throw new Error(`a disabled key answered ${refused.status}`);
  step('disabled from the page: the key now gets 401');

  mkdirSync(join(root, 'test', 'browser', 'out'), { recursive: true });
  await page.screenshot({ path: join(root, 'test', 'browser', 'out', 'admin.png'), fullPage: true });
  if (problems.length) throw new Error(problems.join('\n'));
  console.log('1 passed, 0 failed');
} catch (err) {
  failed = true;
  console.error(`admin page test failed: ${err.stack ?? err}`);
  console.log('0 passed, 1 failed');
} finally {
  await browser?.close();
  server.stop();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

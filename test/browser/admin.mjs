#!/usr/bin/env node
// Drives the admin page (GET /admin) in headless Chromium against `wrangler dev` on the emulator,
// with the local KV namespace and KeyLedger Durable Object of wrangler.dev.toml: enters the admin
// key, creates a managed key with a budget, chats with it (from Node, as a client would), then
// checks that the spend chart draws the day's bars, and disables the key. Run by `npm test`.
import { runBrowserTest } from '../support/browser.mjs';

const ADMIN = `sk-admin-${Math.random().toString(36).slice(2)}`;
// Priced in the emulator's catalog (the published price), so the chart has a bar to draw.
const MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';

await runBrowserTest({ name: 'admin', label: 'admin page test', devVars: ['AI_TRANSPORT:emulator', `ADMIN_API_KEY:${ADMIN}`] }, async ({ page, base, step, screenshot }) => {
  const chat = (secret) =>
    fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello from the admin page test' }] }),
    });

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

  await screenshot('admin');
});

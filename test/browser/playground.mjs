#!/usr/bin/env node
// Drives the playground page (GET /) in headless Chromium against `wrangler dev` on the emulator:
// loads the model list, chats with streaming, generates an image. Run by `npm test`.
// Without Chromium it skips with a note, except in CI (CI=true), where it must run.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root, startDevServer } from '../support/dev-server.mjs';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(executablePath)) {
  const note = `browser test: Chromium not found at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) {
    console.error(`${note}: required in CI`);
    process.exit(1);
  }
  console.log(`${note}: skipped`);
  process.exit(0);
}

const server = await startDevServer(['AI_TRANSPORT:emulator']);
const base = server.url;

let browser;
let failed = false;
const step = (name) => console.log(`browser test: ${name}`);
try {
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));

  await page.goto(`${base}/`);
  step('page loaded');
  await page.waitForFunction(() => document.querySelectorAll('#chat-model option').length > 0, null, { timeout: 15_000 });
  const models = await page.$$eval('#chat-model option', (o) => o.map((x) => x.value));
  if (!models.includes('@cf/meta/llama-3.1-8b-instruct')) throw new Error(`chat models not listed: ${models.join(', ')}`);
  step(`${models.length} chat models listed`);

  await page.selectOption('#chat-model', '@cf/meta/llama-3.1-8b-instruct');
  await page.fill('#prompt', 'Hello from the browser test');
  await page.click('#send');
  await page.waitForFunction(() => !document.querySelector('#send').disabled && document.querySelector('.assistant, .error'), null, { timeout: 15_000 });
  const answer = await page.textContent('#transcript .assistant:last-of-type');
  if (!answer || !/synthetic/i.test(answer)) throw new Error(`no streamed answer: ${JSON.stringify(answer)} / ${await page.textContent('#transcript')}`);
  step(`streamed answer: ${answer.slice(0, 60)}…`);

  const imageModels = await page.$$eval('#image-model option', (o) => o.map((x) => x.value));
  if (imageModels.length) {
    await page.fill('#image-prompt', 'a lighthouse');
    await page.click('#generate');
    await page.waitForFunction(() => document.querySelector('#images img')?.complete || document.querySelector('#images.error'), null, { timeout: 15_000 });
    const width = await page.$eval('#images img', (img) => img.naturalWidth).catch(() => 0);
    if (!width) throw new Error(`image not rendered: ${await page.textContent('#images')}`);
    step(`image generated (${width}px wide)`);
  } else {
    step('no image models listed: image generation not exercised');
  }

  mkdirSync(join(root, 'test', 'browser', 'out'), { recursive: true });
  await page.screenshot({ path: join(root, 'test', 'browser', 'out', 'playground.png'), fullPage: true });
  await page.goto(`${base}/docs`);
  const heading = await page.textContent('h1');
  step(`docs page: ${heading}`);
  if (problems.length) throw new Error(problems.join('\n'));
  console.log('1 passed, 0 failed');
} catch (err) {
  failed = true;
  console.error(`browser test failed: ${err.stack ?? err}`);
  console.log('0 passed, 1 failed');
} finally {
  await browser?.close();
  server.stop();
}
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// Drives the playground page (GET /) in headless Chromium against `wrangler dev` on the emulator:
// loads the model list, chats with streaming, generates an image. Run by `npm test`.
// The browser is the Chromium inside the npm package @sparticuz/chromium (nothing to install), or
// the one CHROMIUM_PATH names (test/support/chromium.mjs).
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { runBrowserTest } from '../support/browser.mjs';

const options = { name: 'playground', label: 'browser test', devVars: ['AI_TRANSPORT:emulator'], allowProtocols: ['data:', 'blob:'], consoleErrors: true };
await runBrowserTest(options, async ({ context, page, base, found, step, screenshot }) => {
  // Which executable really runs, and where its NSS comes from: the kernel's word for it
  // (/proc/<pid>/exe and /proc/<pid>/maps of this process's children).
  const children = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .map((pid) => { try { return { pid, ppid: readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1], exe: readlinkSync(`/proc/${pid}/exe`) }; } catch { return null; } })
    .filter((p) => p && p.ppid === String(process.pid) && !p.exe.endsWith('/node'));
  const nss = children.flatMap((p) => { try { return readFileSync(`/proc/${p.pid}/maps`, 'utf8').split('\n').map((l) => l.split(/\s+/)[5]).filter((f) => f?.endsWith('/libnss3.so')); } catch { return []; } });
  step(`browser: ${found.source}, version ${context.browser()?.version() ?? '?'}, running ${[...new Set(children.map((p) => p.exe))].join(', ') || '(not seen in /proc)'}, libnss3 from ${[...new Set(nss)].join(', ') || '?'}`);
  // (A CHROMIUM_PATH may be a wrapper script that execs the real binary: checked for the package only.)
  if (found.source !== 'CHROMIUM_PATH' && !children.some((p) => p.exe === realpathSync(found.executablePath))) {
    throw new Error(`expected ${found.executablePath} to run, saw ${children.map((p) => p.exe).join(', ')}`);
  }

  await page.goto(`${base}/`);
  step('page loaded');
  await page.waitForFunction(() => document.querySelectorAll('#chat-model option').length > 0, null, { timeout: 15_000 });
  const models = await page.$$eval('#chat-model option', (o) => o.map((x) => x.value));
  if (!models.includes('@cf/meta/llama-3.1-8b-instruct-fast')) throw new Error(`chat models not listed: ${models.join(', ')}`);
  step(`${models.length} chat models listed`);

  await page.selectOption('#chat-model', '@cf/meta/llama-3.1-8b-instruct-fast');
  await page.fill('#prompt', 'Hello from the browser test');
  await page.click('#send');
  await page.waitForFunction(() => !document.querySelector('#send').disabled && document.querySelector('.assistant, .error'), null, { timeout: 15_000 });
  const answer = await page.textContent('#transcript .assistant:last-of-type');
  if (!answer || !/synthetic/i.test(answer)) throw new Error(`no streamed answer: ${JSON.stringify(answer)} / ${await page.textContent('#transcript')}`);
  step(`streamed answer: ${answer.slice(0, 60)}…`);

  // One more turn, waiting for the n-th answer.
  const turn = async (model, prompt, image) => {
    const before = await page.locator('#transcript .assistant, #transcript .error').count();
    await page.selectOption('#chat-model', model);
    if (image) {
      await page.setInputFiles('#chat-image', image);
      await page.waitForSelector('#attached img', { timeout: 5_000 });
    }
    await page.fill('#prompt', prompt);
    const sent = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions') && r.method() === 'POST');
    await page.click('#send');
    const body = (await sent).postDataJSON();
    const content = body.messages.at(-1).content;
    if (image && !(Array.isArray(content) && content.some((p) => p.type === 'image_url' && p.image_url.url.startsWith('data:image/png;base64,')))) {
      throw new Error(`the image was not sent: ${JSON.stringify(content).slice(0, 200)}`);
    }
    await page.waitForFunction((n) => !document.querySelector('#send').disabled && document.querySelectorAll('#transcript .assistant, #transcript .error').length > n, before, { timeout: 15_000 });
    const last = page.locator('#transcript .assistant, #transcript .error').last();
    if ((await last.getAttribute('class')) === 'error') throw new Error(`chat error with ${model}: ${await last.textContent()}`);
    return last.textContent();
  };

  // Reasoning shown apart: qwq's <think> block goes to the folded "Reasoning", not into the answer.
  const reasoned = await turn('@cf/qwen/qwq-32b', 'Think first, then answer');
  const reasoning = await page.locator('#transcript details.reasoning:not([hidden])').last().textContent().catch(() => '');
  if (!reasoning || reasoning.replace('Reasoning', '').trim().length < 5) throw new Error(`no reasoning shown apart: ${JSON.stringify(reasoning)}`);
  if (/<\/?think>/.test(reasoned) || reasoned.includes(reasoning.replace('Reasoning', '').trim().slice(0, 20))) throw new Error(`reasoning leaked into the answer: ${reasoned}`);
  step(`reasoning shown apart (${reasoning.length} chars), answer: ${reasoned.slice(0, 40)}…`);

  // An image attached to the message, for a vision model.
  const dot = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const described = await turn('@cf/meta/llama-4-scout-17b-16e-instruct', 'What is in this image?', { name: 'dot.png', mimeType: 'image/png', buffer: dot });
  if (!(await page.locator('#transcript .user img').count())) throw new Error('the attached image is not shown in the transcript');
  step(`image sent to a vision model: ${described.slice(0, 50)}…`);

  // A voice: text to speech, played from a blob: URL.
  await page.selectOption('#speech-model', '@cf/deepgram/aura-2-en');
  await page.click('#speak');
  await page.waitForSelector('#speech audio, #speech.error', { timeout: 15_000 });
  const audio = await page.$eval('#speech audio', (a) => ({ bytes: Number(a.dataset.bytes), type: a.dataset.type, src: a.src })).catch(async () => ({ error: await page.textContent('#speech') }));
  if (!(audio.bytes > 44) || audio.type !== 'audio/wav' || !audio.src.startsWith('blob:')) throw new Error(`speech: ${JSON.stringify(audio)}`);
  step(`speech: ${audio.bytes} bytes of ${audio.type}`);

  // Embeddings similarity of the two texts.
  await page.selectOption('#embedding-model', '@cf/baai/bge-base-en-v1.5');
  await page.click('#compare');
  await page.waitForSelector('#similarity[data-score], #similarity.error', { timeout: 15_000 });
  const score = Number(await page.getAttribute('#similarity', 'data-score'));
  if (!(score >= -1 && score <= 1)) throw new Error(`similarity: ${await page.textContent('#similarity')}`);
  step(`embeddings similarity: ${await page.textContent('#similarity')}`);

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

  await screenshot('playground');
  await page.goto(`${base}/docs`);
  const heading = await page.textContent('h1');
  step(`docs page: ${heading}`);
  // The reference renders from /openapi.json and sends a request with the example body.
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const tryIt = async (id) => {
    const article = page.locator(`article#${id}`);
    await article.locator('details.try > summary').click();
    await article.locator('details.try button[type=submit]').click();
    // data-done: the whole answer is in (the status line comes first, the body as it streams).
    await article.locator('.out[data-done="true"] .status').waitFor({ timeout: 15_000 });
    return { status: await article.locator('.out .status').textContent(), body: await article.locator('.out').textContent() };
  };
  const embed = await tryIt('post--v1-embeddings');
  if (!/^200 /.test(embed.status) || !/"embedding"/.test(embed.body)) throw new Error(`docs try-it (embeddings): ${embed.status} ${embed.body.slice(0, 200)}`);
  const chatTry = await tryIt('post--v1-chat-completions');
  if (!/^200 /.test(chatTry.status) || !/chat\.completion/.test(chatTry.body)) throw new Error(`docs try-it (chat): ${chatTry.status} ${chatTry.body.slice(0, 200)}`);
  const speechTry = await tryIt('post--v1-audio-speech');
  if (!/^200 .*audio\//.test(speechTry.status) || !(await page.locator('article#post--v1-audio-speech .out audio').count())) throw new Error(`docs try-it (speech): ${speechTry.status}`);
  step(`docs try-it: embeddings ${embed.status}; chat ${chatTry.status}; speech ${speechTry.status}`);
});

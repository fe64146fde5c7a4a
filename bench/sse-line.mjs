#!/usr/bin/env node
/**
 * `npm run bench:sse`: the cost of one long SSE line in src/lib/sse.ts's SseDecoder, fed in 1 KiB
 * chunks (as a network delivers it), at 1, 2.5, 5 and 10 MB, against the same bytes as 1 KiB events.
 * Linear parsing shows as a flat ms-per-MB column. Runs under the project's Node 22: src/lib/sse.ts
 * is bundled with esbuild first, since Node cannot load the project's extensionless imports.
 */
import { build } from 'esbuild';

const bundled = await build({ entryPoints: [new URL('../src/lib/sse.ts', import.meta.url).pathname], bundle: true, write: false, format: 'esm', platform: 'neutral' });
const { SseDecoder } = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

const CHUNK = 1024;
const MB = 1_000_000;
const encoder = new TextEncoder();

function feed(bytes, decoder) {
  let events = 0;
  const started = performance.now();
  for (let at = 0; at < bytes.length; at += CHUNK) decoder.push(bytes.subarray(at, at + CHUNK), () => events++);
  decoder.end(() => events++);
  return { ms: performance.now() - started, events };
}

const oneLine = (size) => encoder.encode(`data: {"response":"${'y'.repeat(size)}"}\n\n`);
const manyEvents = (size) => encoder.encode(`data: {"response":"${'y'.repeat(CHUNK - 24)}"}\n\n`.repeat(Math.ceil(size / CHUNK)));

const rows = [];
for (const size of [1 * MB, 2.5 * MB, 5 * MB, 10 * MB]) {
  const line = feed(oneLine(size), new SseDecoder({ maxEventBytes: 64 * MB }));
  const events = feed(manyEvents(size), new SseDecoder());
  rows.push({ MB: size / MB, 'one line ms': line.ms.toFixed(1), 'one line ms/MB': (line.ms / (size / MB)).toFixed(1), '1 KiB events ms': events.ms.toFixed(1), events: events.events });
}
console.table(rows);
const started = performance.now();
try {
  feed(oneLine(10 * MB), new SseDecoder());
  console.log('10 MB line at the default event cap: NOT refused');
} catch (err) {
  console.log(`10 MB line at the default event cap: ${err.name} after ${(performance.now() - started).toFixed(1)} ms`);
}

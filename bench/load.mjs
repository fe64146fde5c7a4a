#!/usr/bin/env node
/**
 * `npm run bench:load`: a bounded load, then a soak, on loopback against `wrangler dev` (emulator
 * transport: instant synthetic answers, so the proxy itself is what is measured). Mixed requests
 * (chat, chat stream, embeddings, models, and refused ones: an SSRF image URL, a 413), each read to
 * the end. Prints throughput, p50 / p99 latency and the error rate of each phase, and the isolate's
 * JS heap (V8 Runtime.getHeapUsage through wrangler's inspector, after a GC) before and after.
 * Sizes: LOAD_SECONDS (15), LOAD_CONCURRENCY (50), SOAK_SECONDS (60), SOAK_CONCURRENCY (8).
 */
import { startDevServer } from '../test/support/dev-server.mjs';

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 15);
const LOAD_CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 50);
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SOAK_CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const KEY = 'sk-bench-load';
// A live model: the 8B default's successor (llama-3.1-8b-instruct was retired on 2026-05-30 and answers 5028).
const MODEL = '@cf/meta/llama-3.1-8b-instruct-fast';

// LOAD_CONFIG: another wrangler config (a trivial Worker, to tell wrangler dev's own limits from the proxy's).
const server = await startDevServer([`PROXY_API_KEY:${KEY}`, 'LOG_REQUESTS:false', 'MAX_BODY_BYTES:65536'], process.env.LOAD_CONFIG ? { config: process.env.LOAD_CONFIG } : {});
const { inspectorPort } = server;

/** One CDP session on the Worker's isolate (wrangler's inspector proxy). */
async function inspector() {
  const deadline = Date.now() + 30_000;
  let targets = [];
  while (!targets.length && Date.now() < deadline) {
    targets = await fetch(`http://127.0.0.1:${inspectorPort}/json`).then((r) => r.json()).catch(() => []);
    if (!targets.length) await new Promise((r) => setTimeout(r, 300));
  }
  if (!targets.length) throw new Error('no inspector target');
  // wrangler's inspector proxy takes DevTools' origin only (Node's WebSocket, undici, can send one).
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl, { headers: { origin: 'https://devtools.devprod.cloudflare.dev' } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (e) => reject(new Error(`inspector: ${e.message ?? 'connection refused'}`));
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) waiting.get(msg.id)(msg);
  };
  /** A CDP call; undefined if the runtime does not answer within 5 s (a method it lacks). */
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
      setTimeout(() => resolve(undefined), 5000);
    });
  let gc = true;
  return {
    async heap() {
      // Through wrangler's inspector proxy the answer to collectGarbage comes late (only after later
      // calls, seen in a trace): then this reports "no forced GC" and the figures are without one.
      if (gc) gc = (await send('HeapProfiler.collectGarbage')) !== undefined;
      const answer = await send('Runtime.getHeapUsage');
      return answer?.result ? answer.result.usedSize / 1024 / 1024 : NaN;
    },
    gcUsed: () => gc,
    close: () => ws.close(),
  };
}

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const chat = (extra = {}) => JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say something.' }], ...extra });
/** The mix: [weight, name, request, expected status]. */
const MIX = [
  [4, 'chat', { method: 'POST', path: '/v1/chat/completions', body: chat() }, 200],
  [4, 'chat stream', { method: 'POST', path: '/v1/chat/completions', body: chat({ stream: true }) }, 200],
  [2, 'embeddings', { method: 'POST', path: '/v1/embeddings', body: JSON.stringify({ model: '@cf/baai/bge-base-en-v1.5', input: ['a', 'b'] }) }, 200],
  [2, 'models', { method: 'GET', path: '/v1/models' }, 200],
  [1, 'SSRF image URL', { method: 'POST', path: '/v1/chat/completions', body: JSON.stringify({ model: '@cf/meta/llama-4-scout-17b-16e-instruct', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://2130706433/' } }] }] }) }, 400],
  [1, '413', { method: 'POST', path: '/v1/chat/completions', body: chat({ pad: 'x'.repeat(70_000) }) }, 413],
];
/** LOAD_ONLY=name,name: only those requests of the mix (to isolate what fails). */
const only = process.env.LOAD_ONLY?.split(',');
const picks = MIX.filter((m) => !only || only.includes(m[1])).flatMap((m) => Array(m[0]).fill(m));

async function phase(name, seconds, concurrency) {
  const latencies = [];
  let errors = 0;
  /** What went wrong, by request and outcome (a status or the fetch error's cause), to say why. */
  const kinds = new Map();
  const count = (k) => kinds.set(k, (kinds.get(k) ?? 0) + 1);
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      const [, label, req, expected] = picks[n++ % picks.length];
      const t = performance.now();
      try {
        const res = await fetch(server.url + req.path, { method: req.method, headers, body: req.body });
        await res.arrayBuffer();
        if (res.status !== expected) errors++, count(`${label}: HTTP ${res.status}`);
      } catch (err) {
        errors++;
        count(`${label}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  if (kinds.size) console.log(`${name} errors:`, Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1]).slice(0, 8)));
  return { phase: name, seconds: Number(elapsed.toFixed(1)), concurrency, requests: latencies.length, 'req/s': Number((latencies.length / elapsed).toFixed(0)), 'p50 ms': q(0.5), 'p99 ms': q(0.99), 'error %': ((100 * errors) / latencies.length).toFixed(2) };
}

let cdp;
try {
  await fetch(`${server.url}/v1/models`, { headers }).then((r) => r.arrayBuffer());
  // LOAD_NO_HEAP=1: no inspector session (the heap figures are then NaN), to tell wrangler's inspector proxy apart from the Worker.
  cdp = process.env.LOAD_NO_HEAP ? { heap: async () => NaN, gcUsed: () => false, close() {} } : await inspector();
  // Warm up (services built, catalog cached), then the baseline heap.
  await phase('warm-up', 2, 4);
  const heapBefore = await cdp.heap();
  const load = await phase('load', LOAD_SECONDS, LOAD_CONCURRENCY);
  const heapAfterLoad = await cdp.heap();
  const soak = await phase('soak', SOAK_SECONDS, SOAK_CONCURRENCY);
  const heapAfterSoak = await cdp.heap();
  console.table([load, soak]);
  if (process.env.LOAD_VERBOSE) console.log(server.output().slice(-6000));
  console.log(`isolate JS heap (${cdp.gcUsed() ? 'after a forced GC' : 'no forced GC: the runtime has none'}): before ${heapBefore.toFixed(1)} MiB, after load ${heapAfterLoad.toFixed(1)} MiB, after soak ${heapAfterSoak.toFixed(1)} MiB`);
} finally {
  cdp?.close();
  server.stop();
}

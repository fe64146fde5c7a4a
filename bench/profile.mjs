#!/usr/bin/env node
/**
 * A CPU profile of one bench case inside workerd, through the V8 inspector (what
 * docs/benchmarks.md's "where the time goes" comes from):
 *
 *   node bench/profile.mjs [proxy|floor|loop|floor-loop] <path> ['<json body>'] [requests]
 *   node bench/profile.mjs proxy /v1/chat/completions '{"model":"@cf/meta/llama-3.1-8b-instruct","messages":[{"role":"user","content":"Hi"}],"stream":true}' 40
 *
 * Builds the bench Worker unminified (function names), starts it with the instant fake upstream
 * sized as in the last `npm run bench` (bench/results.json), warms up, profiles `requests`
 * sequential requests and prints self and inclusive time per function, in µs per request. The
 * profiler slows everything down (3× or so) and its sampling is coarse: read the shares, not the
 * absolute figures. Run it through the project's Node 22 (`npx node bench/profile.mjs ...`).
 * `loop` and `floor-loop` run the app (or the floor) 200 times per request, in-process.
 * PROFILE_OUT=<file> also writes the raw profile (.cpuprofile JSON, for DevTools).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchMiniflare } from './miniflare.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [side = 'proxy', path = '/v1/models', body, count = '200'] = process.argv.slice(2);
const results = join(root, 'bench', 'results.json');
if (!existsSync(results)) throw new Error('Run `npm run bench` once first: the fake upstream is sized from bench/results.json.');
const PARAMS = JSON.parse(readFileSync(results, 'utf8')).params;
const N = Number(count);
const INSPECTOR_PORT = 9339;

const outdir = join(root, 'bench', '.build', `${side}-profile`);
const built = spawnSync(
  process.execPath,
  [join(root, 'scripts', 'wrangler.mjs'), 'deploy', `bench/${side}-worker.ts`, '--dry-run', '--outdir', outdir, '--name', `bench-${side}`, '--no-minify'],
  { cwd: root, encoding: 'utf8' },
);
if (built.status !== 0) throw new Error(`wrangler failed:\n${built.stdout}${built.stderr}`);
const mf = benchMiniflare(join(outdir, `${side}-worker.js`), PARAMS, { inspectorPort: INSPECTOR_PORT });

try {
  const url = (await mf.ready).href.replace(/\/$/, '') + path;
  const init = () => ({
    method: body ? 'POST' : 'GET',
    headers: { authorization: 'Bearer bench', 'accept-encoding': 'identity', ...(body && { 'content-type': 'application/json' }) },
    body: body || undefined,
  });
  const request = async () => {
    const res = await fetch(url, init());
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  };
  for (let i = 0; i < 50; i++) await request();

  const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json();
  const ws = new WebSocket((targets.find((t) => t.title?.includes('bench')) ?? targets[0]).webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
  });
  const send = (method, params = {}) => new Promise((resolve) => {
    pending.set(++id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

  if (process.env.ALLOC) {
    // ALLOC=1: where the bytes are allocated (V8's sampling heap profiler), per request.
    await send('HeapProfiler.enable');
    await send('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < N; i++) await request();
    const { profile: heap } = (await send('HeapProfiler.stopSampling')).result;
    const bytes = new Map();
    const walk = (node, path) => {
      const f = node.callFrame;
      const here = `${f.functionName || '(anonymous)'}${f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
      const self = node.selfSize;
      if (self) bytes.set(here, (bytes.get(here) ?? 0) + self);
      for (const child of node.children ?? []) walk(child, path);
    };
    walk(heap.head, []);
    const total = [...bytes.values()].reduce((a, b) => a + b, 0);
    console.log(`${side} ${path}: ${N} requests, about ${(total / N / 1024).toFixed(1)} KiB allocated per request (sampled)\n\nbytes/req  allocated by`);
    for (const [k, v] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(v / N).toFixed(0).padStart(9)}  ${k}`);
    ws.close();
    process.exit(0);
  }
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 50 });
  await send('Profiler.start');
  for (let i = 0; i < N; i++) await request();
  const { profile } = (await send('Profiler.stop')).result;
  ws.close();

  if (process.env.PROFILE_OUT) (await import('node:fs')).writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const name = (nodeId) => {
    const f = byId.get(nodeId).callFrame;
    return `${f.functionName || '(anonymous)'}${f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const total = new Map();
  profile.samples.forEach((nodeId, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(name(nodeId), (self.get(name(nodeId)) ?? 0) + dt);
    const seen = new Set();
    for (let n = nodeId; n !== undefined; n = parent.get(n)) {
      const k = name(n);
      if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + dt);
      seen.add(k);
    }
  });
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const us = (x) => (x / N).toFixed(1).padStart(9);
  console.log(`${side} ${path}: ${N} requests, ${profile.samples.length} samples, ${((profile.endTime - profile.startTime) / N).toFixed(0)} µs per request profiled`);
  console.log('\nself µs/req  incl. µs/req');
  for (const [k, v] of top(self, 30)) console.log(`${us(v)}    ${us(total.get(k) ?? 0)}  ${k}`);
  console.log('\ninclusive µs/req');
  for (const [k, v] of top(total, 40)) console.log(`${us(v)}  ${k}`);
} finally {
  await mf.dispose();
}

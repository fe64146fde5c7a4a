#!/usr/bin/env node
/**
 * `npm run bench`: builds the Worker with wrangler (as `npm run build` does), runs it in workerd
 * through miniflare with an instant fake upstream (bench/fake-upstream.ts), and measures each case
 * against a bare pass-through Worker on the same upstream (bench/floor-worker.ts), in one run:
 * latency per request from here (sequential requests, body read to the end) and CPU per request
 * of each workerd process (its threads' run time from /proc, over the measured requests, proxy and
 * floor alternating), "proxy ÷ floor" per case and CPU per event for the streams; the start-up.
 * Then the time to the first content byte of a slow stream, and the production bundle's gzip size.
 * Prints a table and writes the figures to bench/results.json (git-ignored).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARAMS } from './params.mjs';
import { cpuMs, startWorker } from './workerd.mjs';
import { measure as measureBundle, summary } from '../scripts/bundle-size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'bench', '.build');
const KEY = 'bench';


/** Wall-clock time spent measuring each side of a case (after warm-up); keeps the run near a minute. */
const BUDGET_MS = 2500;
const WARMUP_MS = 400;
const MIN_REQUESTS = 30;
const MAX_REQUESTS = 3000;
const SLOW_RUNS = 5;

const count = (text, needle) => text.split(needle).length - 1;
const jsonOf = (bytes) => JSON.parse(new TextDecoder().decode(bytes));
const textOf = (bytes) => new TextDecoder().decode(bytes);
const floorEvents = (n) => (b) => {
  const found = count(textOf(b), 'data: ');
  return found === n ? null : `${found} events, expected ${n}`;
};
const EVENTS = PARAMS.streamEvents.toLocaleString('en');

/** `proxy(bytes)` / `floor(bytes)` check a first response: null when it is what the case claims to measure, else the problem. */
const CASES = [
  {
    key: 'models',
    name: 'GET /v1/models',
    path: '/v1/models',
    proxy: (b) => (jsonOf(b).data?.length > 0 ? null : 'empty model list'),
    floor: (b) => (jsonOf(b).length > 0 ? null : 'empty catalog'),
  },
  {
    key: 'chat',
    name: 'chat, non-stream',
    path: '/v1/chat/completions',
    body: { model: PARAMS.models.chat, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say something short.' }] },
    proxy: (b) => (jsonOf(b).choices?.[0]?.message?.content ? null : 'no message content'),
    floor: (b) => (jsonOf(b).response ? null : 'no response'),
  },
  {
    key: 'stream',
    name: `chat, ${EVENTS}-chunk stream`,
    path: '/v1/chat/completions',
    events: PARAMS.streamEvents,
    body: { model: PARAMS.models.chat, messages: [{ role: 'user', content: 'Write at length.' }], stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, '"delta":{"content":');
      return n !== PARAMS.streamEvents ? `${n} content chunks` : t.endsWith('data: [DONE]\n\n') ? null : 'no [DONE]';
    },
    floor: floorEvents(PARAMS.streamEvents + 2),
  },
  {
    key: 'responses-stream',
    name: `responses, ${EVENTS}-delta stream`,
    path: '/v1/responses',
    events: PARAMS.streamEvents,
    body: { model: PARAMS.models.chat, input: 'Write at length.', stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, 'event: response.output_text.delta\n');
      return n !== PARAMS.streamEvents ? `${n} text deltas` : t.includes('event: response.completed\n') ? null : 'no response.completed';
    },
    floor: floorEvents(PARAMS.streamEvents + 2),
  },
  {
    key: 'ollama-stream',
    name: `ollama /api/chat, ${EVENTS}-line stream`,
    path: '/api/chat',
    events: PARAMS.streamEvents,
    // stream: true is Ollama's default; sent so that the floor streams too.
    body: { model: PARAMS.models.chat, messages: [{ role: 'user', content: 'Write at length.' }], stream: true },
    proxy: (b) => {
      const lines = textOf(b).trimEnd().split('\n').map((l) => JSON.parse(l));
      const n = lines.filter((l) => l.done === false && l.message?.content).length;
      return n !== PARAMS.streamEvents ? `${n} content lines` : lines.at(-1).done === true ? null : 'no done line';
    },
    floor: floorEvents(PARAMS.streamEvents + 2),
  },
  {
    key: 'completions-stream',
    name: `completions (legacy), ${EVENTS}-chunk stream`,
    path: '/v1/completions',
    events: PARAMS.streamEvents,
    body: { model: PARAMS.models.chat, prompt: 'Write at length.', stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, '"object":"text_completion"');
      // Every token chunk, the finish chunk; no usage chunk without include_usage.
      return n !== PARAMS.streamEvents + 1 ? `${n} text_completion chunks` : t.endsWith('data: [DONE]\n\n') ? null : 'no [DONE]';
    },
    floor: floorEvents(PARAMS.streamEvents + 2),
  },
  {
    key: 'tool-stream',
    name: `chat, tool call in ${EVENTS} argument deltas`,
    path: '/v1/chat/completions',
    events: PARAMS.streamEvents,
    body: {
      model: PARAMS.models.tools,
      messages: [{ role: 'user', content: 'Record a long list.' }],
      tools: [{ type: 'function', function: { name: 'record', parameters: { type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } } } } }],
      stream: true,
    },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, '"function":{"arguments":');
      return n !== PARAMS.streamEvents ? `${n} argument deltas` : t.includes('"finish_reason":"tool_calls"') ? null : 'no tool_calls finish';
    },
    floor: floorEvents(PARAMS.streamEvents + 4),
  },
  {
    key: 'reasoning-stream',
    name: `chat, <think> reasoning then answer, ${EVENTS} tokens`,
    path: '/v1/chat/completions',
    events: PARAMS.streamEvents,
    body: { model: PARAMS.models.reasoning, messages: [{ role: 'user', content: 'Think it through.' }], stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const reasoning = count(t, '"delta":{"reasoning_content":');
      const content = count(t, '"delta":{"content":');
      // The `</think>` token yields the answer's first word; every other token is one delta.
      const half = PARAMS.streamEvents / 2;
      return reasoning === half && content === half ? null : `${reasoning} reasoning and ${content} content deltas`;
    },
    floor: floorEvents(PARAMS.streamEvents + 2),
  },
  {
    key: 'messages-stream',
    name: `messages (Anthropic), ${PARAMS.streamEvents.toLocaleString('en')}-delta stream`,
    path: '/v1/messages',
    body: { model: PARAMS.models.chat, max_tokens: 4096, messages: [{ role: 'user', content: 'Write at length.' }], stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, '"type":"text_delta"');
      return n !== PARAMS.streamEvents ? `${n} text deltas` : t.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n') ? null : 'no message_stop';
    },
    floor: (b) => (count(textOf(b), 'data: ') === PARAMS.streamEvents + 2 ? null : 'wrong event count'),
  },
  {
    key: 'embeddings',
    name: `embeddings, ${PARAMS.embeddingRows} x ${PARAMS.embeddingDims} base64`,
    path: '/v1/embeddings',
    body: {
      model: PARAMS.models.embeddings,
      input: Array.from({ length: PARAMS.embeddingRows }, (_, i) => `Sentence number ${i} to embed.`),
      encoding_format: 'base64',
    },
    proxy: (b) => {
      const { data } = jsonOf(b);
      if (data?.length !== PARAMS.embeddingRows) return `${data?.length} embeddings`;
      const bytes = Buffer.from(String(data[0].embedding), 'base64').length;
      return bytes === PARAMS.embeddingDims * 4 ? null : `first embedding decodes to ${bytes} bytes`;
    },
    floor: (b) => (jsonOf(b).data?.length === PARAMS.embeddingRows ? null : 'wrong row count'),
  },
  ...[
    ['sdxl', 'SDXL, PNG stream'],
    ['flux', 'flux-1-schnell, {image}'],
  ].map(([model, label]) => ({
    key: `image-${model}`,
    name: `1 MiB image, ${label}`,
    path: '/v1/images/generations',
    body: { model: PARAMS.models[model], prompt: 'A lighthouse on a cliff at dusk', response_format: 'b64_json' },
    proxy: (b) => ((jsonOf(b).data?.[0]?.b64_json?.length ?? 0) >= PARAMS.imageBytes * 1.3 ? null : 'b64_json missing or short'),
    floor: (b) => (b.byteLength >= PARAMS.imageBytes * 0.95 ? null : `${b.byteLength} bytes`),
  })),
];

const SLOW_BODY = { model: PARAMS.models.slowChat, messages: [{ role: 'user', content: 'Take your time.' }], stream: true };

// ---------- build ----------

function wrangler(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'wrangler.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(' ')} failed:\n${out}`))));
  });
}

/** Production bundle exactly as `npm run build`, plus the two bench Workers with the same settings. */
async function build() {
  mkdirSync(buildDir, { recursive: true });
  const out = (name) => join(buildDir, name);
  await Promise.all([
    wrangler(['deploy', '--dry-run', '--outdir', out('production')]),
    wrangler(['deploy', 'bench/proxy-worker.ts', '--dry-run', '--outdir', out('proxy'), '--name', 'bench-proxy']),
    wrangler(['deploy', 'bench/floor-worker.ts', '--dry-run', '--outdir', out('floor'), '--name', 'bench-floor']),
  ]);
  return {
    proxyScript: join(out('proxy'), 'proxy-worker.js'),
    floorScript: join(out('floor'), 'floor-worker.js'),
    // The same figures as `npm run build` and test/build/bundle.mjs (gzip -9), with the parts (`npm run size`).
    bundle: measureBundle(join(out('production'), 'index.js'), { parts: true }),
  };
}

// ---------- measuring ----------

function requestInit(body) {
  const json = body && JSON.stringify(body);
  // identity: workerd would otherwise gzip responses itself, which a deployed Worker leaves to
  // Cloudflare's edge, outside its CPU time. Locally that compression dwarfs everything else.
  const headers = { authorization: `Bearer ${KEY}`, 'accept-encoding': 'identity', ...(json && { 'content-type': 'application/json' }) };
  return () => ({ method: json ? 'POST' : 'GET', headers, body: json });
}

async function once(url, init) {
  const started = performance.now();
  const res = await fetch(url, init());
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { ms: performance.now() - started, res, bytes };
}

const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { mean: samples.reduce((s, x) => s + x, 0) / samples.length, p50: at(0.5), p99: at(0.99) };
};

/** Sends a case's first request to one side and checks it: null when it is what the case claims, else the side's result. */
async function check(target, c, side) {
  const first = await once(target.url + c.path, requestInit(c.body));
  if (!first.res.ok) {
    let code;
    try {
      code = jsonOf(first.bytes).error?.code;
    } catch {}
    if (first.res.status === 404 && code === 'unknown_url') return { status: 'absent' };
    return { status: 'error', error: `HTTP ${first.res.status}${code ? ` ${code}` : ''}: ${textOf(first.bytes).slice(0, 200)}` };
  }
  let problem;
  try {
    problem = c[side](first.bytes);
  } catch (err) {
    problem = String(err);
  }
  return problem ? { status: 'error', error: `unexpected response: ${problem}` } : { status: 'ok', responseBytes: first.bytes.length };
}

/**
 * Measures a case on both Workers at once: checks each side's first response, warms up, then
 * sends the same number of requests to each, alternating proxy and floor, so that load from
 * elsewhere on the machine falls on both sides alike. CPU is per workerd process, so the two
 * never mix. A side whose check failed is left out (and the other measured alone).
 */
async function measure(targets, c) {
  const sides = {};
  for (const side of ['proxy', 'floor']) sides[side] = await check(targets[side], c, side);
  const live = Object.keys(sides).filter((side) => sides[side].status === 'ok');
  if (!live.length) return sides;
  const run = live.map((side) => ({ side, target: targets[side], url: targets[side].url + c.path, init: requestInit(c.body) }));

  const warmup = [];
  const warmStart = performance.now();
  while (warmup.length < 10 || performance.now() - warmStart < WARMUP_MS) {
    for (const r of run) {
      const { ms } = await once(r.url, r.init);
      if (r === run[0]) warmup.push(ms);
    }
  }
  const requests = Math.max(MIN_REQUESTS, Math.min(MAX_REQUESTS, Math.round(BUDGET_MS / stats(warmup).mean)));

  for (const r of run) {
    r.latencies = new Array(requests);
    r.failed = 0;
  }
  // Each process's CPU over the whole loop: an idle workerd uses next to none, and work done after
  // a response ends (garbage collection, say) still counts.
  for (const r of run) r.cpuBefore = cpuMs(r.target.pid);
  for (let i = 0; i < requests; i++) {
    for (const r of run) {
      const res = await once(r.url, r.init);
      r.latencies[i] = res.ms;
      if (!res.res.ok) r.failed++;
    }
  }
  for (const r of run) r.cpu = cpuMs(r.target.pid) - r.cpuBefore;
  for (const r of run) {
    sides[r.side] = r.failed
      ? { status: 'error', error: `${r.failed} of ${requests} measured requests failed` }
      : { ...sides[r.side], requests, ...stats(r.latencies), cpuPerRequest: r.cpu / requests };
  }
  return sides;
}

/**
 * Isolate start-up: the workerd process's CPU when it reports ready (workerd itself, plus
 * compiling and evaluating the script), then the first request after load (a non-stream chat:
 * the app builds its services and reads the catalog on it) against the same request warm.
 */
async function startup(target, c) {
  const init = requestInit(c.body);
  const cpuBefore = cpuMs(target.pid);
  const first = await once(target.url + c.path, init);
  const firstCpu = cpuMs(target.pid) - cpuBefore;
  if (!first.res.ok) throw new Error(`start-up request: HTTP ${first.res.status} ${textOf(first.bytes).slice(0, 200)}`);
  return { readyMs: target.readyMs, readyCpuMs: target.readyCpuMs, firstRequestMs: first.ms, firstRequestCpuMs: firstCpu };
}

/** One slow stream: when the headers, the first byte and the first content token arrive, and the end. */
async function slowStream(target) {
  const init = requestInit(SLOW_BODY);
  const started = performance.now();
  const res = await fetch(target.url + '/v1/chat/completions', init());
  const headers = performance.now() - started;
  if (!res.ok) throw new Error(`slow stream: HTTP ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let text = '';
  let firstByte;
  let firstContent;
  for await (const chunk of res.body) {
    const at = performance.now() - started;
    firstByte ??= at;
    text += decoder.decode(chunk, { stream: true });
    if (firstContent === undefined && text.includes('slow00')) firstContent = at;
  }
  if (firstContent === undefined) throw new Error('slow stream: the first token never arrived');
  return { headers, firstByte, firstContent, total: performance.now() - started };
}

async function slowStreams(target) {
  await slowStream(target); // warm-up
  const runs = [];
  for (let i = 0; i < SLOW_RUNS; i++) runs.push(await slowStream(target));
  const median = (key) => stats(runs.map((r) => r[key])).p50;
  return { runs: SLOW_RUNS, headers: median('headers'), firstByte: median('firstByte'), firstContent: median('firstContent'), total: median('total') };
}

// ---------- report ----------

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const signed = (x) => (x >= 0 ? '+' : '-') + ms(Math.abs(x));
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const ratio = (proxy, floor) => (proxy.status === 'ok' && floor.status === 'ok' && floor.cpuPerRequest > 0 ? proxy.cpuPerRequest / floor.cpuPerRequest : null);
const perEvent = (c, r) => (c.events && r.status === 'ok' ? (r.cpuPerRequest * 1000) / c.events : null);
const us = (x) => (x == null ? '' : x.toFixed(1));

const COLUMNS = `${''.padEnd(11)}${'requests'.padStart(8)}${'body KiB'.padStart(10)}   ${'latency ms mean / p50 / p99'.padEnd(28)}${'CPU ms'.padStart(7)}${'µs/event'.padStart(10)}`;

function printCase(c, proxy, floor) {
  const row = (label, r) =>
    r.status === 'ok'
      ? `  ${label.padEnd(9)}${String(r.requests).padStart(8)}${(r.responseBytes / 1024).toFixed(1).padStart(10)}   ${`${ms(r.mean)} / ${ms(r.p50)} / ${ms(r.p99)}`.padEnd(28)}${ms(r.cpuPerRequest).padStart(7)}${us(perEvent(c, r)).padStart(10)}`
      : `  ${label.padEnd(9)}${r.status === 'absent' ? 'n/a (endpoint not present)' : `error: ${r.error}`}`;
  console.log(c.name);
  console.log(row('proxy', proxy));
  console.log(row('floor', floor));
  const x = ratio(proxy, floor);
  if (x != null) {
    const latency = `${signed(proxy.mean - floor.mean)} / ${signed(proxy.p50 - floor.p50)}`;
    const eventOverhead = c.events ? us(perEvent(c, proxy) - perEvent(c, floor)) : '';
    console.log(`  ${'overhead'.padEnd(9)}${''.padStart(18)}   ${latency.padEnd(28)}${signed(proxy.cpuPerRequest - floor.cpuPerRequest).padStart(7)}${eventOverhead.padStart(10)}   proxy ÷ floor ${x.toFixed(2)}×`);
  }
}

/** The headline: proxy ÷ floor CPU for every case, in one table. */
/** `npm run bench -- models chat-stream`: only the cases whose key is named (for iterating; results.json is then not written). */
const FILTER = process.argv.slice(2);
const SELECTED = FILTER.length ? CASES.filter((c) => FILTER.includes(c.key)) : CASES;
if (FILTER.length && SELECTED.length === 0) {
  console.error(`No bench case is named ${FILTER.join(', ')}; the cases are: ${CASES.map((c) => c.key).join(', ')}.`);
  process.exit(2);
}

function printSummary(cases) {
  console.log(`\n${'CPU, proxy ÷ floor'.padEnd(54)}${'proxy ms'.padStart(9)}${'floor ms'.padStart(9)}${'ratio'.padStart(8)}${'µs/event over floor'.padStart(21)}`);
  for (const c of cases) {
    const { proxy, floor } = c;
    if (c.ratio == null) {
      console.log(`  ${c.name.padEnd(52)}${proxy.status === 'absent' ? 'n/a (endpoint not present)' : 'not measured'}`);
      continue;
    }
    const event = c.perEventUs ? us(c.perEventUs.proxy - c.perEventUs.floor) : '';
    console.log(`  ${c.name.padEnd(52)}${ms(proxy.cpuPerRequest).padStart(9)}${ms(floor.cpuPerRequest).padStart(9)}${`${c.ratio.toFixed(2)}×`.padStart(8)}${event.padStart(21)}`);
  }
}

async function main() {
  const started = performance.now();
  process.stdout.write('Building the Worker and the bench Workers with wrangler... ');
  const built = await build();
  console.log('done.');

  const targets = {};
  const stop = async () => Promise.all(Object.values(targets).map((t) => t.mf.dispose().catch(() => {})));
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop().finally(() => process.exit(130)));
  try {
    targets.proxy = await startWorker(built.proxyScript);
    targets.floor = await startWorker(built.floorScript);

    const cpus = os.cpus();
    const machine = `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}`;
    const versions = {
      node: process.version,
      workerd: JSON.parse(readFileSync(join(root, 'node_modules', 'workerd', 'package.json'), 'utf8')).version,
      miniflare: JSON.parse(readFileSync(join(root, 'node_modules', 'miniflare', 'package.json'), 'utf8')).version,
    };
    console.log(`\nMachine: ${machine}; Node ${versions.node}, workerd ${versions.workerd} (miniflare ${versions.miniflare}).`);
    console.log('Sequential requests, proxy and floor alternating; latency from here to the body\'s last byte;');
    console.log('CPU = the workerd process\'s CPU time (all threads) per request; µs/event = CPU per request ÷ events.');
    console.log('proxy = this Worker, floor = a bare pass-through Worker on the same instant fake upstream.\n');
    console.log(COLUMNS);

    // Before anything else has run in either isolate.
    const startupCase = CASES.find((c) => c.key === 'chat');
    const start = { proxy: await startup(targets.proxy, startupCase), floor: await startup(targets.floor, startupCase) };

    const cases = [];
    for (const c of SELECTED) {
      const { proxy, floor } = await measure(targets, c);
      printCase(c, proxy, floor);
      const overhead =
        proxy.status === 'ok' && floor.status === 'ok'
          ? { mean: proxy.mean - floor.mean, p50: proxy.p50 - floor.p50, cpuPerRequest: proxy.cpuPerRequest - floor.cpuPerRequest }
          : null;
      const perEventUs = c.events && overhead ? { proxy: perEvent(c, proxy), floor: perEvent(c, floor) } : undefined;
      cases.push({ key: c.key, name: c.name, events: c.events, proxy, floor, overhead, ratio: ratio(proxy, floor), perEventUs });
    }
    console.log('(overhead = proxy - floor. The floor sends the upstream output as it is, so where the proxy sends less,');
    console.log(' e.g. base64 embeddings instead of 2 MB of JSON numbers, the overhead can be negative.)');

    const slow = { proxy: await slowStreams(targets.proxy), floor: await slowStreams(targets.floor) };
    console.log(`\nSlow stream: ${PARAMS.slowEvents} events ${PARAMS.slowIntervalMs} ms apart, median of ${SLOW_RUNS} (ms from the request)`);
    console.log(`${''.padEnd(11)}${'headers'.padStart(8)}${'first byte'.padStart(12)}${'first token'.padStart(13)}${'end'.padStart(8)}`);
    for (const side of ['proxy', 'floor']) {
      const s = slow[side];
      console.log(`  ${side.padEnd(9)}${ms(s.headers).padStart(8)}${ms(s.firstByte).padStart(12)}${ms(s.firstContent).padStart(13)}${ms(s.total).padStart(8)}`);
    }

    printSummary(cases);

    console.log('\nStart-up (ms): workerd ready (wall, and the process\'s CPU by then: workerd plus loading the script),');
    console.log(`then the first request after load (${startupCase.name}), wall and CPU:`);
    console.log(`${''.padEnd(11)}${'ready'.padStart(8)}${'ready CPU'.padStart(11)}${'1st request'.padStart(13)}${'1st CPU'.padStart(9)}`);
    for (const side of ['proxy', 'floor']) {
      const s = start[side];
      console.log(`  ${side.padEnd(9)}${ms(s.readyMs).padStart(8)}${ms(s.readyCpuMs).padStart(11)}${ms(s.firstRequestMs).padStart(13)}${ms(s.firstRequestCpuMs).padStart(9)}`);
    }

    const { bundle } = built;
    console.log(`\n${summary(bundle)} (wrangler deploy --dry-run; its parts: npm run size).`);
    const seconds = (performance.now() - started) / 1000;
    // Other work on the machine shows in the latencies first (CPU time is per process).
    const load = os.loadavg().map((x) => x.toFixed(2));
    console.log(`Total run: ${seconds.toFixed(0)} s; load average at the end ${load.join(' ')} on ${os.cpus().length} cores.`);
    console.log('Figures vary between runs and machines; compare proxy with floor within one run.');

    if (SELECTED !== CASES) {
      console.log('Only some cases ran (a filter was given): bench/results.json left as it was.');
      return;
    }
    const results = { date: new Date().toISOString(), machine, loadAverage: os.loadavg(), versions, params: PARAMS, cases, startup: start, slowStream: slow, bundle, seconds };
    writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('Figures written to bench/results.json.');
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * `npm run bench`: builds the Worker with wrangler (as `npm run build` does), runs it in workerd
 * through miniflare with an instant fake upstream (bench/fake-upstream.ts), and measures each case
 * against a bare pass-through Worker on the same upstream (bench/floor-worker.ts), in one run:
 * latency per request from here (sequential requests, body read to the end) and CPU per request
 * of each workerd process (utime + stime from /proc/<pid>/stat over the measured requests).
 * Then the time to the first content byte of a slow stream, and the production bundle's gzip size.
 * Prints a table and writes the figures to bench/results.json (git-ignored).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Miniflare } from 'miniflare';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'bench', '.build');
const KEY = 'bench';

/** Sizes every case; handed to both Workers as the `BENCH` binding (see BenchParams). */
const PARAMS = {
  models: {
    chat: '@cf/meta/llama-3.1-8b-instruct',
    slowChat: '@cf/meta/llama-3.2-1b-instruct',
    embeddings: '@cf/baai/bge-large-en-v1.5',
    sdxl: '@cf/stabilityai/stable-diffusion-xl-base-1.0',
    flux: '@cf/black-forest-labs/flux-1-schnell',
  },
  streamEvents: 1000,
  slowEvents: 20,
  slowIntervalMs: 50,
  embeddingRows: 100,
  embeddingDims: 1024,
  imageBytes: 1024 * 1024,
};

/** Wall-clock time spent measuring each side of a case (after warm-up); keeps the run near a minute. */
const BUDGET_MS = 2500;
const WARMUP_MS = 400;
const MIN_REQUESTS = 30;
const MAX_REQUESTS = 3000;
const SLOW_RUNS = 5;

const count = (text, needle) => text.split(needle).length - 1;
const jsonOf = (bytes) => JSON.parse(new TextDecoder().decode(bytes));
const textOf = (bytes) => new TextDecoder().decode(bytes);

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
    name: `chat, ${PARAMS.streamEvents.toLocaleString('en')}-chunk stream`,
    path: '/v1/chat/completions',
    body: { model: PARAMS.models.chat, messages: [{ role: 'user', content: 'Write at length.' }], stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, '"delta":{"content":');
      return n !== PARAMS.streamEvents ? `${n} content chunks` : t.endsWith('data: [DONE]\n\n') ? null : 'no [DONE]';
    },
    floor: (b) => (count(textOf(b), 'data: ') === PARAMS.streamEvents + 2 ? null : 'wrong event count'),
  },
  {
    key: 'responses-stream',
    name: `responses, ${PARAMS.streamEvents.toLocaleString('en')}-delta stream`,
    path: '/v1/responses',
    body: { model: PARAMS.models.chat, input: 'Write at length.', stream: true },
    proxy: (b) => {
      const t = textOf(b);
      const n = count(t, 'event: response.output_text.delta\n');
      return n !== PARAMS.streamEvents ? `${n} text deltas` : t.includes('event: response.completed\n') ? null : 'no response.completed';
    },
    floor: (b) => (count(textOf(b), 'data: ') === PARAMS.streamEvents + 2 ? null : 'wrong event count'),
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
  const bundle = readFileSync(join(out('production'), 'index.js'));
  return {
    proxyScript: join(out('proxy'), 'proxy-worker.js'),
    floorScript: join(out('floor'), 'floor-worker.js'),
    bundle: { minifiedBytes: bundle.length, gzipBytes: gzipSync(bundle).length },
  };
}

// ---------- workerd processes ----------

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is field 3. */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), fields: stat.slice(stat.lastIndexOf(')') + 2).split(' ') };
}

/** The workerd processes this Node process has spawned. */
function workerdChildren() {
  const found = new Set();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, fields } = statFields(entry);
      if (Number(fields[1]) === process.pid && comm.startsWith('workerd')) found.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** utime + stime of a process, all threads, in ms. */
function cpuMs(pid) {
  const { fields } = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'))?.[1];

async function startWorker(scriptPath) {
  const before = workerdChildren();
  // miniflare 5's own option shape (its README still documents the v4 one). No request logging:
  // it would add work in workerd and here for every request.
  const mf = new Miniflare({
    port: 0,
    logRequests: false,
    unsafeLocalExplorer: false,
    workers: [
      {
        config: {
          name: 'bench',
          type: 'worker',
          compatibilityDate,
          manifest: { mainModule: 'worker.js', modules: { 'worker.js': { type: 'esm', contents: readFileSync(scriptPath, 'utf8') } } },
          env: { BENCH: { type: 'json', value: PARAMS } },
        },
      },
    ],
  });
  const url = (await mf.ready).href.replace(/\/$/, '');
  const pids = [...workerdChildren()].filter((p) => !before.has(p));
  if (pids.length !== 1) throw new Error(`expected one new workerd process, found ${pids.length}`);
  return { mf, url, pid: pids[0] };
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

/** Checks one response, warms up, then measures `n` sequential requests (n from the warm-up if not given). */
async function measure(target, c, side, n) {
  const url = target.url + c.path;
  const init = requestInit(c.body);
  const first = await once(url, init);
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
  if (problem) return { status: 'error', error: `unexpected response: ${problem}` };

  const warmup = [];
  const warmStart = performance.now();
  while (warmup.length < 10 || performance.now() - warmStart < WARMUP_MS) warmup.push((await once(url, init)).ms);
  const requests = n ?? Math.max(MIN_REQUESTS, Math.min(MAX_REQUESTS, Math.round(BUDGET_MS / stats(warmup).mean)));

  const latencies = new Array(requests);
  let failed = 0;
  const cpuBefore = cpuMs(target.pid);
  for (let i = 0; i < requests; i++) {
    const r = await once(url, init);
    latencies[i] = r.ms;
    if (!r.res.ok) failed++;
  }
  const cpu = cpuMs(target.pid) - cpuBefore;
  if (failed) return { status: 'error', error: `${failed} of ${requests} measured requests failed` };
  return { status: 'ok', requests, responseBytes: first.bytes.length, ...stats(latencies), cpuPerRequest: cpu / requests };
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

const COLUMNS = `${''.padEnd(11)}${'requests'.padStart(8)}${'body KiB'.padStart(10)}   ${'latency ms mean / p50 / p99'.padEnd(28)}${'CPU ms'.padStart(7)}`;

function printCase(c, proxy, floor) {
  const row = (label, r) =>
    r.status === 'ok'
      ? `  ${label.padEnd(9)}${String(r.requests).padStart(8)}${(r.responseBytes / 1024).toFixed(1).padStart(10)}   ${`${ms(r.mean)} / ${ms(r.p50)} / ${ms(r.p99)}`.padEnd(28)}${ms(r.cpuPerRequest).padStart(7)}`
      : `  ${label.padEnd(9)}${r.status === 'absent' ? 'n/a (endpoint not present)' : `error: ${r.error}`}`;
  console.log(c.name);
  console.log(row('proxy', proxy));
  console.log(row('floor', floor));
  if (proxy.status === 'ok' && floor.status === 'ok') {
    const latency = `${signed(proxy.mean - floor.mean)} / ${signed(proxy.p50 - floor.p50)}`;
    console.log(`  ${'overhead'.padEnd(9)}${''.padStart(18)}   ${latency.padEnd(28)}${signed(proxy.cpuPerRequest - floor.cpuPerRequest).padStart(7)}`);
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
    console.log('Sequential requests; latency from here to the body\'s last byte; CPU = workerd utime+stime per request.');
    console.log('proxy = this Worker, floor = a bare pass-through Worker on the same instant fake upstream.\n');
    console.log(COLUMNS);

    const cases = [];
    for (const c of CASES) {
      const proxy = await measure(targets.proxy, c, 'proxy');
      // Same request count on both sides; the floor sizes itself when the proxy has nothing to measure.
      const floor = await measure(targets.floor, c, 'floor', proxy.status === 'ok' ? proxy.requests : undefined);
      printCase(c, proxy, floor);
      const overhead =
        proxy.status === 'ok' && floor.status === 'ok'
          ? { mean: proxy.mean - floor.mean, p50: proxy.p50 - floor.p50, cpuPerRequest: proxy.cpuPerRequest - floor.cpuPerRequest }
          : null;
      cases.push({ key: c.key, name: c.name, proxy, floor, overhead });
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

    const { bundle } = built;
    console.log(`\nProduction bundle (wrangler deploy --dry-run, minified): ${kib(bundle.minifiedBytes)}, gzip ${kib(bundle.gzipBytes)}.`);
    const seconds = (performance.now() - started) / 1000;
    // Other work on the machine shows in the latencies first (CPU time is per process).
    const load = os.loadavg().map((x) => x.toFixed(2));
    console.log(`Total run: ${seconds.toFixed(0)} s; load average at the end ${load.join(' ')} on ${os.cpus().length} cores.`);
    console.log('Figures vary between runs and machines; compare proxy with floor within one run.');

    const results = { date: new Date().toISOString(), machine, loadAverage: os.loadavg(), versions, params: PARAMS, cases, slowStream: slow, bundle, seconds };
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

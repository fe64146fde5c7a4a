#!/usr/bin/env node
/**
 * Side-by-side CPU of a few Workers on one request, to bisect or to compare two versions:
 *
 *   node bench/ab.mjs [--seconds 20] [--path /v1/chat/completions] [--body '<json>'] <worker.ts[@N]>...
 *
 * Each Worker file is built as the bench builds its Workers (wrangler deploy --dry-run, minified)
 * and run in its own workerd process on the bench's fake upstream. After 300 warm-up requests
 * each, the Workers get sequential requests in turn (so load from elsewhere on the machine falls
 * on all alike) for the given seconds. Printed per Worker: CPU per request of its process, all
 * threads, and the ratio to the first Worker; then by thread (`workerd` is the isolate's thread,
 * `V8 DefaultWorke` V8's garbage-collection and compiler threads).
 *
 * Defaults: the non-stream chat of `npm run bench`. A path outside this repository builds another
 * checkout's code (/other/worktree/bench/proxy-worker.ts). `file.ts@N` builds it with
 * `--define BISECT:N`, for bisecting with early returns in a scratch copy
 * (`declare const BISECT: number; const B = typeof BISECT === 'undefined' ? 0 : BISECT;`).
 * An early return should still read the request body: an unread body costs workerd about
 * 100 µs to discard, which would swamp what is being measured.
 */
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PARAMS } from './params.mjs';
import { startWorker, threadCpuMs } from './workerd.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '20' }, path: { type: 'string', default: '/v1/chat/completions' }, body: { type: 'string' } },
});
if (!positionals.length) {
  console.error('usage: node bench/ab.mjs [--seconds N] [--path P] [--body JSON] worker.ts[@N] ...');
  process.exit(2);
}
const body =
  values.body ?? (values.path === '/v1/chat/completions' ? JSON.stringify({ model: PARAMS.models.chat, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say something short.' }] }) : undefined);

const total = (t) => Object.values(t).reduce((a, b) => a + b, 0);

const workers = [];
for (const [i, spec] of positionals.entries()) {
  const [file, define] = spec.split('@');
  const outdir = join(root, 'bench', '.build', `ab-${i}`);
  const built = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'wrangler.mjs'), 'deploy', resolve(file), '--dry-run', '--outdir', outdir, '--name', `bench-ab-${i}`, '--minify', ...(define ? ['--define', `BISECT:${define}`] : [])],
    { cwd: root, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`${spec}: build failed\n${built.stdout}\n${built.stderr}`);
  const { mf, url: base, pid } = await startWorker(join(outdir, `${basename(file, '.ts')}.js`));
  const url = base + values.path;
  workers.push({ spec, mf, url, pid });
}

const init = { method: body ? 'POST' : 'GET', headers: { authorization: 'Bearer bench', 'accept-encoding': 'identity', 'content-type': 'application/json' }, body };
const once = async (w) => {
  const res = await fetch(w.url, init);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${w.spec}: HTTP ${res.status}`);
};
try {
  for (let i = 0; i < 300; i++) for (const w of workers) await once(w);
  for (const w of workers) w.before = threadCpuMs(w.pid);
  const end = performance.now() + Number(values.seconds) * 1000;
  let rounds = 0;
  while (performance.now() < end) {
    for (const w of workers) await once(w);
    rounds++;
  }
  let first;
  for (const w of workers) {
    const after = threadCpuMs(w.pid);
    const spent = Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, ms - (w.before[name] ?? 0)]));
    const us = (total(spent) / rounds) * 1000;
    first ??= us;
    const byThread = Object.entries(spent).filter(([, ms]) => (ms / rounds) * 1000 >= 5).map(([name, ms]) => `${name} ${((ms / rounds) * 1000).toFixed(0)}`);
    console.log(`${w.spec.padEnd(48)} ${us.toFixed(0).padStart(6)} µs/request  ${(us / first).toFixed(2)}×   (${byThread.join(', ')})`);
  }
  console.log(`${rounds} requests each, ${values.path}`);
} finally {
  for (const w of workers) await w.mf.dispose();
}

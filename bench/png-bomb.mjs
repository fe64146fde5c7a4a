#!/usr/bin/env node
/**
 * `npm run bench:bomb`: how fast src/lib/png-mask.ts refuses the decompression bomb of issue 13
 * (a 2048x2048 RGBA mask whose 510 KiB of image data inflate to 512 MiB), and what it costs,
 * against real 2048x2048 masks. Runs inside workerd (miniflare), as production does: a Worker
 * that hands the request body to inpaintingMask() with the image size in `?s=`. The image being
 * edited is 512x512 (the mask is refused from its header: a mask must have its image's
 * dimensions) or 2048x2048 (the mask is inflated until it passes the 16 MiB those dimensions need).
 *
 * Prints per case the wall time of a request (median, min; a loaded machine moves these), the
 * workerd process's CPU time per request (from /proc, which load barely moves) and how far its
 * resident memory rose above where it started.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { BOMB_IDAT_DEFLATED } from '../test/fixtures/png-bomb.ts';
import { benchMiniflare } from './miniflare.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RUNS ?? 15);

const script = join(root, 'bench', '.build', 'png-bomb-worker.js');
mkdirSync(dirname(script), { recursive: true });
const entry = `
import { MaskError, inpaintingMask } from './src/lib/png-mask.ts';
export default {
  async fetch(req) {
    const png = new Uint8Array(await req.arrayBuffer());
    const s = Number(new URL(req.url).searchParams.get('s'));
    try {
      return new Response('accepted (' + (await inpaintingMask(png, { width: s, height: s })).length + ' bytes out)');
    } catch (err) {
      return new Response(err instanceof MaskError ? 'refused: ' + err.message : 'crashed: ' + err, { status: err instanceof MaskError ? 400 : 500 });
    }
  },
};`;
const built = await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'neutral', write: false });
writeFileSync(script, built.outputFiles[0].text);

function pngFile(width, height, idat) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]));
}

const bomb = pngFile(2048, 2048, inflateSync(Buffer.from(BOMB_IDAT_DEFLATED, 'base64')));
const ROW = 2048 * 4 + 1;
// A drawn mask: black, every row filter 0, alpha in 16-pixel stripes (compresses well).
const rows = Buffer.alloc(2048 * ROW);
for (let y = 0; y < 2048; y++) for (let x = 0; x < 2048; x++) rows[y * ROW + 1 + x * 4 + 3] = (x >> 4) & 1 ? 255 : 0;
const drawn = pngFile(2048, 2048, deflateSync(rows));
// A photo with a transparent hole (how many masks are made: the image, part erased), its rows
// filtered as an encoder would (each filter in turn: none, sub, up, average, paeth).
const pixels = Buffer.alloc(2048 * 2048 * 4);
for (let y = 0; y < 2048; y++) {
  for (let x = 0; x < 2048; x++) {
    const o = (y * 2048 + x) * 4;
    pixels.set([(x * y) >> 9 & 255, (x + 3 * y) >> 4 & 255, (x ^ y) >> 3 & 255, Math.hypot(x - 1024, y - 1024) < 600 ? 0 : 255], o);
  }
}
const paeth = (a, b, c) => {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};
const filtered = Buffer.alloc(2048 * ROW);
for (let y = 0; y < 2048; y++) {
  const f = y % 5;
  filtered[y * ROW] = f;
  for (let i = 0; i < 2048 * 4; i++) {
    const cur = pixels[y * 8192 + i], left = i >= 4 ? pixels[y * 8192 + i - 4] : 0;
    const up = y ? pixels[(y - 1) * 8192 + i] : 0, ul = y && i >= 4 ? pixels[(y - 1) * 8192 + i - 4] : 0;
    const pred = [0, left, up, (left + up) >> 1, paeth(left, up, ul)][f];
    filtered[y * ROW + 1 + i] = (cur - pred) & 255;
  }
}
const photo = pngFile(2048, 2048, deflateSync(filtered));

const mf = benchMiniflare(script, {});
const MiB = 1024 * 1024;
try {
  const url = (await mf.ready).href;
  // The workerd processes miniflare started (children of this one), for CPU time and memory.
  const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const workerd = [];
  const walk = (pid) => {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean)) {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('workerd')) workerd.push(child);
      walk(child);
    }
  };
  let cpuMs = () => NaN;
  let rssMiB = () => NaN;
  try {
    walk(process.pid);
    // utime + stime in clock ticks (100 a second on Linux).
    cpuMs = () => workerd.reduce((n, pid) => n + Number(stat(pid)[11]) + Number(stat(pid)[12]), 0) * 10;
    rssMiB = () => workerd.reduce((n, pid) => n + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]), 0) / 1024;
  } catch {
    // Not Linux: wall times only.
  }

  const measure = async (name, png, size) => {
    const send = async () => {
      const res = await fetch(`${url}?s=${size}`, { method: 'POST', body: png });
      return res.text();
    };
    for (let i = 0; i < 3; i++) await send();
    const rss = rssMiB();
    let peak = rss;
    const timer = setInterval(() => (peak = Math.max(peak, rssMiB())), 2);
    const times = [];
    let outcome = '';
    const cpu = cpuMs();
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      outcome = await send();
      times.push(performance.now() - t);
    }
    const cpuPer = (cpuMs() - cpu) / RUNS;
    clearInterval(timer);
    times.sort((a, b) => a - b);
    return {
      case: name,
      'input KiB': Math.round(png.length / 1024),
      'median ms': times[Math.floor(RUNS / 2)].toFixed(1),
      'min ms': times[0].toFixed(1),
      'workerd CPU ms': cpuPer.toFixed(1),
      'RSS rise MiB': (peak - rss).toFixed(1),
      outcome: outcome.slice(0, 70),
    };
  };

  console.table([
    await measure('bomb: 510 KiB -> 512 MiB, 512x512 image', bomb, 512),
    await measure('bomb: 510 KiB -> 512 MiB, 2048x2048 image', bomb, 2048),
    await measure('drawn 2048x2048 RGBA mask', drawn, 2048),
    await measure('2048x2048 RGBA photo with a hole', photo, 2048),
  ]);
  console.log(`${RUNS} requests a case after 3 to warm up; workerd CPU ms is per request, the request's own handling included (about 1 ms).`);
} finally {
  await mf.dispose();
}

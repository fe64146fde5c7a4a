#!/usr/bin/env node
/**
 * `npm run bench:bomb`: how fast src/lib/png-mask.ts refuses the decompression bomb of issue 13
 * (a 2048x2048 RGBA mask whose 510 KiB of image data inflate to 512 MiB), and what it costs in
 * memory, against a real 2048x2048 mask of the same shape. The image being edited is 512x512 (the
 * mask is refused from its header: a mask must have its image's dimensions) or 2048x2048 (the mask
 * is inflated until it passes the 16 MiB those dimensions need). Runs under the project's Node 22,
 * whose DecompressionStream is slower than workerd's native one.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { MaskError, inpaintingMask } from '../src/lib/png-mask.ts';
import { BOMB_IDAT_DEFLATED } from '../test/fixtures/png-bomb.ts';

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

const MiB = 1024 * 1024;
const bomb = pngFile(2048, 2048, inflateSync(Buffer.from(BOMB_IDAT_DEFLATED, 'base64')));
// A real mask: every row filter 0, alpha alternating (compresses well, inflates to exactly its size).
const rows = Buffer.alloc(2048 * (2048 * 4 + 1));
for (let y = 0; y < 2048; y++) for (let x = 0; x < 2048; x++) rows[y * (2048 * 4 + 1) + 1 + x * 4 + 3] = (x >> 4) & 1 ? 255 : 0;
const real = pngFile(2048, 2048, deflateSync(rows));

async function measure(name, png, image, runs = 5) {
  const times = [];
  let outcome = '';
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    try {
      const out = await inpaintingMask(png, image);
      outcome = `accepted (${out.length} bytes out)`;
    } catch (err) {
      outcome = err instanceof MaskError ? `refused: ${err.message}` : `crashed: ${err}`;
    }
    times.push(performance.now() - t);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  clearInterval(timer);
  times.sort((a, b) => a - b);
  return { case: name, 'input KiB': Math.round(png.length / 1024), 'median ms': times[Math.floor(runs / 2)].toFixed(1), 'max ms': times.at(-1).toFixed(1), 'RSS growth MiB': ((peak - before.rss) / MiB).toFixed(1), outcome };
}

const small = { width: 512, height: 512 };
const large = { width: 2048, height: 2048 };
console.table([
  await measure('bomb: 510 KiB -> 512 MiB, 512x512 image', bomb, small),
  await measure('bomb: 510 KiB -> 512 MiB, 2048x2048 image', bomb, large),
  await measure('real 2048x2048 RGBA mask', real, large),
]);

#!/usr/bin/env node
// The production bundle's size, and what each part of it costs. `npm run build` prints the totals
// of dist/index.js; `npm run size` builds into a temporary directory and prints the parts too
// (`--json` for the figures as JSON); bench/run.mjs and test/build/bundle.mjs use the same numbers.
//
// Sizes: minified bytes of the built file and its gzip at level 9. A part is a package
// (node_modules/<name>, zod split by its folders) or a folder of src/ (src/services/chat, ...);
// its bytes come from the source map (each output character belongs to the source it maps to).
// Its gzip cost is marginal: how much smaller the gzip of the bundle gets with the part's characters
// cut out. That is what removing the part would save; the parts' costs add up to less than the
// total, the rest being what gzip shares between them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(fileURLToPath(import.meta.url), '..', '..');

export const gzipSize = (code) => gzipSync(code, { level: 9 }).length;
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Builds the production bundle as `npm run build` does (wrangler deploy --dry-run) into `outdir`; returns the file. */
export function buildBundle(outdir) {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'wrangler.mjs'), 'deploy', '--dry-run', '--outdir', outdir], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`wrangler build failed:\n${built.stdout}\n${built.stderr}`);
  return join(outdir, 'index.js');
}

const B64 = Object.fromEntries([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Decodes one source-map "mappings" segment (base64 VLQ) into its numbers. */
function vlq(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = B64[c];
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The part a source belongs to: a package (zod by folder), a folder of src/, or a file at src/'s top. */
export function partOf(source) {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const path = source.slice(nm + 'node_modules/'.length).split('/');
    const name = path[0].startsWith('@') ? `${path[0]}/${path[1]}` : path[0];
    if (name === 'zod') return `zod/${path.slice(1, path[1] === 'v4' ? 3 : 2).join('/')}`.replace(/\/[^/]+\.js$/, '');
    return name;
  }
  const path = source.replace(/^(\.\.\/)+/, '').split('/');
  const at = path.indexOf('src');
  if (at < 0) return source;
  const rest = path.slice(at);
  // src/services/<surface>/..., src/<folder>/..., src/<file>.ts
  return rest.slice(0, rest[1] === 'services' && rest.length > 3 ? 3 : rest.length > 2 ? 2 : rest.length).join('/');
}

/**
 * Sizes of a built bundle (`file`, with `file.map` beside it when `parts` is wanted): totals, and
 * per part its minified bytes and marginal gzip cost, largest first.
 */
export function measure(file, { parts = false, byFile = false } = {}) {
  const code = readFileSync(file, 'utf8');
  const result = { minifiedBytes: Buffer.byteLength(code), gzipBytes: gzipSize(code) };
  if (!parts) return result;
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  const lines = code.split('\n');
  // owner[line] = [startColumn, part][] in order; columns are UTF-16 offsets, as String#slice counts.
  const bytes = new Map();
  const ranges = new Map(); // part -> [lineIndex, start, end][]
  let source = 0;
  map.mappings.split(';').forEach((line, index) => {
    const text = lines[index] ?? '';
    let column = 0;
    const segments = line ? line.split(',').map(vlq) : [];
    let previous = { start: 0, part: '(not mapped)' };
    const flush = (end) => {
      if (end <= previous.start) return;
      const list = ranges.get(previous.part) ?? [];
      list.push([index, previous.start, end]);
      ranges.set(previous.part, list);
      bytes.set(previous.part, (bytes.get(previous.part) ?? 0) + Buffer.byteLength(text.slice(previous.start, end)));
    };
    for (const s of segments) {
      column += s[0];
      if (s.length > 1) source += s[1];
      flush(column);
      previous = { start: column, part: s.length > 1 ? (byFile ? map.sources[source].replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '') : partOf(map.sources[source])) : '(not mapped)' };
    }
    flush(text.length);
    // The newline itself counts for nobody.
  });
  result.parts = [...ranges.entries()]
    .map(([part, list]) => {
      const cut = lines.map((l) => [l]);
      const byLine = new Map();
      for (const [line, start, end] of list) (byLine.get(line) ?? byLine.set(line, []).get(line)).push([start, end]);
      for (const [line, spans] of byLine) {
        const text = lines[line];
        let kept = '';
        let at = 0;
        for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
          kept += text.slice(at, start);
          at = end;
        }
        cut[line] = [kept + text.slice(at)];
      }
      const without = cut.map((l) => l[0]).join('\n');
      return { part, minifiedBytes: bytes.get(part), gzipBytes: result.gzipBytes - gzipSize(without) };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes || b.minifiedBytes - a.minifiedBytes);
  return result;
}

/** The one-line summary `npm run build`, `npm run bench` and the bundle test print. */
export const summary = ({ minifiedBytes, gzipBytes }) => `Production bundle: ${kib(minifiedBytes)} minified, ${kib(gzipBytes)} gzip -9`;

/** The parts as a Markdown table (docs/benchmarks.md takes it as is). */
export const table = (parts) =>
  ['| Part | Minified | gzip (saved if removed) |', '|---|---:|---:|', ...parts.map((p) => `| \`${p.part}\` | ${kib(p.minifiedBytes)} | ${kib(p.gzipBytes)} |`)].join('\n');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const given = args.find((a) => !a.startsWith('--'));
  let tmp;
  try {
    let file;
    if (given) {
      file = resolve(given);
      if (!existsSync(file)) throw new Error(`${relative(process.cwd(), file)} does not exist: run npm run build`);
    } else {
      const { buildDocs } = await import('./build-docs.mjs');
      await buildDocs();
      tmp = mkdtempSync(join(tmpdir(), 'bundle-size-'));
      file = buildBundle(tmp);
    }
    const sizes = measure(file, { parts: args.some((a) => ['--parts', '--files', '--json'].includes(a)), byFile: args.includes('--files') });
    if (args.includes('--json')) console.log(JSON.stringify(sizes, null, 2));
    else {
      console.log(summary(sizes));
      if (sizes.parts) console.log(table(sizes.parts));
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

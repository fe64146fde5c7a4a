#!/usr/bin/env node
// Builds the production bundle as `npm run build` does (wrangler deploy --dry-run, minified) into a
// temporary directory and checks that build-time code stayed out of it: zod's JSON-Schema
// converter and the pages (/openapi.json, /docs, the playground are static assets built by
// scripts/build-docs.mjs into public/), and the emulator (src/dev/). Then its size: the issue's
// target is at most 60 KiB gzip, never more than 64 (issue 12). Not reached yet, so the test holds
// the line instead: it fails above BAR_KIB, today's size plus a little room, to be lowered as cuts
// land, and prints how far the bundle is from the target and the parts that cost most
// (`npm run size` lists them all). Run by `npm test`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDocs, publicDir } from '../../scripts/build-docs.mjs';
import { buildBundle, kib, measure, summary } from '../../scripts/bundle-size.mjs';
import { root } from '../support/dev-server.mjs';

const TARGET_KIB = 60;
const HARD_KIB = 64;
/** Fails above this many KiB gzip. The bundle was 86.1 when this was set (2026-12-01, 16:55 UTC); lower it whenever the bundle shrinks, to HARD_KIB and then TARGET_KIB. */
const BAR_KIB = 88;

const EMULATOR_MARKER = 'synthetic reply from the Workers AI emulator';
const out = mkdtempSync(join(tmpdir(), 'bundle-check-'));
let failed = 0;
try {
  await buildDocs();
  const file = buildBundle(out);
  const code = readFileSync(file, 'utf8');
  const sizes = measure(file, { parts: true });
  const gzipKib = sizes.gzipBytes / 1024;
  const checks = [
    // A message of zod's to-json-schema.js (v4 core), present in any bundle that includes the converter.
    ['no zod JSON-Schema converter', !code.includes('cannot be represented in JSON Schema')],
    // The emulator's reply text (src/dev/emulator): the production entry must not bundle src/dev/.
    ['no emulator code', readFileSync(join(root, 'src', 'dev', 'emulator', 'index.ts'), 'utf8').includes(EMULATOR_MARKER) && !code.includes(EMULATOR_MARKER)],
    // The pages are files of public/ (wrangler's [assets]), not strings of the bundle.
    ['no OpenAPI document', !code.includes('3.1.0')],
    ...['docs.html', 'playground.html', 'admin.html'].map((file) => {
      const title = /<title>([^<]+)<\/title>/.exec(readFileSync(join(publicDir, file), 'utf8'))?.[1];
      return [`no ${file} (its title "${title}")`, !!title && !code.includes(title)];
    }),
    // zod/mini only: the full build (zod, zod/v4) and its locales stay out.
    ['no full zod, no zod locales', !/node_modules\/zod\/(v4\/classic|v4\/locales|v3)\//.test(readFileSync(`${file}.map`, 'utf8'))],
    // hono's SmartRouter and TrieRouter: src/lib/hono.ts routes with RegExpRouter alone.
    ['no SmartRouter, no TrieRouter', !/node_modules\/hono\/dist\/router\/(smart|trie)-router\/router\.js/.test(readFileSync(`${file}.map`, 'utf8'))],
    [`at most ${BAR_KIB} KiB gzip (today's bar; target ${TARGET_KIB}, hard bar ${HARD_KIB})`, gzipKib <= BAR_KIB],
  ];
  for (const [name, ok] of checks) {
    console.log(`  ${ok ? '✓' : '✗'} ${name}`);
    if (!ok) failed++;
  }
  console.log(summary(sizes));
  console.log(
    gzipKib <= TARGET_KIB
      ? `  within the ${TARGET_KIB} KiB target: lower BAR_KIB in test/build/bundle.mjs to ${TARGET_KIB}`
      : `  NOT within issue 12's target: ${kib(sizes.gzipBytes - TARGET_KIB * 1024)} over ${TARGET_KIB} KiB (hard bar ${HARD_KIB}). Costliest parts (gzip saved if removed):`,
  );
  if (gzipKib > TARGET_KIB) for (const p of sizes.parts.slice(0, 8)) console.log(`    ${kib(p.gzipBytes).padStart(9)}  ${p.part}`);
} catch (err) {
  console.error(err.stack ?? err);
  failed++;
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`${failed ? 0 : 1} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

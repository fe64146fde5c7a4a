#!/usr/bin/env node
// Builds the production bundle as `npm run build` does (wrangler deploy --dry-run, minified) into a
// temporary directory and checks that build-time code stayed out of it: zod's JSON-Schema
// converter and the pages (/openapi.json, /docs, the playground are static assets built by
// scripts/build-docs.mjs into public/), and the emulator (src/dev/). Prints the sizes. Run by `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDocs, publicDir } from '../../scripts/build-docs.mjs';
import { root } from '../support/dev-server.mjs';

const EMULATOR_MARKER = 'synthetic reply from the Workers AI emulator';
const out = mkdtempSync(join(tmpdir(), 'bundle-check-'));
let failed = 0;
try {
  await buildDocs();
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'wrangler.mjs'), 'deploy', '--dry-run', '--outdir', out], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`wrangler build failed:\n${built.stdout}\n${built.stderr}`);
  const code = readFileSync(join(out, 'index.js'), 'utf8');
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
  ];
  for (const [name, ok] of checks) {
    console.log(`  ${ok ? '✓' : '✗'} ${name}`);
    if (!ok) failed++;
  }
  console.log(`bundle: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} KiB gzip -9`);
} catch (err) {
  console.error(err.stack ?? err);
  failed++;
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`${failed ? 0 : 1} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

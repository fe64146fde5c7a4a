#!/usr/bin/env node
// Builds the Worker's static pages once, at build time: /openapi.json and /docs from the route
// table (src/docs/endpoints.ts) and the routes' Zod schemas, the playground, and whatever else
// src/pages/build.ts lists, into public/ (git-ignored). wrangler serves public/ as the Worker's
// static assets ([assets] in wrangler.toml, binding ASSETS) and src/routes/pages.ts answers with
// them, so neither zod's JSON-Schema converter nor the page texts are in the bundle. Run by
// `npm run dev`, `build`, `deploy`, `typecheck`, `bench`, vitest's config and the Node-side tests
// (test/support/dev-server.mjs, test/build/bundle.mjs); a file is rewritten only when its content
// changes, and files no longer listed are removed. `--check` fails if any file is missing or stale.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const publicDir = join(root, 'public');

export async function buildDocs({ check = false } = {}) {
  const result = await build({
    entryPoints: [join(root, 'src', 'pages', 'build.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].text;
  const { render } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const files = render();
  const changed = [];
  let bytes = 0;
  mkdirSync(publicDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    bytes += Buffer.byteLength(text);
    const target = join(publicDir, name);
    if (existsSync(target) && readFileSync(target, 'utf8') === text) continue;
    if (check) throw new Error(`public/${name} is missing or stale: run node scripts/build-docs.mjs`);
    writeFileSync(target, text);
    changed.push(name);
  }
  for (const name of readdirSync(publicDir)) {
    if (name in files) continue;
    if (check) throw new Error(`public/${name} is not a page of src/pages/build.ts: run node scripts/build-docs.mjs`);
    rmSync(join(publicDir, name), { recursive: true, force: true });
    changed.push(`-${name}`);
  }
  return { changed, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { changed, bytes } = await buildDocs({ check: process.argv.includes('--check') });
  if (changed.length) console.log(`build-docs: wrote public/ (${changed.join(', ')}; ${(bytes / 1024).toFixed(1)} KiB in all)`);
}

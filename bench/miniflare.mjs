/**
 * One bench Worker in its own workerd process, as bench/run.mjs and bench/profile.mjs start it:
 * miniflare 5's own option shape (its README still documents the v4 one), the project's
 * compatibility date, the fake upstream's parameters as `env.BENCH`, and no request logging
 * (it would add work in workerd and in Node for every request).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'))?.[1];

export function benchMiniflare(scriptPath, params, options = {}) {
  return new Miniflare({
    port: 0,
    logRequests: false,
    unsafeLocalExplorer: false,
    ...options,
    workers: [
      {
        config: {
          name: 'bench',
          type: 'worker',
          compatibilityDate,
          manifest: { mainModule: 'worker.js', modules: { 'worker.js': { type: 'esm', contents: readFileSync(scriptPath, 'utf8') } } },
          env: { BENCH: { type: 'json', value: params } },
        },
      },
    ],
  });
}

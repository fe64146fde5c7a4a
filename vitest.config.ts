import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { generatedModels } from './test/generated/plugin';
import { anthropicSchemas } from './test/anthropic/plugin';
import { openaiSchemas } from './test/openapi/plugin';
import { buildDocs } from './scripts/build-docs.mjs';

// The pages (public/: /openapi.json, /docs, the playground) are built before the Worker, as `npm run build` does.
await buildDocs();

// Nothing in the test run may reach the network.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

export default defineConfig({
  plugins: [
    openaiSchemas(),
    generatedModels(),
    anthropicSchemas(),
    cloudflareTest({
      main: './src/dev.ts',
      // Same date as wrangler.toml; the pool's workerd supports dates up to 2026-08-22.
      miniflare: {
        compatibilityDate: '2026-08-15',
        compatibilityFlags: ['nodejs_compat', 'enable_request_signal'],
        // A real (local) Rate Limiting binding for test/production.test.ts.
        ratelimits: { RATE_LIMITER: { namespace_id: '1001', simple: { limit: 3, period: 60 } } },
        kvNamespaces: ['RESPONSE_CACHE_KV', 'RESPONSES_STORE_KV', 'KEYS_KV'],
        // Managed keys (test/keys/): the KeyLedger Durable Object exported by src/dev.ts, run in workerd.
        durableObjects: { KEY_LEDGER: { className: 'KeyLedger', useSQLite: true } },
        // IMAGES_BUCKET: a local R2 bucket for the stored-image tests (test/support/images.ts).
        r2Buckets: ['IMAGES_BUCKET'],
        // RAG_DB: a local D1 database for the RAG tests (Vectorize has no local simulation: test/support/vectorize.ts fakes it).
        d1Databases: ['RAG_DB'],
        // ASSETS: the pages, as wrangler.toml's [assets] serves them (test/support/http.ts hands it to every env).
        assets: { directory: './public', binding: 'ASSETS', run_worker_first: true, assetConfig: { html_handling: 'none', not_found_handling: 'none' } },
      },
    }),
  ],
  test: { include: ['test/**/*.test.ts'] },
});

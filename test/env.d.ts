// Bindings the test pool provides (vitest.config.ts miniflare options).
declare namespace Cloudflare {
  interface Env {
    RATE_LIMITER: RateLimit;
    RESPONSE_CACHE_KV: KVNamespace;
    RESPONSES_STORE_KV: KVNamespace;
    RAG_DB: D1Database;
    ASSETS: Fetcher;
    KEYS_KV: KVNamespace;
    KEY_LEDGER: DurableObjectNamespace;
  }
}

declare module 'virtual:generated-models' {
  /** Whether each generated file matches scripts/gen-models.mjs run on ../shared today (test/generated/plugin.ts). */
  const verdict: { data: boolean; files: { file: string; current: boolean }[]; stats?: Record<string, number> };
  export default verdict;
}

declare module '*?raw' {
  /** A file's text, inlined by Vite at test build time (recorded fixtures under test/fixtures/). */
  const text: string;
  export default text;
}

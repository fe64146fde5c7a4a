/**
 * The benchmark's proxy Worker: the real app (src/app.ts) on the binding transport, with the
 * instant fake upstream as `env.AI`, a key configured and request logging off.
 */
import { app } from '../src/app';
import type { Env } from '../src/env';
import { fakeAI, type BenchEnv } from './fake-upstream';

// One env object for the isolate's life, as the runtime gives a deployed Worker: the app caches
// its services (config, catalog) per env object.
let env: Env | undefined;

export default {
  fetch(request, bench, ctx) {
    env ??= { AI: fakeAI(bench.BENCH) as unknown as Ai, PROXY_API_KEY: 'bench', LOG_REQUESTS: 'false', ALLOWED_ORIGINS: '*' };
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;

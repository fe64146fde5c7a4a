/**
 * For profiling only (bench/profile.mjs loop ...): the proxy Worker, but each request runs the
 * app 200 times in-process on a copy of itself, so that a CPU profile samples the app's own
 * JavaScript densely instead of the HTTP handling around one request.
 */
import { app } from '../src/app';
import type { Env } from '../src/env';
import { fakeAI, type BenchEnv } from './fake-upstream';

let env: Env | undefined;
const REPEAT = 200;

export default {
  async fetch(request, bench, ctx) {
    env ??= { AI: fakeAI(bench.BENCH) as unknown as Ai, PROXY_API_KEY: 'bench', LOG_REQUESTS: 'false', ALLOWED_ORIGINS: '*' };
    const body = request.method === 'GET' ? undefined : await request.text();
    let bytes = 0;
    for (let i = 0; i < REPEAT; i++) {
      const res = await app.fetch(new Request(request.url, { method: request.method, headers: request.headers, body }), env, ctx);
      bytes += (await res.arrayBuffer()).byteLength;
    }
    return new Response(String(bytes));
  },
} satisfies ExportedHandler<BenchEnv>;

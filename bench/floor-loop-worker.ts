/**
 * For profiling only (bench/profile.mjs floor-loop ...): the floor's work 200 times in-process per
 * request, the counterpart of loop-worker.ts, so that the app's own JavaScript can be compared
 * with the floor's without the HTTP handling around one request.
 */
import floor from './floor-worker';
import type { BenchEnv } from './fake-upstream';

const REPEAT = 200;

export default {
  async fetch(request, bench, ctx) {
    const body = request.method === 'GET' ? undefined : await request.text();
    let bytes = 0;
    for (let i = 0; i < REPEAT; i++) {
      const res = await (floor.fetch as (r: Request, e: BenchEnv, c: ExecutionContext) => Promise<Response>)(new Request(request.url, { method: request.method, headers: request.headers, body }) as never, bench, ctx);
      bytes += (await res.arrayBuffer()).byteLength;
    }
    return new Response(String(bytes));
  },
} satisfies ExportedHandler<BenchEnv>;

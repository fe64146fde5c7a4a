/**
 * The benchmark's floor: a bare pass-through Worker on the same fake upstream. It reads the
 * request, runs the model it names and returns what the upstream gave (JSON.stringify of an
 * object, or the stream as the body) with no auth, validation or translation. What the proxy
 * costs above this is the proxy's own overhead.
 */
import { fakeAI, type BenchEnv } from './fake-upstream';

let ai: ReturnType<typeof fakeAI> | undefined;

const json = (value: unknown) => new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, bench) {
    ai ??= fakeAI(bench.BENCH);
    if (request.method === 'GET') return json(await ai.models());
    const body = await request.json<Record<string, unknown>>();
    const out = await ai.run(String(body.model), body);
    if (out instanceof ReadableStream) {
      return new Response(out, { headers: { 'content-type': body.stream ? 'text/event-stream' : 'application/octet-stream' } });
    }
    return json(out);
  },
} satisfies ExportedHandler<BenchEnv>;

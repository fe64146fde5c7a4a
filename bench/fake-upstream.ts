/**
 * The benchmark's upstream: an instant stand-in for `env.AI` shared by the proxy and the floor
 * Worker. Every output is built once per isolate, in the shapes the real binding returns, so a
 * measured request costs only what the Worker in front of it does.
 */
import { toBase64 } from '../src/lib/base64';
import { png } from '../src/dev/emulator';
import { CATALOG } from '../src/dev/emulator/catalog';

/** What bench/run.mjs passes in as the `BENCH` JSON binding: the one place the cases are sized. */
export interface BenchParams {
  models: {
    chat: string;
    slowChat: string;
    /** Streams OpenAI chunks whose deltas are tool-call argument fragments (qwen3's shape). */
    tools: string;
    /** Streams `{response}` tokens: thinking without the opening `<think>`, then the answer (deepseek-r1-distill). */
    reasoning: string;
    embeddings: string;
    sdxl: string;
    flux: string;
  };
  /** Token events in each instant stream (chat, tool call, reasoning). */
  streamEvents: number;
  /** Token events in the slow stream, one every `slowIntervalMs`. */
  slowEvents: number;
  slowIntervalMs: number;
  embeddingRows: number;
  embeddingDims: number;
  /** Size of the generated image, in bytes. */
  imageBytes: number;
}

export interface BenchEnv {
  BENCH: BenchParams;
}

const encoder = new TextEncoder();
const sse = (payload: unknown) => encoder.encode(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
const IMAGE_CHUNK = 64 * 1024;

/** mulberry32: deterministic filler, so every run sends the same bytes. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};


/**
 * A fresh stream over prebuilt chunks (copied, as a network read would hand out new buffers);
 * `delayMs(i)` is how long to wait before chunk i.
 */
function streamOf(chunks: readonly Uint8Array[], delayMs?: (i: number) => number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i >= chunks.length) return controller.close();
      const wait = delayMs?.(i) ?? 0;
      if (wait > 0) await scheduler.wait(wait);
      controller.enqueue(chunks[i++]!.slice());
    },
  });
}

/**
 * A tool call streamed as OpenAI chunks, as qwen3 sends it: the role, the call's id and name,
 * `count` argument fragments that together are one JSON object, then finish_reason and usage.
 */
function toolCallEvents(count: number) {
  const choice = (delta: unknown, finish: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finish }] });
  const fragment = (i: number) => (i === 0 ? '{"items": [' : i === count - 1 ? '"last"]}' : `"item ${i}", `);
  return [
    sse(choice({ role: 'assistant', content: '' })),
    sse(choice({ tool_calls: [{ id: 'chatcmpl-tool-bench', type: 'function', index: 0, function: { name: 'record' } }] })),
    ...Array.from({ length: count }, (_, i) => sse(choice({ tool_calls: [{ index: 0, function: { arguments: fragment(i) } }] }))),
    sse({ ...choice({}, 'tool_calls'), usage: { prompt_tokens: 40, completion_tokens: count, total_tokens: 40 + count } }),
    sse('[DONE]'),
  ];
}

function build(p: BenchParams) {
  const random = prng(42);
  const tokenEvents = (count: number, token: (i: number) => string) => [
    ...Array.from({ length: count }, (_, i) => sse({ response: token(i), p: 'abcdefghijklmnopqrstuvwxyz0123456789'.slice(0, 8 + (i % 20)) })),
    sse({ response: '', usage: { prompt_tokens: 12, completion_tokens: count, total_tokens: 12 + count } }),
    sse('[DONE]'),
  ];

  // A PNG of about `imageBytes` (stored deflate blocks: 3 bytes a pixel), as SDXL streams it.
  const side = Math.floor(Math.sqrt(p.imageBytes / 3));
  const pngBytes = png(side, side, [40, 90, 160]);
  const pngChunks: Uint8Array[] = [];
  for (let i = 0; i < pngBytes.length; i += IMAGE_CHUNK) pngChunks.push(pngBytes.subarray(i, i + IMAGE_CHUNK));

  // flux-1-schnell answers with a base64 JPEG; only the markers are real, nobody decodes it.
  const jpeg = new Uint8Array(p.imageBytes).map(() => (random() * 256) | 0);
  jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
  jpeg.set([0xff, 0xd9], jpeg.length - 2);

  return {
    chat: {
      response: 'Here is a short answer of a few sentences, as a small model would give it. '.repeat(6).trim(),
      usage: { prompt_tokens: 12, completion_tokens: 90, total_tokens: 102 },
    },
    stream: tokenEvents(p.streamEvents, (i) => (i % 8 === 0 ? ' the' : ' tok')),
    slowStream: tokenEvents(p.slowEvents, (i) => ` slow${String(i).padStart(2, '0')}`),
    toolStream: toolCallEvents(p.streamEvents),
    // Half thinking, then `</think>`, then half answer: the splitter sees every token.
    reasoningStream: tokenEvents(p.streamEvents, (i) =>
      i < p.streamEvents / 2 ? (i % 8 === 0 ? ' hmm' : ' why') : i === p.streamEvents / 2 ? '</think>\n\nSo' : ' ans',
    ),
    // bge returns float32 values widened to doubles: long decimals, as the real JSON carries them.
    embeddings: Array.from({ length: p.embeddingRows }, () =>
      Array.from({ length: p.embeddingDims }, () => Math.fround((random() - 0.5) / 8)),
    ),
    pngChunks,
    fluxImage: toBase64(jpeg),
  };
}

/** A page of the catalog, as `env.AI.models({page, per_page})` returns it. */
function catalogPage(params: unknown) {
  const { page = 1, per_page = CATALOG.length } = (params ?? {}) as { page?: number; per_page?: number };
  return CATALOG.slice((page - 1) * per_page, page * per_page);
}

export function fakeAI(p: BenchParams) {
  let outputs: ReturnType<typeof build> | undefined;
  return {
    async models(params?: unknown) {
      return catalogPage(params);
    },
    async run(model: string, inputs: Record<string, unknown>): Promise<unknown> {
      const out = (outputs ??= build(p));
      switch (model) {
        case p.models.chat:
          return inputs.stream ? streamOf(out.stream) : { ...out.chat };
        case p.models.tools:
          return streamOf(out.toolStream);
        case p.models.reasoning:
          return streamOf(out.reasoningStream);
        case p.models.slowChat:
          return streamOf(out.slowStream, (i) => (i < p.slowEvents ? p.slowIntervalMs : 0));
        case p.models.embeddings: {
          const n = Array.isArray(inputs.text) ? Math.min(inputs.text.length, p.embeddingRows) : p.embeddingRows;
          return { shape: [n, p.embeddingDims], data: out.embeddings.slice(0, n), pooling: 'mean' };
        }
        case p.models.sdxl:
          return streamOf(out.pngChunks);
        case p.models.flux:
          return { image: out.fluxImage };
        default:
          throw new Error(`5007: No such model ${model} or task`);
      }
    },
  };
}

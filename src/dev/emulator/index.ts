/**
 * The `emulator` transport: an offline, deterministic stand-in for the Workers AI binding. It
 * answers every model in ./catalog.ts with the shapes the real `env.AI.run()` returns (objects,
 * SSE byte streams, binary streams), makes no network call and runs no model.
 *
 * Text generation, in short (see `answer` for the exact rule):
 * - the reply quotes the last user text; "count to N" adds the numbers 1..N, and asking for
 *   "long"/"longer"/"lengthy"/"essay"/"story"/"detailed"/"paragraph(s)" text keeps adding filler
 *   sentences until `max_tokens` (default 256) is reached;
 * - a token is a word or a punctuation mark with its leading whitespace; prompt_tokens is
 *   ceil(input characters / 4), at least 1;
 * - `seed` picks the first filler sentence; `temperature` is range-checked but output never
 *   depends on it (the emulator is always "greedy"). Only `created` timestamps vary between runs.
 * - tools: when the last message is from the user and names a tool (or tool_choice forces one),
 *   the model "calls" it with arguments sampled from its JSON schema; JSON mode
 *   (response_format / guided_json) answers with a value sampled from the schema (an object in
 *   legacy `response`), and is refused on streaming calls with 5023 as Workers AI does.
 * - streamed tool calls: legacy models send complete `{name, arguments}` calls in one event,
 *   llama-4-scout OpenAI-style fragments (id + name, argument pieces, a null entry), gpt-oss
 *   Responses `output_item` / `function_call_arguments` events.
 * - embeddings are unit vectors built from the text's words (see `vector`): texts sharing words
 *   score higher against each other, so RAG search works offline.
 */
import { proxyMisconfigured } from '../../errors';
import { UpstreamError, type CatalogModel, type ModelSchema, type RunOptions, type Upstream } from '../../services/upstream/types';
import { RETIRED } from '../../services/models/lifecycle.generated';
import { CATALOG, hash, hex, modelInfo, requiredFor, schemaFor, type ModelInfo } from './catalog';

type J = Record<string, any>;
const enc = new TextEncoder();
const dec = new TextDecoder();

const isObj = (x: unknown): x is J =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer);
const bad = (msg: string) => new UpstreamError(`5006: Error: ${msg}`, 5006, 400);
const missing = (k: string) => bad(`required properties at '/' are '${k}'`);

/** mulberry32: a tiny seeded PRNG. */
const rng = (a: number) => () => {
  a = (a + 0x6d2b79f5) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const b64 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};

// ---------------------------------------------------------------- text

const TOK = /\s*(?:[\p{L}\p{N}_'’]+|[^\s\p{L}\p{N}_])/gu;
/** One token per word or punctuation mark, each with its leading whitespace (as the real stream sends them). */
export const tokenize = (s: string): string[] => s.match(TOK) ?? [];
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();
const clip = (s: string, n: number) => ((s = flat(s)).length > n ? `${s.slice(0, n - 1)}…` : s);
const est = (s: string) => Math.max(1, Math.ceil(s.length / 4));
const textOf = (c: unknown): string =>
  typeof c === 'string' ? c : Array.isArray(c) ? c.map(textOf).join(' ') : isObj(c) ? textOf(c.text ?? c.content ?? '') : '';
const list = (x: unknown): string[] => (Array.isArray(x) ? x : x == null ? [] : [x]).map(String);

const FILL = [
  'No model was run: this text comes from a fixed list, so tests see the same answer every time.',
  'Ask for a long answer, or ask the emulator to count to a number, and it keeps writing until max_tokens is reached.',
  'Every word and every punctuation mark counts as one token, which keeps the usage numbers easy to check.',
  'The same input and seed always give the same reply, byte for byte.',
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.',
  'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.',
];

/**
 * The reply tokens: `prefix` (a reasoning block, if any) and a sentence quoting the last user
 * text; then, if that text says "count to N" (N capped at 100000), the numbers 1..N; then one
 * filler sentence, or filler sentences for ever when it asks for long text (the caller stops at
 * max_tokens). `seed` rotates which filler sentence comes first.
 */
function* answer(model: string, said: string, seed: number, prefix: string): Generator<string> {
  yield* tokenize(`${prefix}This is a synthetic reply from the Workers AI emulator for ${model}: you said "${clip(said, 80)}".`);
  const count = /\bcount (?:up )?(?:from 1 )?to (\d+)/i.exec(said);
  const long = /\b(long|longer|lengthy|essay|story|detailed|paragraphs?)\b/i.test(said);
  if (count) {
    const n = Math.min(Number(count[1]), 1e5);
    for (let i = 1; i <= n; i++) {
      if (i > 1) yield ',';
      yield ` ${i}`;
    }
    yield '.';
  }
  for (let i = Math.abs(seed); ; i++) {
    yield* tokenize(` ${FILL[i % FILL.length]}`);
    if (!long) break;
  }
}

/** A value that fits a JSON schema (first enum value, "emulated" strings, 1 for numbers, ...). */
const sample = (s: unknown, d = 0): unknown => {
  if (!isObj(s)) return 'emulated';
  if (Array.isArray(s.enum)) return s.enum[0];
  if ('const' in s) return s.const;
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'object' || isObj(s.properties)) {
    const o: J = {};
    for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = d < 8 ? sample(v, d + 1) : null;
    return o;
  }
  if (t === 'array') return [sample(s.items, d + 1)];
  return t === 'integer' || t === 'number' ? 1 : t === 'boolean' ? true : t === 'null' ? null : 'emulated';
};

/** The tool the emulated model calls, if any: tool_choice names one or is 'required', or the last user text names one. */
function pickTool(inp: J, lastRole: string, said: string): { name: string; args: J } | undefined {
  const tools: unknown[] = Array.isArray(inp.tools) ? inp.tools : [];
  const tc = inp.tool_choice;
  if (!tools.length || tc === 'none' || lastRole !== 'user') return;
  const fns = tools.filter(isObj).map((t) => (isObj(t.function) ? t.function : t));
  const want = isObj(tc) ? (tc.function?.name ?? tc.name) : undefined;
  const fn =
    fns.find((f) => (want ? f.name === want : !!f.name && said.toLowerCase().includes(String(f.name).toLowerCase()))) ??
    (want || tc === 'required' ? fns[0] : undefined);
  return fn && { name: String(fn.name), args: isObj(fn.parameters) ? (sample(fn.parameters) as J) : {} };
}

/** JSON mode: the answer text when response_format / guided_json / Responses text.format asks for JSON. */
function jsonAnswer(model: string, inp: J): string | undefined {
  const fmt = inp.response_format ?? (inp.guided_json ? { type: 'json_schema', json_schema: inp.guided_json } : inp.text?.format);
  if (!isObj(fmt) || !/json/.test(String(fmt.type))) return;
  const schema = fmt.json_schema?.schema ?? fmt.json_schema ?? fmt.schema;
  return JSON.stringify(schema ? sample(schema) : { response: `synthetic JSON from the Workers AI emulator for ${model}` });
}

const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2);
/** The `p` padding field the real stream adds to token events (random length there, hashed here). */
const pad = (i: number) => PAD.slice(0, 1 + (hash(String(i)) % 50));
const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** A lazy byte stream: each pull takes the next piece from `gen` (strings are UTF-8 encoded). */
function stream(gen: Iterator<string | Uint8Array>, signal?: AbortSignal): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(ctl) {
        if (signal?.aborted) return ctl.error(signal.reason);
        const r = gen.next();
        if (r.done) ctl.close();
        else ctl.enqueue(typeof r.value === 'string' ? enc.encode(r.value) : r.value);
      },
      cancel() {
        gen.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
const once = (f: () => Uint8Array, signal?: AbortSignal) => stream((function* () { yield f(); })(), signal);

function textGen(model: string, m: ModelInfo, inp: J, signal?: AbortSignal): unknown {
  const k = m.kind;
  if (inp.messages !== undefined && !Array.isArray(inp.messages)) throw bad(`Type mismatch of '/messages', 'array' not in '${typeof inp.messages}'`);
  const chat = Array.isArray(inp.messages);
  const resp = k === 'P' && !chat;
  if (resp ? inp.input == null && typeof inp.prompt !== 'string' : !chat && typeof inp.prompt !== 'string')
    throw k === 'C' ? missing('messages') : resp ? missing('input')
      : 'CA'.includes(k) ? missing('messages')
      : bad(`oneOf at '/' not met, 0 matches: required properties at '/' are 'prompt', required properties at '/' are 'messages'`);
  const temp = inp.temperature, tmax = 'LSQD'.includes(k) ? 5 : 2;
  if (temp != null && (typeof temp !== 'number' || temp < 0 || temp > tmax)) throw bad(`temperature must be between 0 and ${tmax} at '/temperature'`);
  const max = inp.max_tokens ?? inp.max_completion_tokens ?? inp.max_output_tokens ?? 256;
  if (!Number.isInteger(max) || max < 1) throw bad(`max_tokens must be an integer >= 1 at '/max_tokens'`);

  const src = resp ? (inp.input ?? inp.prompt) : inp.prompt;
  const items: J[] = chat ? inp.messages.filter(isObj) : Array.isArray(src) ? src.filter(isObj) : [{ role: 'user', content: src }];
  const all = `${resp && inp.instructions ? inp.instructions : ''}${items.map((x) => textOf(x.content ?? x.output ?? '')).join('\n')}`;
  const prompt_tokens = est(all);
  const last = items[items.length - 1];
  const lastRole = String(last?.role ?? (last?.type === 'function_call_output' ? 'tool' : 'user'));
  const said = textOf([...items].reverse().find((x) => x.role === 'user')?.content ?? '');
  const ctk = inp.chat_template_kwargs;
  const think = m.flags.includes('r') && !(isObj(ctk) && ctk.enable_thinking === false) && inp.reasoning_effort !== 'none'
    ? `The user wrote "${clip(said, 40)}". This is the emulator, so I will give a short, deterministic reply.`
    : '';
  const style = resp ? 'resp' : 'OCPA'.includes(k) ? (chat ? 'chat' : 'text') : 'legacy';
  // The OpenAI-shaped families report cached and reasoning tokens (see usage below).
  const detailed = 'OCA'.includes(k);
  // Reasoning goes in its own field for chat completions and Responses, else inline in the text.
  const sep = style === 'chat' || style === 'resp';
  const prefix = !think || sep ? '' : `${k === 'D' ? '' : '<think>\n'}${think}\n</think>\n\n`;
  const tool = pickTool(inp, lastRole, said);
  const json = jsonAnswer(model, inp);
  // Workers AI refuses JSON mode on a streaming call (AiError 5023) except through the Responses input.
  if (json !== undefined && inp.stream === true && style !== 'resp') throw new UpstreamError('5023: JSON Schema mode is not supported with stream mode', 5023, 400);
  const seed = Number.isInteger(inp.seed) ? (inp.seed as number) : 0;
  const id = hex(`${model}\n${JSON.stringify(inp)}`, 24);
  const callId = `call_${id}`;
  const created = Math.floor(Date.now() / 1000);
  const c = { n: 0, cut: false };

  function* pieces(): Generator<[number, string]> {
    if (think && sep) for (const t of tokenize(think)) yield [0, t];
    if (tool) return;
    for (const t of json ? tokenize(prefix + json) : answer(model, said, seed, prefix)) yield [1, t];
  }
  /** pieces() cut at max_tokens; [0, t] is reasoning, [1, t] answer text. */
  function* limited(): Generator<[number, string]> {
    for (const p of pieces()) {
      if (c.n >= max) return void (c.cut = true);
      c.n++;
      if (p[0] === 0) reasoningTokens++;
      yield p;
    }
    if (tool) c.n += tokenize(tool.name + JSON.stringify(tool.args)).length;
  }
  let reasoningTokens = 0;
  /**
   * Cached tokens: the prompt's whole 16-token blocks past the first 32, as if an earlier call had
   * sent the same prefix (deterministic, so tests can check the count passes through).
   */
  const cached = prompt_tokens > 32 ? Math.floor((prompt_tokens - 32) / 16) * 16 : 0;
  const usage = () => ({
    prompt_tokens,
    completion_tokens: c.n,
    total_tokens: prompt_tokens + c.n,
    ...(detailed && { prompt_tokens_details: { cached_tokens: cached }, completion_tokens_details: { reasoning_tokens: reasoningTokens } }),
  });
  // A tool call is made only when max_tokens did not run out during the reasoning.
  const called = () => !!tool && !c.cut;
  const finish = () => (c.cut ? 'length' : tool ? 'tool_calls' : 'stop');
  const legacyCalls = tool && [
    k === 'S' ? { id: callId, type: 'function', function: { name: tool.name, arguments: tool.args } } : { name: tool.name, arguments: tool.args },
  ];
  const oaCall = tool && { id: callId, type: 'function', function: { name: tool.name, arguments: JSON.stringify(tool.args) } };
  const chunk = (x: J | string, fin: string | null = null) =>
    style === 'chat'
      ? { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: x, logprobs: null, finish_reason: fin }] }
      : { id: `cmpl-${id}`, object: 'text_completion', created, model, choices: [{ index: 0, text: x, logprobs: null, finish_reason: fin }] };
  const response = (r: string, a: string, status: string) => {
    const u = usage();
    const output: J[] = think ? [{ id: `rs_${id}`, type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: r }] }] : [];
    output.push(
      tool && called()
        ? { id: `fc_${id}`, type: 'function_call', call_id: callId, name: tool.name, arguments: JSON.stringify(tool.args), status: 'completed' }
        : { id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: a, annotations: [] }] },
    );
    return {
      id: `resp_${id}`, object: 'response', created_at: created, model, status, error: null,
      incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: inp.instructions ?? null, max_output_tokens: inp.max_output_tokens ?? null, output,
      parallel_tool_calls: true, reasoning: { effort: inp.reasoning?.effort ?? 'medium', summary: null },
      temperature: temp ?? 1, top_p: inp.top_p ?? 1, tool_choice: inp.tool_choice ?? 'auto', tools: inp.tools ?? [],
      text: { format: { type: 'text' } }, truncation: 'disabled',
      usage: { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens, total_tokens: u.total_tokens },
    };
  };

  if (inp.stream === true) {
    return stream(
      (function* () {
        let i = 0, r = '', a = '', seq = 0;
        if (style === 'legacy') {
          for (const [, t] of limited()) yield data({ response: t, p: pad(i++) });
          if (called() && k === 'S') {
            // llama-4-scout streams a call as OpenAI-style fragments: id and name, argument pieces, then a null entry.
            const args = JSON.stringify(tool!.args);
            yield data({ response: '', tool_calls: [{ id: callId, type: 'function', index: 0, function: { name: tool!.name } }], p: pad(i) });
            for (let at = 0; at < args.length; at += 8) yield data({ response: '', tool_calls: [{ index: 0, function: { arguments: args.slice(at, at + 8) } }], p: pad(i) });
            yield data({ response: '', tool_calls: [{ id: null, type: null, function: { name: null, arguments: null } }], p: pad(i) });
          } else if (called()) yield data({ response: '', tool_calls: legacyCalls, p: pad(i) });
          yield data({ response: '', usage: usage() });
        } else if (style === 'resp') {
          const ev = (type: string, o: J) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...o })}\n\n`;
          yield ev('response.created', { response: { ...response('', '', 'in_progress'), output: [] } });
          for (const [kind, t] of limited()) {
            if (kind) a += t;
            else r += t;
            yield kind
              ? ev('response.output_text.delta', { item_id: `msg_${id}`, output_index: think ? 1 : 0, content_index: 0, delta: t })
              : ev('response.reasoning_text.delta', { item_id: `rs_${id}`, output_index: 0, content_index: 0, delta: t });
          }
          if (called()) {
            const args = JSON.stringify(tool!.args);
            const item = { id: `fc_${id}`, type: 'function_call', call_id: callId, name: tool!.name, arguments: '', status: 'in_progress' };
            const at = { output_index: think ? 1 : 0 };
            yield ev('response.output_item.added', { ...at, item });
            for (let i = 0; i < args.length; i += 8) yield ev('response.function_call_arguments.delta', { ...at, item_id: item.id, delta: args.slice(i, i + 8) });
            yield ev('response.function_call_arguments.done', { ...at, item_id: item.id, name: tool!.name, arguments: args });
            yield ev('response.output_item.done', { ...at, item: { ...item, arguments: args, status: 'completed' } });
          }
          const status = c.cut ? 'incomplete' : 'completed';
          return yield ev(`response.${status}`, { response: response(r, a, status) });
        } else {
          if (style === 'chat') yield data(chunk({ role: 'assistant', content: '' }));
          for (const [kind, t] of limited()) yield data({ ...chunk(style === 'text' ? t : kind ? { content: t } : { reasoning_content: t }), p: pad(i++) });
          if (oaCall && called()) yield data(chunk({ tool_calls: [{ index: 0, ...oaCall }] }));
          yield data(chunk(style === 'chat' ? {} : '', finish()));
          // gemma-4 ends with a legacy usage event instead of OpenAI's empty-choices chunk.
          yield data(k === 'A' ? { response: '', usage: usage() } : { ...chunk(''), choices: [], usage: usage() });
        }
        yield 'data: [DONE]\n\n';
      })(),
      signal,
    );
  }

  let r = '', a = '';
  for (const [kind, t] of limited()) {
    if (kind) a += t;
    else r += t;
  }
  // JSON mode answers carry the parsed value in `response` (as Cloudflare's JSON mode docs show), unless cut short.
  if (style === 'legacy') return { response: json !== undefined && !c.cut && !prefix ? JSON.parse(a) : a, ...(called() ? { tool_calls: legacyCalls } : {}), usage: usage() };
  if (style === 'resp') return response(r, a, c.cut ? 'incomplete' : 'completed');
  const out = chunk('', finish()) as J;
  out.object = style === 'chat' ? 'chat.completion' : 'text_completion';
  out.choices[0] =
    style === 'chat'
      ? {
          index: 0,
          message: { role: 'assistant', content: called() ? null : a, refusal: null, ...(think ? { reasoning_content: r } : {}), ...(called() ? { tool_calls: [oaCall] } : {}) },
          logprobs: null,
          finish_reason: finish(),
        }
      : { index: 0, text: a, logprobs: null, finish_reason: finish() };
  out.usage = usage();
  return out;
}

/** Usage of n answers to one prompt: the prompt (and its cached tokens) once, completions summed. */
function sumUsage(us: J[]): J {
  const first: J = us[0] ?? { prompt_tokens: 0 };
  const completion_tokens = us.reduce((n, u) => n + u.completion_tokens, 0);
  const out: J = { ...first, completion_tokens, total_tokens: first.prompt_tokens + completion_tokens };
  if (first.completion_tokens_details) out.completion_tokens_details = { reasoning_tokens: us.reduce((n, u) => n + u.completion_tokens_details.reasoning_tokens, 0) };
  return out;
}

/**
 * The OpenAI-input families take `n` (1-128, their schemas): n answers from one call (the seed
 * varied per choice, as a sampler would differ), `choices[].index` on every chunk, one usage.
 */
function textGenN(model: string, m: ModelInfo, inp: J, signal?: AbortSignal): unknown {
  const n = inp.n ?? 1;
  if (!'OCA'.includes(m.kind) || n === 1) return textGen(model, m, inp, signal);
  if (!Number.isInteger(n) || n < 1 || n > 128) throw bad(`n must be an integer between 1 and 128 at '/n'`);
  const seed = Number.isInteger(inp.seed) ? (inp.seed as number) : 0;
  const outs = Array.from({ length: n }, (_, i) => textGen(model, m, { ...inp, n: undefined, seed: seed + i }, signal));
  if (!(outs[0] instanceof ReadableStream)) {
    const all = outs as J[];
    return { ...all[0], choices: all.map((o, index) => ({ ...o.choices[0], index })), usage: sumUsage(all.map((o) => o.usage)) };
  }
  // Round-robin over the n streams (one event per chunk), each choice's index set, their usage events summed into one.
  const readers = (outs as ReadableStream<Uint8Array>[]).map((s) => s.getReader());
  const usages: J[] = [];
  let live = readers.map((_, i) => i);
  let turn = 0;
  let closed = false;
  /** The last chunk's id, object, created and model, for the closing usage chunk. */
  let head: J = {};
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        while (live.length) {
          const i = live[turn++ % live.length]!;
          const r = await readers[i]!.read();
          const text = r.done ? '' : dec.decode(r.value);
          if (r.done || text.startsWith('data: [DONE]')) {
            live = live.filter((x) => x !== i);
            continue;
          }
          const e = JSON.parse(text.slice(6));
          if (e.usage && (!e.choices || !e.choices.length)) {
            usages.push(e.usage);
            continue;
          }
          e.choices[0].index = i;
          const { choices: _c, p: _p, ...rest } = e;
          head = rest;
          return ctl.enqueue(enc.encode(data(e)));
        }
        if (closed) return;
        closed = true;
        const usage = sumUsage(usages);
        ctl.enqueue(enc.encode(data(m.kind === 'A' ? { response: '', usage } : { ...head, choices: [], usage })));
        ctl.enqueue(enc.encode('data: [DONE]\n\n'));
        ctl.close();
      },
      cancel() {
        return Promise.all(readers.map((r) => r.cancel())).then(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * llama-guard-3-8b: "safe", or "unsafe\nS1" (S1 = violent crimes) when the conversation contains
 * kill/murder/bomb/shoot/stab/attack (any word starting so); `{safe, categories}` in JSON mode.
 */
function guard(inp: J) {
  if (!Array.isArray(inp.messages)) throw bad(`Type mismatch of '/messages', 'array' not in '${typeof inp.messages}'`);
  const all = inp.messages.map((x: unknown) => textOf(isObj(x) ? x.content : '')).join('\n');
  const unsafe = /\b(kill|murder|bomb|shoot|stab|attack)/i.test(all);
  const text = unsafe ? 'unsafe\nS1' : 'safe';
  const prompt_tokens = est(all), completion_tokens = tokenize(text).length;
  return {
    response: inp.response_format?.type === 'json_object' ? { safe: !unsafe, categories: unsafe ? ['S1'] : [] } : text,
    usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
  };
}

/** Clef: one typed answer per question (noul 0.5, the first choice, the middle of a score's range). */
function decide(model: string, inp: J) {
  if (!isObj(inp.questions) || !Object.keys(inp.questions).length) throw bad(`minProperties at '/questions' not met`);
  const answers: J = {};
  for (const [id, q] of Object.entries(inp.questions)) {
    const type = isObj(q) ? q.type : undefined;
    const options: unknown[] = isObj(q) && Array.isArray(q.options) ? q.options : isObj(q) && isObj(q.options) ? Object.keys(q.options) : [];
    answers[id] =
      type === 'choice'
        ? { type, choice: options[0] ?? null, probabilities: Object.fromEntries(options.map((o, i) => [String(isObj(o) ? o.id ?? i : o), i === 0 ? 1 : 0])) }
        : type === 'score'
          ? { type, score: 0.5 }
          : { type: 'noul', noul: 0.5 };
  }
  return { model: String(inp.model ?? model.split('/').pop()), answers };
}

// ---------------------------------------------------------------- embeddings, ranking, classification

const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from how i in is it its me my of on or so that the this to was what when where which who why will with you your'.split(' '),
);

/**
 * A unit-length vector: one pseudo-random direction per distinct word (seeded by the word and the
 * model; common words count little), plus a little of the whole text's own so different texts
 * never coincide. Texts that share words therefore point the same way, which makes offline
 * similarity search (RAG) rank sensibly.
 */
function vector(s: string, dims: number, salt: string): number[] {
  const v = new Array<number>(dims).fill(0);
  const add = (key: string, weight: number) => {
    const r = rng(hash(key, hash(salt)));
    for (let i = 0; i < dims; i++) v[i]! += weight * (r() * 2 - 1);
  };
  for (const w of new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu))) add(w, STOP_WORDS.has(w) ? 0.1 : 1);
  add(s, 0.3);
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return v.map((x) => x / n);
}

/** Relevance scores: shared-word overlap, sorted best first. */
function rank(query: string, ctx: string[], topK?: number) {
  const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const q = words(query);
  return ctx
    .map((t, id) => {
      const w = words(t);
      const hit = [...q].filter((x) => w.has(x)).length;
      return { id, score: r3(0.05 + (0.9 * hit) / (q.size || 1) + (hash(t) % 100) / 10000) };
    })
    .sort((x, y) => y.score - x.score)
    .slice(0, topK ?? ctx.length);
}

function embed(model: string, m: ModelInfo, inp: J) {
  if (m.kind === 'M' && inp.text == null) {
    if (!Array.isArray(inp.contexts)) throw bad(`Type mismatch of '/contexts', 'array' not in '${typeof inp.contexts}'`);
    const ctx = inp.contexts.map((x: unknown) => textOf(x));
    if (inp.query == null) return { response: ctx.map((t: string) => vector(t, m.n, model)), shape: [ctx.length, m.n], pooling: 'cls' };
    return { response: rank(String(inp.query), ctx) };
  }
  const texts = [...list(inp.text), ...list(inp.queries), ...list(inp.documents)];
  if (!texts.length) throw missing('text');
  // The models' input schemas cap a batch at 100 texts (qwen3-embedding: 32).
  const cap = model.includes('/qwen3-embedding') ? 32 : 100;
  if (texts.length > cap) throw bad(`Array has too many items (${texts.length} > ${cap}) at '/text'`);
  const vecs = texts.map((t) => vector(t, m.n, model));
  return { shape: [vecs.length, m.n], data: vecs, ...(m.kind === 'E' ? {} : { pooling: m.kind === 'M' ? 'cls' : (inp.pooling ?? 'mean') }) };
}

const POS = /\b(good|great|love|like|excellent|happy|nice|best|awesome|wonderful|amazing|fantastic|enjoy)/gi;
const NEG = /\b(bad|terrible|hate|awful|worst|sad|poor|horrible|angry|boring|disappoint)/gi;
/** distilbert-sst-2: a logistic score from counts of positive and negative words. */
function sentiment(s: string) {
  const p = r3(1 / (1 + Math.exp(-(2 * ((s.match(POS)?.length ?? 0) - (s.match(NEG)?.length ?? 0)) + 0.5))));
  return [{ label: 'POSITIVE', score: p }, { label: 'NEGATIVE', score: r3(1 - p) }];
}

// ---------------------------------------------------------------- binary media

/** An 8x8 baseline JPEG (267 bytes). */
const JPEG =
  '/9j/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAIAAgDAREAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAABf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAH/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8ATNoqf//Z';
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

const CRC = Array.from({ length: 256 }, (_, n) => {
  for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
  return n >>> 0;
});
const crc32 = (b: Uint8Array) => {
  let c = ~0;
  for (const x of b) c = CRC[(c ^ x) & 255]! ^ (c >>> 8);
  return ~c >>> 0;
};

/** A one-colour RGB PNG, its image data in zlib stored (uncompressed) blocks. */
export function png(w: number, h: number, rgb: number[]): Uint8Array {
  const row = 1 + 3 * w, raw = new Uint8Array(row * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb, y * row + 1 + 3 * x);
  const blocks = Math.ceil(raw.length / 65535);
  const z = new Uint8Array(6 + raw.length + 5 * blocks);
  z.set([0x78, 1]);
  let o = 2, a = 1, b = 0;
  for (let i = 0; i < blocks; i++) {
    const s = raw.subarray(i * 65535, (i + 1) * 65535), n = s.length;
    z.set([i === blocks - 1 ? 1 : 0, n & 255, n >> 8, ~n & 255, (~n >> 8) & 255], o);
    z.set(s, o + 5);
    o += 5 + n;
  }
  for (const x of raw) (a = (a + x) % 65521), (b = (b + a) % 65521);
  new DataView(z.buffer).setUint32(o, ((b << 16) | a) >>> 0);
  const chunks = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10)];
  const chunk = (type: string, d: Uint8Array) => {
    const out = new Uint8Array(12 + d.length), dv = new DataView(out.buffer);
    dv.setUint32(0, d.length);
    out.set(enc.encode(type), 4);
    out.set(d, 8);
    dv.setUint32(8 + d.length, crc32(out.subarray(4, 8 + d.length)));
    chunks.push(out);
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, w);
  new DataView(ihdr.buffer).setUint32(4, h);
  ihdr.set([8, 2, 0, 0, 0], 8);
  chunk('IHDR', ihdr);
  chunk('IDAT', z);
  chunk('IEND', new Uint8Array(0));
  const out = new Uint8Array(chunks.reduce((s, x) => s + x.length, 0));
  chunks.reduce((off, x) => (out.set(x, off), off + x.length), 0);
  return out;
}

/** Silent MPEG-1 Layer III frames (32 kbit/s, 48 kHz, mono; 96 bytes = 24 ms each), more for longer text. */
function mp3(text: string): Uint8Array {
  const n = Math.min(250, 8 + 6 * tokenize(text).length), out = new Uint8Array(96 * n);
  for (let i = 0; i < n; i++) out.set([0xff, 0xfb, 0x14, 0xc4], 96 * i);
  return out;
}

/** A mono 16-bit PCM WAV header for `bytes` of samples at `rate` Hz. */
function wavHeader(bytes: number, rate: number): Uint8Array {
  const h = new Uint8Array(44), dv = new DataView(h.buffer);
  h.set(enc.encode('RIFF'), 0), dv.setUint32(4, 36 + bytes, true), h.set(enc.encode('WAVEfmt '), 8);
  dv.setUint32(16, 16, true), dv.setUint16(20, 1, true), dv.setUint16(22, 1, true), dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true), dv.setUint16(32, 2, true), dv.setUint16(34, 16, true);
  h.set(enc.encode('data'), 36), dv.setUint32(40, bytes, true);
  return h;
}

const AURA_ENCODINGS = ['linear16', 'flac', 'mulaw', 'alaw', 'mp3', 'opus', 'aac'];
/**
 * Aura's output for its `encoding` / `container`: silence as long as the mp3 would be, behind the
 * format's real signature (MP3 frames, WAV header or raw PCM, Ogg page, fLaC, ADTS AAC frames).
 */
function aura(inp: J): Uint8Array {
  const { encoding = 'mp3', container } = inp;
  if (!AURA_ENCODINGS.includes(encoding)) throw bad(`encoding must be one of ${AURA_ENCODINGS.join(', ')} at '/encoding'`);
  if (container != null && !['none', 'wav', 'ogg'].includes(container)) throw bad(`container must be one of none, wav, ogg at '/container'`);
  const speech = mp3(String(inp.text));
  if (encoding === 'mp3') return speech;
  const seconds = (speech.length / 96) * 0.024;
  if (encoding === 'linear16' || encoding === 'mulaw' || encoding === 'alaw') {
    const rate = Number.isInteger(inp.sample_rate) ? inp.sample_rate : 24000;
    const pcm = new Uint8Array(2 * Math.round(seconds * rate));
    if (container === 'none') return pcm;
    const out = new Uint8Array(44 + pcm.length);
    out.set(wavHeader(pcm.length, rate));
    return out;
  }
  const body = new Uint8Array(speech.length);
  const magic = encoding === 'opus' ? [0x4f, 0x67, 0x67, 0x53, 0, 2] : encoding === 'flac' ? [0x66, 0x4c, 0x61, 0x43] : [0xff, 0xf1, 0x50, 0x80];
  body.set(magic);
  return body;
}

function image(m: ModelInfo, inp: J, signal?: AbortSignal) {
  if (m.kind === 'J' || m.kind === 'F') return { image: JPEG };
  if (m.kind === 'X') return once(() => unb64(JPEG), signal);
  const { width: w = 1024, height: h = 1024 } = inp;
  const ok = [w, h].every((v) => Number.isInteger(v) && v > 0 && v <= 256);
  const c = hash(String(inp.prompt));
  return once(() => png(ok ? w : 64, ok ? h : 64, [(c >>> 16) & 255, (c >>> 8) & 255, c & 255]), signal);
}

/** Byte length of audio or image input: number[], bytes, base64 text, or `{body}`. */
/** moondream3.1: `{task, image (URL or data URI), question}` in; `{answer, reasoning, finish_reason, metrics}` out. */
function moondream(inp: J) {
  const task = inp.task ?? 'query';
  if (!['query', 'caption', 'point', 'detect'].includes(task)) throw bad(`task must be one of query, caption, point, detect at '/task'`);
  if (inp.image != null && (typeof inp.image !== 'string' || !/^(https:|data:image\/)/.test(inp.image))) throw bad(`Type mismatch of '/image', 'string' not in '${Array.isArray(inp.image) ? 'array' : typeof inp.image}'`);
  if (task !== 'query' && !inp.image) throw missing('image');
  const question = String(inp.question ?? "What's in this image?");
  const answer = `This is a synthetic answer from the Workers AI emulator to "${clip(question, 60)}" about a ${bytesOf(inp.image ?? '')}-byte image.`;
  const input_tokens = est(question) + 729, output_tokens = tokenize(answer).length;
  return {
    finish_reason: 'stop',
    metrics: { input_tokens, output_tokens, prefill_time_ms: 41.2, decode_time_ms: 180.5, ttft_ms: 45.9 },
    answer: task === 'query' ? answer : null,
    caption: task === 'caption' ? answer : null,
    points: null,
    objects: null,
    reasoning: task === 'query' && inp.reasoning !== false ? { text: 'The emulator looks at nothing and answers deterministically.', grounding: [] } : null,
  };
}

const bytesOf = (x: unknown): number =>
  typeof x === 'string' ? Math.floor((x.replace(/[^A-Za-z0-9+/]/g, '').length * 3) / 4)
  : Array.isArray(x) ? x.length
  : ArrayBuffer.isView(x) || x instanceof ArrayBuffer ? x.byteLength
  : isObj(x) ? bytesOf(x.body)
  : 0;

const stamp = (t: number) => `${String(Math.floor(t / 60)).padStart(2, '0')}:${(t % 60).toFixed(3).padStart(6, '0')}`;

const typeOf = (x: unknown) => (Array.isArray(x) ? 'array' : ArrayBuffer.isView(x) ? 'bytes' : x === null ? 'null' : typeof x);

/** The audio each family's schema takes: whisper bytes (a number array), turbo base64 or {body}, nova-3 {body, contentType}. */
function checkAudio(m: ModelInfo, audio: unknown) {
  if (m.kind === 'W' && !Array.isArray(audio) && !ArrayBuffer.isView(audio)) throw bad(`Type mismatch of '/audio', 'array' not in '${typeOf(audio)}'`);
  if (m.kind === 'T' && typeof audio !== 'string' && !isObj(audio)) throw bad(`Type mismatch of '/audio', 'string' not in '${typeOf(audio)}'`);
  if (m.kind === 'N' && !(isObj(audio) && audio.body != null && typeof audio.contentType === 'string'))
    throw bad(`required properties at '/audio' are 'body', 'contentType'`);
}

function asr(m: ModelInfo, inp: J) {
  checkAudio(m, inp.audio);
  // A {body} stream has no known length: count it as 3 s of audio.
  const bytes = bytesOf(inp.audio) || (isObj(inp.audio) && inp.audio.body ? 96000 : 0);
  if (!bytes) throw bad(`audio must not be empty at '/audio'`);
  if (m.kind === 'T' && inp.task != null && inp.task !== 'transcribe' && inp.task !== 'translate') throw bad(`task must be 'transcribe' or 'translate' at '/task'`);
  const duration = Math.max(1, r3(bytes / 32000)); // as 16 kHz 16-bit mono PCM
  const text = inp.task === 'translate'
    ? `This is a synthetic English translation from the Workers AI emulator of ${bytes} bytes of audio.`
    : `This is a synthetic transcription from the Workers AI emulator of ${bytes} bytes of audio.`;
  const ws = text.split(' ');
  const words = ws.map((word, i) => ({ word, start: r3((i * duration) / ws.length), end: r3(((i + 1) * duration) / ws.length) }));
  const vtt = `WEBVTT\n\n${stamp(0)} --> ${stamp(duration)}\n${text}\n\n`;
  if (m.kind === 'N')
    return { results: { channels: [{ alternatives: [{ confidence: 0.99, transcript: text, words: words.map((w) => ({ ...w, confidence: 0.99 })) }] }] } };
  if (m.kind === 'W') return { text, word_count: ws.length, words, vtt };
  const language = inp.language ?? 'en';
  return {
    transcription_info: { language, language_probability: 1, duration, duration_after_vad: duration },
    text,
    word_count: ws.length,
    segments: [{ start: 0, end: duration, text, temperature: 0, avg_logprob: -0.1, compression_ratio: 1.2, no_speech_prob: 0.01, words }],
    vtt,
  };
}

const IMAGENET = ['TABBY', 'GOLDEN RETRIEVER', 'TEAPOT', 'STREET SIGN', 'LAPTOP', 'GOLDFISH'];
const COCO = ['person', 'dog', 'cat', 'car', 'bicycle', 'chair'];

function run(model: string, m: ModelInfo, inp: J, signal?: AbortSignal): unknown {
  for (const k of requiredFor(m)) if (!k.split('|').some((f) => inp[f] != null && inp[f] !== '')) throw missing(k.split('|')[0] ?? k);
  const h = hash(model + bytesOf(inp.image));
  switch (m.task) {
    case 'g':
      return m.kind === 'G' ? guard(inp) : m.kind === 'K' ? decide(model, inp) : textGenN(model, m, inp, signal);
    case 'd':
      return { is_complete: bytesOf(inp.audio) % 2 === 0, probability: 0.75 };
    case 'e':
      return embed(model, m, inp);
    case 'i':
      return image(m, inp, signal);
    case 'a':
      if (m.kind === 'Z') throw bad(`${model} streams over a WebSocket only: open one with { websocket: true }`);
      return asr(m, inp);
    case 's': {
      if (m.kind !== 'A') return { audio: b64(mp3(String(inp.prompt))) };
      const audio = aura(inp); // invalid options fail the call, as they do upstream, not the stream
      return once(() => audio, signal);
    }
    case 't': {
      const tag = (t: string, from: string, to: string) => `[emulator ${from}->${to}] ${t}`;
      return m.kind === 'I'
        ? { translations: list(inp.text).map((t) => tag(t, 'eng_Latn', String(inp.target_language))) }
        : { translated_text: tag(String(inp.text), inp.source_lang ?? 'en', String(inp.target_lang)) };
    }
    case 'c':
      if (m.kind === 'R') return { response: rank(String(inp.query), list(inp.contexts?.map?.((x: unknown) => textOf(x))), inp.top_k) };
      return sentiment(String(inp.text));
    case 'v': {
      if (/\/moondream/.test(model)) return moondream(inp);
      const p = typeof inp.prompt === 'string' && inp.prompt ? ` (prompt: "${clip(inp.prompt, 60)}")` : '';
      return { description: `This is a synthetic description from the Workers AI emulator of a ${bytesOf(inp.image)}-byte image${p}.` };
    }
    case 'm': {
      const s = flat(String(inp.input_text));
      const first = /^.*?[.!?](?=\s|$)/.exec(s)?.[0] ?? s;
      return { summary: first.split(' ').slice(0, Math.min(Number(inp.max_length) || 60, 60)).join(' ') };
    }
    case 'o':
      return [0, 1].map((i) => ({
        score: [0.98, 0.91][i],
        label: COCO[(h + i) % COCO.length],
        box: { xmin: 10 + 200 * i, ymin: 20, xmax: 200 + 200 * i, ymax: 220 },
      }));
    default:
      return [0.62, 0.17, 0.08, 0.05, 0.03].map((score, i) => ({ label: IMAGENET[(h + i) % IMAGENET.length], score }));
  }
}

export interface EmulatorOptions {
  /** `free`: paid-only models answer 403 / 5035, as on a Workers Free account (EMULATOR_PLAN). */
  plan?: 'free' | 'paid';
  /** EMULATOR_FAULTS: JSON `{"model id": code}`; that model's runs fail with that Workers AI code (failover demos and tests). */
  faults?: string;
}

/** The HTTP status Workers AI answers each code with (WORKERS_AI.md "Errors"). */
const FAULT_STATUS: Record<number, number> = { 3040: 429, 3036: 429, 4006: 429, 5035: 403, 3007: 408, 5021: 413, 10000: 401 };
/** What Workers AI says with each code (the messages the error table is written against); others get a generic one and a 500. */
const FAULT_MESSAGE: Record<number, string> = {
  3040: 'Capacity temporarily exceeded, please try again.',
  3036: "You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.",
  4006: "you have used up your daily free allocation of 10,000 neurons, please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.",
  5007: 'No such model or task',
  5021: 'The estimated number of input and maximum output tokens (9000) exceeded this model context window limit (7968).',
  3010: "Invalid or incomplete input for the model: model returned: This model's maximum context length is 4096 tokens.",
  5023: 'JSON Schema mode is not supported with stream mode',
  5028: 'This model was deprecated',
  5035: 'This model requires the Workers Paid plan',
  10000: 'Authentication error',
};

function faultsOf(raw: string | undefined): Record<string, number> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!isObj(parsed) || !Object.values(parsed).every((c) => Number.isInteger(c))) {
    throw proxyMisconfigured('EMULATOR_FAULTS must be a JSON object of model id -> Workers AI error code, e.g. {"@cf/zai-org/glm-4.7-flash": 3040}.');
  }
  return parsed as Record<string, number>;
}

export function createEmulator(opts: EmulatorOptions = {}): Upstream {
  const faults = faultsOf(opts.faults);
  return {
    kind: 'emulator',
    async run(model: string, inputs: unknown, options?: RunOptions) {
      options?.signal?.throwIfAborted();
      const m = modelInfo(model);
      if (!m && Object.hasOwn(RETIRED, model)) throw new UpstreamError(`5028: This model was deprecated on ${RETIRED[model]![0]}`, 5028, 400);
      if (!m) throw new UpstreamError(`5007: No such model ${model} or task`, 5007, 400);
      const fault = Object.hasOwn(faults, model) ? faults[model]! : undefined;
      if (fault !== undefined) throw new UpstreamError(`${fault}: ${FAULT_MESSAGE[fault] ?? `EMULATOR_FAULTS makes ${model} fail with this code.`}`, fault, FAULT_STATUS[fault] ?? (FAULT_MESSAGE[fault] ? 400 : 500));
      if (opts.plan === 'free' && m.flags.includes('$')) {
        throw new UpstreamError(`5035: ${model} requires the Workers Paid plan. Upgrade at https://dash.cloudflare.com to use this model.`, 5035, 403);
      }
      // Speech models also take the raw audio as the whole input.
      const inp = isObj(inputs) ? inputs : m.task === 'a' && inputs != null ? { audio: inputs } : undefined;
      if (!inp) throw bad(`Type mismatch of '/', 'object' not in '${Array.isArray(inputs) ? 'array' : typeof inputs}'`);
      return run(model, m, inp, options?.signal);
    },
    async models(): Promise<CatalogModel[]> {
      return structuredClone(CATALOG);
    },
    async schema(model: string): Promise<ModelSchema | null> {
      return schemaFor(model);
    },
  };
}

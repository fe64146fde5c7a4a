import type { ChatCompletionRequest } from '../../schemas/chat';
import type { ChatProfile } from './profile';
import type { Json } from '../../lib/json';
import { ALNUM, randomAlnum } from '../../lib/random';

/** A tool call as the client receives it. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One `delta.tool_calls[]` entry of a chat.completion.chunk. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export const newCallId = (): string => `call_${randomAlnum(24)}`;

/** Tool-call arguments as the JSON string OpenAI clients expect (legacy models give an object). */
export const argumentsText = (args: unknown): string =>
  typeof args === 'string' ? args : args == null ? '{}' : JSON.stringify(args);

/** Upstream tool calls in any of Workers AI's shapes (`{name, arguments}` or `{id, function}`) as OpenAI tool calls. */
export function normalizeToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  const calls: ToolCall[] = [];
  for (const tc of raw) {
    if (!tc || typeof tc !== 'object') continue;
    const fn: Json = (tc as Json).function && typeof (tc as Json).function === 'object' ? (tc as Json).function : tc;
    const name = fn.name ?? (tc as Json).name;
    if (typeof name !== 'string' || !name) continue;
    const id = (tc as Json).id ?? (tc as Json).call_id;
    calls.push({
      id: typeof id === 'string' && id ? id : newCallId(),
      type: 'function',
      function: { name, arguments: argumentsText(fn.arguments ?? (tc as Json).arguments ?? (tc as Json).parameters) },
    });
  }
  return calls;
}

/**
 * Some Workers AI models reject tool-call ids they did not generate; Mistral needs exactly 9
 * alphanumerics. The mapping is a pure function of the client id, so an assistant tool call and
 * the tool result answering it always agree.
 */
export function upstreamCallId(id: string): string {
  if (/^[A-Za-z0-9]{9}$/.test(id)) return id;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  let out = '';
  for (let i = 0; i < 9; i++) {
    const v = i < 5 ? h1 >>> (i * 6) : h2 >>> ((i - 5) * 6);
    out += ALNUM[(v & 63) % 62];
  }
  return out;
}

/**
 * The `tools` / `tool_choice` inputs for the model's dialect. tool_choice `none` sends no tools
 * at all (Workers AI's own models do not all honour it); a named function is forced by sending
 * only that tool with `required` where the dialect has no named choice.
 */
export function toolInputs(req: ChatCompletionRequest, profile: ChatProfile): Json | undefined {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  // Undefined when no tools go upstream (the common request allocates nothing).
  if (!tools.length || choice === 'none') return undefined;
  const named = choice && typeof choice === 'object' ? choice.function.name : undefined;
  if (profile.api === 'responses') {
    return {
      tools: tools.map(({ function: f }) => ({
        type: 'function',
        name: f.name,
        description: f.description,
        parameters: f.parameters ?? { type: 'object', properties: {} },
        strict: f.strict ?? null,
      })),
      ...(named ? { tool_choice: { type: 'function', name: named } } : choice === 'required' ? { tool_choice: 'required' } : {}),
      ...(req.parallel_tool_calls != null && { parallel_tool_calls: req.parallel_tool_calls }),
    };
  }
  const fns = tools.map(({ function: f }) => ({
    type: 'function',
    function: { name: f.name, description: f.description ?? '', parameters: f.parameters ?? { type: 'object', properties: {} } },
  }));
  if (profile.api === 'openai') {
    return {
      tools: fns,
      ...(choice && { tool_choice: choice }),
      ...(req.parallel_tool_calls != null && { parallel_tool_calls: req.parallel_tool_calls }),
    };
  }
  return named
    ? { tools: fns.filter((t) => t.function.name === named), tool_choice: 'required' }
    : { tools: fns, ...(choice && { tool_choice: choice }) };
}

/**
 * Turns upstream tool-call fragments into OpenAI stream deltas: the first delta of a call carries
 * index, id, type and name; later ones argument fragments. Accepts complete calls (legacy
 * `{name, arguments: object}`, one event) and indexed fragments (`{index, id, function:{name}}`
 * then `{index, function:{arguments}}`), skipping the null "finalisation" entries some models
 * send. Output indexes are dense and in order of appearance.
 */
export class ToolCallStream {
  readonly #byKey = new Map<string, number>();
  #lastKey: string | undefined;
  #unnamed = 0;
  count = 0;

  readonly #parallel: boolean;

  constructor(parallel: boolean) {
    this.#parallel = parallel;
  }

  push(raw: unknown, emit: (delta: ToolCallDelta) => void): void {
    if (!Array.isArray(raw)) return;
    for (const tc of raw) {
      if (!tc || typeof tc !== 'object') continue;
      const t = tc as Json;
      const fn: Json = t.function && typeof t.function === 'object' ? t.function : t;
      const name = typeof fn.name === 'string' && fn.name ? fn.name : undefined;
      const args = fn.arguments ?? t.arguments;
      const id = typeof t.id === 'string' && t.id ? t.id : undefined;
      if (!id && !name && (args == null || args === '')) continue;
      const key = typeof t.index === 'number' ? `i${t.index}` : name || id ? `n${this.#unnamed++}` : this.#lastKey;
      if (key === undefined) continue;
      this.#lastKey = key;
      let index = this.#byKey.get(key);
      if (index === undefined) {
        index = this.count++;
        this.#byKey.set(key, index);
        if (index > 0 && !this.#parallel) continue;
        emit({ index, id: id ?? newCallId(), type: 'function', function: { name: name ?? '', arguments: '' } });
      }
      if (index > 0 && !this.#parallel) continue;
      const text = args == null || args === '' ? '' : argumentsText(args);
      if (text) emit({ index, function: { arguments: text } });
    }
  }

  /** Calls actually sent to the client. */
  get emitted(): number {
    return this.#parallel ? this.count : Math.min(this.count, 1);
  }
}

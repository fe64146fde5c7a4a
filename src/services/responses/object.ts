/**
 * The OpenAI `Response` object and its output items, shared by the non-stream answer and the
 * stream's response.created / response.completed events. Every key the spec marks required is
 * present; the request's settings are echoed as OpenAI does.
 */
import type { CreateResponseRequest } from '../../schemas/responses';
import type { FinishReason } from '../chat/stream';
import { reasoningTokensOf, type Usage } from '../usage';
import { randomHex } from '../../lib/random';

export interface ReasoningOutput {
  id: string;
  type: 'reasoning';
  /** The model's reasoning text, as one summary part (Workers AI models give no separate summary). */
  summary: { type: 'summary_text'; text: string }[];
}

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export interface MessageOutput {
  id: string;
  type: 'message';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputTextPart[];
  role: 'assistant';
}

export interface FunctionCallOutput {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  arguments: string;
  call_id: string;
  name: string;
}

export type OutputItem = ReasoningOutput | MessageOutput | FunctionCallOutput;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD and neurons from the catalog price (null: no published price); extra fields, as OpenRouter adds them. */
  cost?: number | null;
  neurons?: number | null;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: OutputItem[];
  /** SDK convenience field (the spec lists it); only in the non-stream answer, where it costs no extra event. */
  output_text?: string;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  /** true only when the response is kept (RESPONSES_STORE bound, or the emulator) and the request did not say `store: false`. */
  store: boolean;
  temperature: number | null;
  text: { format: unknown; verbosity?: string };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'auto' | 'disabled';
  usage?: ResponseUsage;
  user?: string;
  metadata: Record<string, string>;
}

export const newId = (prefix: 'resp') => `${prefix}_${randomHex()}`;

/** The response before any output: what response.created carries, and the base of every later state. */
export function responseShell(req: CreateResponseRequest, stored = false, id = newId('resp'), createdAt = Math.floor(Date.now() / 1000)): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: req.max_tool_calls ?? null,
    model: req.model,
    output: [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    store: stored,
    temperature: req.temperature ?? null,
    text: { format: req.text?.format ?? { type: 'text' }, ...(req.text?.verbosity && { verbosity: req.text.verbosity }) },
    tool_choice: req.tool_choice ?? 'auto',
    tools: (req.tools ?? []).map((t) =>
      t.type === 'function' ? { type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? null } : t,
    ),
    top_p: req.top_p ?? null,
    truncation: req.truncation ?? 'disabled',
    ...(req.user !== undefined && { user: req.user }),
    metadata: req.metadata ?? {},
  };
}

/**
 * Usage in Responses terms. Cached and reasoning counts are the model's own when it reports
 * them; otherwise none were cached and the reasoning is estimated from its text.
 */
export function responseUsage(usage: Usage, reasoningChars: number): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: {
      reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? reasoningTokensOf(usage.completion_tokens, reasoningChars),
    },
    total_tokens: usage.total_tokens,
    ...(usage.cost !== undefined && { cost: usage.cost, neurons: usage.neurons ?? null }),
  };
}

const INCOMPLETE: Partial<Record<FinishReason, 'max_output_tokens' | 'content_filter'>> = { length: 'max_output_tokens', content_filter: 'content_filter' };

/** The finished response: `completed`, or `incomplete` when the output was cut (max_output_tokens, content filter). */
export function finishedResponse(shell: ResponseObject, output: OutputItem[], finish: FinishReason, usage: ResponseUsage): ResponseObject {
  const reason = INCOMPLETE[finish];
  return {
    ...shell,
    status: reason ? 'incomplete' : 'completed',
    completed_at: reason ? null : Math.floor(Date.now() / 1000),
    incomplete_details: reason ? { reason } : null,
    output,
    usage,
  };
}

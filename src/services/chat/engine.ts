/**
 * The chat pipeline shared by /v1/chat/completions and /v1/completions: plan one request
 * (capability checks, conversation, inputs for the model's dialect), run it once per choice,
 * and read the answers back, whole or as a stream.
 */
import { ApiError, invalidValue, notSupported, unsupportedParameter } from '../../errors';
import type { ChatCompletionRequest } from '../../schemas/chat';
import type { ResolvedModel } from '../models/catalog';
import { charge, pricedUsage, sumCosts } from '../billing';
import type { Services } from '../index';
import { pipeWithErrorEvent, sseData } from '../../lib/sse';
import { firstStopMatch } from '../../lib/stop-sequences';
import { toApiError } from '../upstream/errors';
import { UpstreamError, type RunOptions } from '../upstream/types';
import { AUTO, autoChain } from './auto';
import { estimateTokens, sumDetails, tokensOfChars, usageOf, type Usage } from '../usage';
import { fitMaxTokens } from './context';
import { jsonModeInputs } from './json-mode';
import { mergeStreams } from './merge';
import { checkMessages, conversationInputs, loadImages } from './messages';
import { splitChoices } from './choices';
import { isEmptyAnswer, readAnswer, readAnswers, type ChatLogprobs, type Completion } from './output';
import { chatProfile, type ChatProfile } from './profile';
import { reasoningInputs, splitThink, thinkingOf } from './reasoning';
import { completionTransformer, finishReasonOf, streamError, streamOfCompletion, type ChunkWriter, type FinishReason } from './stream';
import { toolInputs, type ToolCall } from './tools';

type Json = Record<string, unknown>;

export interface ChatPlan {
  model: ResolvedModel;
  profile: ChatProfile;
  /** Upstream inputs, without `stream`. */
  inputs: Json;
  maxTokens: number;
  stops: string[];
  promptTokens: number;
  parallelToolCalls: boolean;
  /** Whether a streaming client gets a real upstream stream (JSON mode and Image-to-Text models cannot stream). */
  canStream: boolean;
  /** Split `<think>` reasoning out of the text; `implicit` when the opening tag is not in the output. */
  think?: { implicit: boolean };
  /** The client's prompt_cache_key: routes the run to the prefix cache that holds its prompt. */
  sessionAffinity?: string;
  /** The plan for the next model of the chain (planned once, on first use), when there is one. */
  next?: () => Promise<ChatPlan | undefined>;
}

/** One finished choice, in OpenAI terms. */
export interface Choice {
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finish: FinishReason;
  /** The stop sequence that ended the answer, when one did. */
  stopSequence?: string;
  usage: Usage;
  /** Token log probabilities, when the model returned them (logprobs: true). */
  logprobs?: ChatLogprobs;
  /** Which run (runsOf) gave it: choices of one native-n run share that run's usage. */
  run: number;
}

/** One upstream run: a plan and which copy of it (n > 1 runs vary the seed by the copy number). */
export interface Run {
  plan: ChatPlan;
  copy: number;
  /** Choices the model gives for this one call: `n` sent upstream, or 1. */
  choices: number;
}

/** Features this proxy does not offer are refused with a 400, never silently dropped. */
function rejectUnsupported(req: ChatCompletionRequest): void {
  if (req.functions != null || req.function_call != null) {
    throw notSupported(req.functions != null ? 'functions' : 'function_call', 'The deprecated `functions` / `function_call` API (use `tools`)');
  }
  if (req.audio != null || (Array.isArray(req.modalities) && req.modalities.includes('audio'))) throw notSupported('modalities', 'Audio output');
  if (req.web_search_options != null) throw notSupported('web_search_options', 'Web search');
}

function stopsOf(req: ChatCompletionRequest): string[] {
  const stop = req.stop;
  if (stop == null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((s) => s.length > 0);
}

const SAMPLING = ['temperature', 'top_p', 'top_k', 'seed', 'frequency_penalty', 'presence_penalty', 'repetition_penalty'] as const;
/** What each dialect takes beyond temperature/top_p (Chat Completions input has no top_k or repetition_penalty). */
const SAMPLING_BY_API: Record<ChatProfile['api'], readonly string[]> = {
  legacy: SAMPLING,
  openai: ['temperature', 'top_p', 'seed', 'frequency_penalty', 'presence_penalty'],
  responses: ['temperature', 'top_p'],
};

/** Adds one schema-dependent parameter to `out` (made on first use), or refuses it naming the model. */
function schemaParam(out: Json | undefined, param: string, value: unknown, profile: ChatProfile, model: string): Json | undefined {
  if (value === undefined) return out;
  if (!profile.takes(param)) {
    const why = profile.source === 'schema' ? 'its Workers AI input schema has no such parameter' : 'its model family does not take it on Workers AI';
    throw unsupportedParameter(param, `\`${param}\` is not supported by the model \`${model}\`: ${why}.`);
  }
  (out ??= {})[param] = value;
  return out;
}

/**
 * The parameters some models take and others do not: sent when the model's schema (or, without
 * one, its family) takes them, a 400 naming the model otherwise. Undefined when the request has
 * none (the common case allocates nothing).
 */
function schemaInputs(req: ChatCompletionRequest, profile: ChatProfile, model: string): Json | undefined {
  let out = schemaParam(undefined, 'logprobs', req.logprobs ? true : undefined, profile, model);
  out = schemaParam(out, 'top_logprobs', req.top_logprobs || (req.logprobs && req.top_logprobs != null) ? req.top_logprobs : undefined, profile, model);
  out = schemaParam(out, 'logit_bias', req.logit_bias && Object.keys(req.logit_bias).length ? req.logit_bias : undefined, profile, model);
  out = schemaParam(out, 'prediction', req.prediction ?? undefined, profile, model);
  if (req.top_logprobs && !req.logprobs) throw invalidValue('top_logprobs', 'top_logprobs needs logprobs: true.');
  return out;
}

interface PlanOptions {
  promptParam?: string;
  rawPrompt?: string;
}

/** The client's model name in the catalog: the caller's own aliases first, `auto` picked for this request. */
function resolveChat(services: Services, req: ChatCompletionRequest): Promise<ResolvedModel> {
  const aliases = services.request?.aliases;
  if (req.model === AUTO && !Object.hasOwn(services.config.aliases, AUTO) && !(aliases && Object.hasOwn(aliases, AUTO))) {
    return autoChain(services, req).then((chain) => services.catalog.resolve(req.model, 'openai-chat', { ...aliases, [AUTO]: chain }));
  }
  // Not async: a named model needs no promise of its own on top of the catalog's.
  return services.catalog.resolve(req.model, 'openai-chat', aliases);
}

export async function planChat(services: Services, req: ChatCompletionRequest, signal?: AbortSignal, options: PlanOptions = {}): Promise<ChatPlan> {
  rejectUnsupported(req);
  return planFor(services, req, await resolveChat(services, req), signal, options);
}

/**
 * The plan for the first of `fallbacks` that can serve the request (one that cannot, say without
 * tool calling, is skipped), carrying the rest as its own fallbacks.
 */
async function planFallback(services: Services, req: ChatCompletionRequest, requested: string, fallbacks: readonly string[], signal: AbortSignal | undefined, options: PlanOptions): Promise<ChatPlan | undefined> {
  for (let i = 0; i < fallbacks.length; i++) {
    try {
      const model = await services.catalog.resolve(fallbacks[i]!, 'openai-chat');
      return await planFor(services, req, { ...model, requested, fallbacks: fallbacks.slice(i + 1) }, signal, options);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
    }
  }
  return undefined;
}

async function planFor(services: Services, req: ChatCompletionRequest, model: ResolvedModel, signal: AbortSignal | undefined, options: PlanOptions): Promise<ChatPlan> {
  // The schema is nearly always read already: taken as is, without waiting on its promise.
  const known = services.catalog.schemaNow(model.id);
  const profile = chatProfile(model.id, model.entry, known !== undefined ? known : await services.catalog.schema(model.id));
  const extra = schemaInputs(req, profile, req.model);

  const wantsTools = !!req.tools?.length && req.tool_choice !== 'none';
  if (wantsTools && !profile.tools) {
    throw unsupportedParameter('tools', `The model \`${req.model}\` does not support tool calling on Workers AI. Use a model with function calling (for example @cf/meta/llama-3.3-70b-instruct-fp8-fast, @cf/meta/llama-4-scout-17b-16e-instruct or @cf/openai/gpt-oss-120b), or send no tools.`);
  }
  const choice = req.tool_choice;
  if (wantsTools && choice && typeof choice === 'object' && !req.tools!.some((t) => t.function.name === choice.function.name)) {
    throw invalidValue('tool_choice', `Tool choice '${choice.function.name}' not found in 'tools'.`);
  }

  const json = jsonModeInputs(req.response_format, profile, req.model);
  const { images, promptTokens: messageTokens } = checkMessages(req.messages, profile, req.model);
  const tools = toolInputs(req, profile);
  const promptTokens = messageTokens + toolTokens(tools);
  const requested = req.max_completion_tokens ?? req.max_tokens ?? services.config.defaultMaxTokens;
  const maxTokens = fitMaxTokens(requested, promptTokens, profile.contextWindow, options.promptParam);
  // Only now, with every check passed: images may be downloaded (a request without any waits on nothing).
  // Legacy completions are raw continuations: sent as the bare prompt where the model takes `raw`.
  const raw = options.rawPrompt !== undefined && profile.api === 'legacy' && profile.takes('raw') && profile.takes('prompt');
  const inputs: Json = raw
    ? { prompt: options.rawPrompt, raw: true }
    : conversationInputs(req.messages, profile, images ? await loadImages(req.messages, profile, services.config.urlInputs, signal) : undefined);
  // Each part is undefined when the request has none of it; the conversation object is this plan's own.
  Object.assign(inputs, tools, json, reasoningInputs(thinkingOf(req), profile.api, profile.reasoning, profile.source === 'schema' ? profile.takes : undefined), extra);
  inputs[profile.api === 'responses' ? 'max_output_tokens' : 'max_tokens'] = maxTokens;
  // Chat Completions schemas may also take top_k / repetition_penalty; the legacy forms in gpt-oss's schema are not its dialect.
  const sampling = profile.source === 'schema' && profile.api === 'openai' ? SAMPLING.filter((k) => SAMPLING_BY_API[profile.api].includes(k) || profile.takes(k)) : SAMPLING_BY_API[profile.api];
  for (const key of sampling) {
    const value = req[key as (typeof SAMPLING)[number]];
    // top_k 0 is how clients (Jan) say "disabled": not set.
    if (value != null && !(key === 'top_k' && value === 0)) inputs[key] = value;
  }

  const fallbacks = model.fallbacks;
  return {
    model,
    profile,
    inputs,
    maxTokens,
    stops: stopsOf(req),
    promptTokens,
    parallelToolCalls: req.parallel_tool_calls !== false,
    // Workers AI refuses JSON mode with stream (5023); Image-to-Text models do not stream.
    canStream: !json && profile.vision !== 'image-to-text',
    // JSON mode constrains the whole output to JSON: no implicit thinking block to look for.
    think: profile.reasoning ? { implicit: profile.implicitThink && !json } : undefined,
    sessionAffinity: req.prompt_cache_key || undefined,
    next: fallbacks?.length ? once(() => planFallback(services, req, model.requested, fallbacks, signal, options)) : undefined,
  };
}

const once = <T>(f: () => T): (() => T) => {
  let done: { value: T } | undefined;
  return () => (done ??= { value: f() }).value;
};

/**
 * Refusals the next model of a chain answers instead: out of capacity (3040, or a 429 without a
 * code), the Workers Paid plan needed (5035), the model retired (5028). Not the daily quota
 * (3036 / 4006: the whole account is out) and not bad input: every model would refuse those.
 */
export const failsOver = (err: unknown): err is UpstreamError =>
  err instanceof UpstreamError && (err.code === 3040 || err.code === 5035 || err.code === 5028 || (err.code === undefined && err.status === 429));

/** Estimated prompt tokens of the tool definitions sent upstream (~4 characters per token). */
const toolTokens = (tools: Json | undefined): number => (tools?.tools ? estimateTokens(JSON.stringify(tools.tools)) : 0);

/**
 * The prompt-token estimate planChat makes, without planning a run (Anthropic's count_tokens):
 * the model is resolved and the messages checked as for a real request; no image is downloaded.
 */
export async function countPromptTokens(services: Services, req: ChatCompletionRequest): Promise<number> {
  rejectUnsupported(req);
  const model = await resolveChat(services, req);
  const profile = chatProfile(model.id, model.entry);
  return checkMessages(req.messages, profile, req.model).promptTokens + toolTokens(toolInputs(req, profile));
}

const takesN = (plan: ChatPlan) => plan.profile.api === 'openai' && plan.profile.takes('n');

/** Choices the proxy runs a model for one by one; a model that takes `n` itself gets up to 128 in one call. */
export const MAX_COPIES = 8;

/**
 * The runs for n choices of each plan, in choice order: one call asking for n where the model's
 * schema (or family) takes `n` (one prompt, one usage, one charge), else n calls.
 */
export function runsOf(plans: readonly ChatPlan[], n: number): Run[] {
  // One choice, the common case: one run per plan, without flatMap and Array.from per request.
  if (n === 1) return plans.map((plan) => ({ plan, copy: 0, choices: 1 }));
  return plans.flatMap((plan) => {
    if (n > 1 && takesN(plan)) return [{ plan, copy: 0, choices: n }];
    if (n > MAX_COPIES) throw invalidValue('n', `The model \`${plan.model.requested}\` gives one choice per call, so the proxy runs it n times: n may be at most ${MAX_COPIES} for it.`);
    return Array.from({ length: n }, (_, copy) => ({ plan, copy, choices: 1 }));
  });
}

/**
 * Runs one choice (streaming where the client asked and the model can), down the plan's failover
 * chain: a refused run (see failsOver) goes to the next model, planned for it. Every model but
 * the last is asked to fail fast rather than queue (rejectIfBusy). Resolves with the answer and
 * the plan of the model that gave it; a stream has started (its first byte is the client's) once
 * the run resolves, so it never fails over later.
 */
async function runUpstream(services: Services, run: Run, streaming: boolean, signal?: AbortSignal): Promise<{ out: unknown; plan: ChatPlan }> {
  for (let plan = run.plan; ; ) {
    const id = plan.model.id;
    const stream = streaming && plan.canStream;
    // n goes upstream only to a model that takes it (a failover model that does not gives one choice).
    let inputs = run.choices > 1 && takesN(plan) ? { ...plan.inputs, n: run.choices } : plan.inputs;
    // Several choices from one seed would all be the same answer.
    if (run.copy && typeof inputs.seed === 'number') inputs = { ...inputs, seed: inputs.seed + run.copy };
    const options: RunOptions = { signal, sessionAffinity: plan.sessionAffinity, rejectIfBusy: plan.next !== undefined };
    try {
      let out = await services.upstream.run(id, stream ? { ...inputs, stream: true } : inputs, options);
      // gpt-oss and kimi over REST answer a streaming call with an empty JSON result: ask again without streaming.
      if (stream && !(out instanceof ReadableStream) && isEmptyAnswer(out)) out = await services.upstream.run(id, inputs, options);
      services.request?.onModel?.(id);
      return { out, plan };
    } catch (err) {
      if (!failsOver(err)) throw err instanceof UpstreamError ? toApiError(err, id) : err;
      const next = await plan.next?.();
      if (!next) throw toApiError(err, id);
      console.warn(JSON.stringify({ level: 'warn', msg: 'model refused, failing over', model: plan.model.requested, from: id, to: next.model.id, code: err.code ?? err.status }));
      plan = next;
    }
  }
}

/** The usage of the first run of each plan: n copies share one prompt, counted once. */
function promptUsages(runs: readonly Run[], usages: readonly Usage[]): Usage[] {
  const seen = new Set<ChatPlan>();
  const out: Usage[] = [];
  runs.forEach((r, i) => {
    if (seen.has(r.plan)) return;
    seen.add(r.plan);
    out.push(usages[i]!);
  });
  return out;
}

/** Usage of a set of runs, the prompt counted once per plan as OpenAI does; the cost is every run's (each is billed). */
export function totalUsage(runs: readonly Run[], usages: readonly Usage[]): Usage {
  const priced = usages.map((u, i) => (u.cost === undefined ? pricedUsage(runs[i]!.plan.model.entry, u) : u));
  if (priced.length === 1) return priced[0]!;
  const prompts = promptUsages(runs, usages);
  return {
    ...usageOf(
      prompts.reduce((sum, u) => sum + u.prompt_tokens, 0),
      usages.reduce((sum, u) => sum + u.completion_tokens, 0),
    ),
    ...sumDetails(usages, prompts),
    ...sumCosts(priced),
  };
}

/** The usage of a request's choices: each run's once (the choices of a native-n run share it). */
export const choicesUsage = (runs: readonly Run[], choices: readonly Choice[]): Usage =>
  // One run: its usage, priced when it was charged (completeRuns), is the total.
  runs.length === 1 ? choices[0]!.usage : totalUsage(runs, runs.map((_, r) => choices.find((c) => c.run === r)!.usage));

/** The answers of one run: every upstream choice of a native-n call, in index order. */
const answersOf = (run: Run, out: unknown, model: string): Completion[] => (run.choices > 1 ? readAnswers(out, model) : [readAnswer(out, model)]);

/** A run's usage with its cost, reported to the request's meter. */
function billed(services: Services, plan: ChatPlan, usage: Usage): Usage {
  const priced = pricedUsage(plan.model.entry, usage);
  charge(services, plan.model.id, priced);
  return priced;
}

/** Runs every choice without streaming and reads the answers. */
export async function completeRuns(services: Services, runs: readonly Run[], signal?: AbortSignal): Promise<Choice[]> {
  // One run (n = 1, the common case): no Promise.all and no arrays of arrays.
  if (runs.length === 1) return runChoices(services, runs[0]!, 0, await runUpstream(services, runs[0]!, false, signal));
  const outs = await Promise.all(runs.map((run) => runUpstream(services, run, false, signal)));
  return outs.flatMap((done, r) => runChoices(services, runs[r]!, r, done));
}

/** The choices of run `r` from its answer. */
function runChoices(services: Services, run: Run, r: number, { out, plan }: { out: unknown; plan: ChatPlan }): Choice[] {
  const answers = answersOf(run, out, plan.model.id);
  const shared = answers.length > 1;
  const choices = answers.map((c) => readChoice(plan, c, shared, r));
  // One call, one usage: the upstream's covers all its choices (else estimated from them all), charged once.
  const usage = billed(services, plan, answers[0]!.usage ?? usageOf(plan.promptTokens, choices.reduce((n, c) => n + estimateOf(c), 0)));
  for (const c of choices) c.usage = usage;
  return choices;
}

/** Estimated completion tokens of a choice whose upstream reported no usage. */
const estimateOf = (c: Choice): number => tokensOfChars(c.content.length + c.reasoning.length + c.toolCalls.reduce((n, t) => n + t.function.name.length + t.function.arguments.length, 0));

/** One upstream answer as choice `run`'s (reasoning split out, stop sequences applied); its usage is set by runChoices. */
function readChoice(plan: ChatPlan, c: Completion, shared: boolean, run: number): Choice {
  let content = c.text;
  let reasoning = c.reasoning;
  if (plan.think && content) {
    const split = splitThink(content, plan.think.implicit && !reasoning);
    content = split.content;
    reasoning = reasoning ? `${reasoning}${split.reasoning && `\n${split.reasoning}`}` : split.reasoning;
  }
  const match = plan.stops.length ? firstStopMatch(content, plan.stops) : undefined;
  const at = match?.at ?? -1;
  if (at !== -1) content = content.slice(0, at);
  const toolCalls = plan.parallelToolCalls ? c.toolCalls : c.toolCalls.slice(0, 1);
  // A native-n call's completion_tokens are all its choices': they say nothing of one choice's length.
  const tokens = shared ? undefined : c.usage?.completion_tokens;
  return {
    content,
    reasoning,
    toolCalls,
    finish: finishReasonOf(at !== -1, toolCalls.length, c.finish, tokens, plan.maxTokens),
    stopSequence: match?.stop,
    usage: undefined!,
    logprobs: c.logprobs,
    run,
  };
}

export interface StreamOutput {
  writer: (index: number) => ChunkWriter;
  includeUsage: boolean;
  /** Encodes the final usage event of a merged (several-choice) stream. */
  usage: (usage: Usage) => Uint8Array;
}

/**
 * Runs every choice streaming and returns the client SSE stream: one upstream stream piped
 * through completionTransformer (lib/pull-stream.ts), or several merged as their events arrive.
 */
export async function streamRuns(services: Services, runs: readonly Run[], out: StreamOutput, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const usages: Usage[] = [];
  const failed: boolean[] = [];
  const upstreams = await Promise.all(runs.map((run) => runUpstream(services, run, true, signal)));
  // One source per choice: a native-n stream split by choice index (usage on choice 0), else the run's own.
  const sources = upstreams.flatMap(({ out: result, plan }, r) => {
    const run = runs[r]!;
    const many = run.choices > 1 && takesN(plan);
    const list =
      result instanceof ReadableStream
        ? many ? splitChoices(result as ReadableStream<Uint8Array>, run.choices) : [result as ReadableStream<Uint8Array>]
        : answersOf(many ? run : { ...run, choices: 1 }, result, plan.model.id).map((c, k) => streamOfCompletion(k ? { ...c, usage: undefined } : c));
    return list.map((source, k) => ({ source, plan, r, first: k === 0, shared: list.length > 1 }));
  });
  const single = sources.length === 1;
  const streams = sources.map(({ source, plan, r, first, shared }, i) =>
    pipeWithErrorEvent(
      source,
      completionTransformer({
        writer: out.writer(i),
        stops: plan.stops,
        maxTokens: plan.maxTokens,
        think: plan.think,
        parallelToolCalls: plan.parallelToolCalls,
        includeUsage: out.includeUsage,
        promptTokens: () => plan.promptTokens,
        tail: single,
        sharedUsage: shared,
        // The run's usage arrives with its first choice: priced, charged and counted once.
        ...(first && {
          price: (u: Usage) => billed(services, plan, u),
          onUsage: (u: Usage) => {
            usages[r] = u;
          },
        }),
        model: plan.model.id,
        onError: () => {
          failed[i] = true;
        },
      }),
      (err) => sseData(streamError(err, plan.model.id)),
    ),
  );
  if (single) return streams[0]!;
  return mergeStreams(
    streams,
    () => (out.includeUsage && usages.filter(Boolean).length === runs.length ? out.usage(totalUsage(runs, usages)) : undefined),
    (i) => failed[i] === true,
  );
}

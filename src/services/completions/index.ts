/**
 * POST /v1/completions (legacy text completions) on top of the chat pipeline: each prompt is
 * sent as one user message, so every chat model family works (chat templates apply, reasoning
 * is kept out of the text), and answers come back as `text_completion` objects.
 */
import { invalidValue, notSupported, unsupportedParameter } from '../../errors';
import type { ChatCompletionRequest } from '../../schemas/chat';
import type { CompletionRequest } from '../../schemas/completions';
import { choicesUsage, completeRuns, planChat, runsOf, streamRuns } from '../chat/engine';
import { textWriter } from '../chat/stream';
import type { Services } from '../index';
import type { Usage } from '../usage';
import { uniqueHex } from '../../lib/random';

/** Upstream runs one request may fan out to (prompts x n). */
export const MAX_COMPLETION_RUNS = 16;

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: { text: string; index: number; logprobs: null; finish_reason: 'stop' | 'length' | 'content_filter' }[];
  usage: Usage;
}

export type CompletionResult = { stream: false; body: TextCompletion } | { stream: true; body: ReadableStream<Uint8Array> };

function promptsOf(req: CompletionRequest): string[] {
  const p = req.prompt;
  if (typeof p === 'string') return [p];
  if (p.every((x): x is string => typeof x === 'string')) return p;
  throw notSupported('prompt', 'Token-id prompts', ' Send the prompt as text.');
}

function check(req: CompletionRequest, prompts: string[]): void {
  if (req.suffix) throw notSupported('suffix', 'suffix (fill-in-the-middle)');
  if (req.logprobs != null) throw unsupportedParameter('logprobs', 'Workers AI returns no token probabilities (logprobs).');
  if (req.logit_bias && Object.keys(req.logit_bias).length) throw notSupported('logit_bias', 'logit_bias');
  if (req.best_of != null && req.best_of > 1 && req.best_of !== (req.n ?? 1)) throw notSupported('best_of', 'best_of', ' Use n.');
  prompts.forEach((p, i) => {
    if (!p.trim()) throw invalidValue(typeof req.prompt === 'string' ? 'prompt' : `prompt[${i}]`, 'The prompt must not be empty.');
  });
  if (prompts.length * (req.n ?? 1) > MAX_COMPLETION_RUNS) {
    throw invalidValue('prompt', `At most ${MAX_COMPLETION_RUNS} completions (prompts x n) per request.`);
  }
}

export async function createCompletion(services: Services, req: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
  const prompts = promptsOf(req);
  check(req, prompts);
  const n = req.n ?? 1;
  const chat = (prompt: string): ChatCompletionRequest => ({
    model: req.model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: req.max_tokens,
    temperature: req.temperature,
    top_p: req.top_p,
    seed: req.seed,
    frequency_penalty: req.frequency_penalty,
    presence_penalty: req.presence_penalty,
    stop: req.stop,
  });
  const plans = await Promise.all(prompts.map((p) => planChat(services, chat(p), signal, { promptParam: 'prompt', rawPrompt: p })));
  const runs = runsOf(plans, n);
  const echoOf = (index: number) => (req.echo ? prompts[Math.floor(index / n)]! : '');
  const id = `cmpl-${uniqueHex()}`;
  const created = Math.floor(Date.now() / 1000);

  if (req.stream === true) {
    const includeUsage = req.stream_options?.include_usage === true;
    const writer = (index: number) => textWriter({ id, created, model: req.model, index, includeUsage, echo: echoOf(index) });
    return { stream: true, body: await streamRuns(services, runs, { writer, includeUsage, usage: (u) => writer(0).usage(u) }, signal) };
  }

  const choices = await completeRuns(services, runs, signal);
  return {
    stream: false,
    body: {
      id,
      object: 'text_completion',
      created,
      model: req.model,
      choices: choices.map((c, index) => ({
        text: echoOf(index) + c.content,
        index,
        logprobs: null,
        finish_reason: c.finish === 'tool_calls' ? 'stop' : c.finish,
      })),
      usage: choicesUsage(runs, choices),
    },
  };
}

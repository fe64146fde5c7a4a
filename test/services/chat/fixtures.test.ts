/**
 * Recorded Workers AI outputs (test/fixtures/workers-ai/, see SOURCE.md there) replayed through the
 * proxy: a fake env.AI returns the fixture bytes for each new-family model id, and the client sees
 * spec-valid OpenAI Chat Completions.
 */
import { describe, expect, it } from 'vitest';
import reasoningJson from '../../fixtures/workers-ai/chat-completion-reasoning.json?raw';
import reasoningSse from '../../fixtures/workers-ai/chunks-reasoning-usage.sse?raw';
import toolSse from '../../fixtures/workers-ai/chunks-tool-call.sse?raw';
import legacySse from '../../fixtures/workers-ai/legacy-empty-tool-calls.sse?raw';
import { catalogModel, TEST_CATALOG } from '../../support/catalog';
import { fakeAI } from '../../support/fake-ai';
import { bindingEnv, jsonOf, postJson, chatChunks } from '../../support/http';

const enc = new TextEncoder();
/** The fixture's bytes as the binding streams them, cut into 37-byte pieces so events straddle reads. */
const replay = (text: string) => {
  const bytes = enc.encode(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (at >= bytes.length) return ctl.close();
      ctl.enqueue(bytes.slice(at, (at += 37)));
    },
  });
};

const FAMILIES = ['@cf/moonshotai/kimi-k2.6', '@cf/zai-org/glm-4.7-flash', '@cf/google/gemma-4-26b-a4b-it', '@cf/qwen/qwen3-30b-a3b-fp8', '@cf/nvidia/nemotron-3-120b-a12b'];
const catalog = [
  ...TEST_CATALOG,
  ...FAMILIES.filter((id) => !TEST_CATALOG.some((m) => m.name === id)).map((id) => catalogModel(id, 'Text Generation', { context_window: '131072', function_calling: 'true', reasoning: 'true' })),
];
const question = { messages: [{ role: 'user', content: 'what is a cow?' }] };
const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } };

async function streamed(model: string, text: string, body: Record<string, unknown> = {}) {
  const ai = fakeAI(() => replay(text), catalog);
  const res = await postJson(bindingEnv(ai), '/v1/chat/completions', { model, ...question, stream: true, stream_options: { include_usage: true }, ...body });
  expect(res.status).toBe(200);
  const chunks = await chatChunks(res);
  return chunks;
}

describe('recorded OpenAI-shaped answers, replayed per family', () => {
  it.each(FAMILIES)('%s: a non-streamed chat.completion with reasoning_content', async (model) => {
    const ai = fakeAI(() => JSON.parse(reasoningJson), catalog);
    const body = await jsonOf(await postJson(bindingEnv(ai), '/v1/chat/completions', { model, ...question }), 'CreateChatCompletionResponse');
    expect(body.model).toBe(model);
    expect(body.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'A **cow** is a domesticated, herbivorous mammal' } });
    expect(body.choices[0].message.reasoning_content).toBe('Okay, the user is asking');
    // An empty tool_calls list is no tool call.
    expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(body.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it.each(FAMILIES)('%s: a reasoning stream with running usage and a bare [DONE]', async (model) => {
    const chunks = await streamed(model, reasoningSse);
    const text = (k: string) => chunks.map((c) => c.choices[0]?.delta?.[k] ?? '').join('');
    expect(text('reasoning_content')).toBe('Okay, the user is asking');
    expect(text('content')).toBe('A **cow is cool');
    // One usage, at the end: the last running total the upstream reported.
    const withUsage = chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0].usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 1022, total_tokens: 1035 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it.each(FAMILIES)('%s: a streamed OpenAI-style tool call keeps its id', async (model) => {
    const chunks = await streamed(model, toolSse, { tools: [weather] });
    const calls = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: 'chatcmpl-tool-abc', type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(calls.map((c: any) => c.function?.arguments ?? '').join(''))).toEqual({ location: 'London' });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('recorded legacy answers', () => {
  it.each(['@cf/meta/llama-3.1-8b-instruct-fast', '@cf/meta/llama-3.3-70b-instruct-fp8-fast'])('%s: an event with only tool_calls: [] and p adds nothing', async (model) => {
    const chunks = await streamed(model, legacySse);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello chunk1');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? [])).toEqual([]);
  });
});

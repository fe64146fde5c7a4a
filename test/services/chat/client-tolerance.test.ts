/**
 * What real clients send that is not quite OpenAI's API: long stop lists (Continue), top-level
 * thinking switches (Cherry Studio, Qwen and Anthropic shapes), `top_k: 0` (Jan, Ollama UIs).
 */
import { describe, expect, it } from 'vitest';
import { fakeAI, tokenStream } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson } from '../../support/http';

const LLAMA = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const QWEN3 = '@cf/qwen/qwen3-30b-a3b-fp8';
const KIMI = '@cf/moonshotai/kimi-k2.6';
const GPT_OSS = '@cf/openai/gpt-oss-120b';
const hi = [{ role: 'user', content: 'Hi' }];
const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) => postJson(bindingEnv(ai), '/v1/chat/completions', { messages: hi, ...body });

/** Continue's tab-autocomplete stop words (core/autocomplete/templating), 12 of them. */
const CONTINUE_STOPS = ['<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<file_sep>', '<|endoftext|>', '</fim_middle>', '</code>', '\n\n\n', '```', '/src/', '#- coding: utf-8', '<|im_end|>'];

describe('stop lists beyond 4', () => {
  it('12 stop sequences are taken and applied by the proxy (chat and completions)', async () => {
    const ai = fakeAI(() => ({ response: 'one two ``` three', usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }));
    const body = await jsonOf(await chat(ai, { model: LLAMA, stop: CONTINUE_STOPS }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('one two ');
    expect(body.choices[0].finish_reason).toBe('stop');
    // Stop sequences never go upstream: the proxy enforces them.
    expect(ai.calls[0]!.inputs).not.toHaveProperty('stop');
    const legacy = await jsonOf(await postJson(bindingEnv(ai), '/v1/completions', { model: LLAMA, prompt: 'x', stop: CONTINUE_STOPS }), 'CreateCompletionResponse');
    expect(legacy.choices[0].text).toBe('one two ');
  });

  it('applies them to a stream too', async () => {
    const ai = fakeAI(() => tokenStream(['one ', 'two ', '</co', 'de> three']));
    const res = await chat(ai, { model: LLAMA, stream: true, stop: CONTINUE_STOPS });
    expect(await res.text()).not.toContain('three');
  });

  it('more than 16 is a 400 that says the bound', async () => {
    const stop = Array.from({ length: 17 }, (_, i) => `s${i}`);
    await expectError(await chat(fakeAI(), { model: LLAMA, stop }), 400, { param: 'stop', message: /at most 16/ });
    await expectError(await postJson(bindingEnv(), '/v1/completions', { model: LLAMA, prompt: 'x', stop }), 400, { param: 'stop', message: /at most 16/ });
    expect((await chat(fakeAI(), { model: LLAMA, stop: stop.slice(0, 16) })).status).toBe(200);
  });
});

describe('top_k: 0 means not set', () => {
  it('on /v1/chat/completions nothing is sent upstream; 40 is sent', async () => {
    const ai = fakeAI();
    expect((await chat(ai, { model: LLAMA, top_k: 0 })).status).toBe(200);
    expect(ai.calls[0]!.inputs).not.toHaveProperty('top_k');
    await chat(ai, { model: LLAMA, top_k: 40 });
    expect(ai.calls[1]!.inputs.top_k).toBe(40);
    await expectError(await chat(ai, { model: LLAMA, top_k: -1 }), 400, { param: 'top_k' });
  });

  it('on the Ollama path (options.top_k: 0)', async () => {
    const ai = fakeAI();
    const res = await postJson(bindingEnv(ai), '/api/chat', { model: LLAMA, stream: false, messages: hi, options: { top_k: 0, temperature: 0.5 } });
    expect(res.status).toBe(200);
    expect(ai.calls[0]!.inputs).not.toHaveProperty('top_k');
    expect(ai.calls[0]!.inputs.temperature).toBe(0.5);
  });
});

describe('thinking switches outside OpenAI API', () => {
  const sent = async (model: string, body: Record<string, unknown>) => {
    const ai = fakeAI(() => (model === GPT_OSS ? { object: 'response', output: [], status: 'completed' } : { response: 'ok' }));
    expect((await chat(ai, { model, ...body })).status).toBe(200);
    return ai.calls[0]!.inputs;
  };

  it('enable_thinking: false (Cherry Studio for Qwen) turns thinking off through the chat template', async () => {
    expect((await sent(QWEN3, { enable_thinking: false })).chat_template_kwargs).toEqual({ enable_thinking: false });
    expect((await sent(KIMI, { enable_thinking: false })).chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it('thinking: {type: "disabled"} and a zero budget do the same', async () => {
    expect((await sent(KIMI, { thinking: { type: 'disabled' } })).chat_template_kwargs).toEqual({ enable_thinking: false });
    expect((await sent(KIMI, { thinking_budget: 0 })).chat_template_kwargs).toEqual({ enable_thinking: false });
  });

  it('a budget becomes an effort where the model takes reasoning_effort', async () => {
    expect((await sent(KIMI, { thinking_budget: 1024 })).reasoning_effort).toBe('low');
    expect((await sent(KIMI, { thinking: { type: 'enabled', budget_tokens: 4096 } })).reasoning_effort).toBe('medium');
    expect((await sent(KIMI, { thinking: { type: 'enabled', budget_tokens: 32000 } })).reasoning_effort).toBe('high');
    expect((await sent(GPT_OSS, { thinking_budget: 16000 })).reasoning).toEqual({ effort: 'high' });
  });

  it('enable_thinking: true turns it on where the chat template takes the switch', async () => {
    expect((await sent(KIMI, { enable_thinking: true })).chat_template_kwargs).toEqual({ enable_thinking: true });
    expect((await sent(KIMI, { thinking: { type: 'enabled' } })).chat_template_kwargs).toEqual({ enable_thinking: true });
  });

  it('reasoning_effort wins over the other switches', async () => {
    const inputs = await sent(KIMI, { reasoning_effort: 'high', enable_thinking: false });
    expect(inputs.reasoning_effort).toBe('high');
    expect(inputs).not.toHaveProperty('chat_template_kwargs');
  });

  it('models that do not reason get none of it', async () => {
    const inputs = await sent(LLAMA, { enable_thinking: false, thinking_budget: 100 });
    expect(inputs).not.toHaveProperty('chat_template_kwargs');
    expect(inputs).not.toHaveProperty('reasoning_effort');
  });

  it('bad values are a 400 naming the field', async () => {
    await expectError(await chat(fakeAI(), { model: KIMI, enable_thinking: 'no' }), 400, { param: 'enable_thinking' });
    await expectError(await chat(fakeAI(), { model: KIMI, thinking: { type: 'maybe' } }), 400, { param: 'thinking.type' });
    await expectError(await chat(fakeAI(), { model: KIMI, thinking_budget: -5 }), 400, { param: 'thinking_budget' });
  });

  it('Ollama think: false reaches the model as enable_thinking: false', async () => {
    const ai = fakeAI();
    await postJson(bindingEnv(ai), '/api/chat', { model: QWEN3, stream: false, think: false, messages: hi });
    expect(ai.calls[0]!.inputs.chat_template_kwargs).toEqual({ enable_thinking: false });
  });
});

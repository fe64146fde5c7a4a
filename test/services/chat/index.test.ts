import { describe, expect, it } from 'vitest';
import { expectSchema } from '../../openapi/validate';
import { fakeAI, sseStream, tokenStream, gatedStream, failingStream } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson, sseEvents, chatChunks } from '../../support/http';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const chat = (env: ReturnType<typeof bindingEnv>, body: Record<string, unknown>) =>
  postJson(env, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...body });

describe('POST /v1/chat/completions (non-stream)', () => {
  it('returns a spec-valid chat.completion with the upstream usage', async () => {
    const ai = fakeAI(() => ({ response: 'Hello there!', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } }));
    const res = await chat(bindingEnv(ai), {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 },
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it('forwards every sampling parameter Workers AI understands, and max_completion_tokens wins', async () => {
    const ai = fakeAI();
    await chat(bindingEnv(ai), {
      max_tokens: 50,
      max_completion_tokens: 77,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
      repetition_penalty: 1.1,
      user: 'u-1',
      metadata: { a: 'b' },
      store: false,
    });
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.model).toBe(MODEL);
    expect(ai.calls[0]!.inputs).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 77,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
      repetition_penalty: 1.1,
    });
  });

  it('sends DEFAULT_MAX_TOKENS when the client gives none (Workers AI defaults to 256)', async () => {
    const ai = fakeAI();
    await chat(bindingEnv(ai, { DEFAULT_MAX_TOKENS: '1234' }), {});
    expect(ai.calls[0]!.inputs.max_tokens).toBe(1234);
  });

  it('accepts content as text parts and maps developer to system', async () => {
    const ai = fakeAI();
    const res = await chat(bindingEnv(ai), {
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }] },
        { role: 'assistant', content: null },
        { role: 'user', content: 'Three' },
      ],
    });
    expect(res.status).toBe(200);
    expect(ai.calls[0]!.inputs.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'One\nTwo' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'Three' },
    ]);
  });

  it('enforces stop sequences and reports finish_reason stop', async () => {
    const ai = fakeAI(() => ({ response: 'one two END three', usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } }));
    const body = await jsonOf(await chat(bindingEnv(ai), { stop: ['XYZ', 'END'] }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('one two ');
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  it('reports finish_reason length when the token limit was reached', async () => {
    const ai = fakeAI(() => ({ response: 'a b c d', usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } }));
    const body = await jsonOf(await chat(bindingEnv(ai), { max_tokens: 4 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].finish_reason).toBe('length');
  });

  it('estimates usage (~4 chars/token) when the upstream reports none', async () => {
    const ai = fakeAI(() => ({ response: 'x'.repeat(40) }));
    const body = await jsonOf(await chat(bindingEnv(ai), { messages: [{ role: 'user', content: 'y'.repeat(80) }] }), 'CreateChatCompletionResponse');
    // 80 chars -> 20 tokens, plus 4 per message of framing; 40 chars -> 10 tokens.
    expect(body.usage).toEqual({ prompt_tokens: 24, completion_tokens: 10, total_tokens: 34, cost: null, neurons: null });
  });

  it('reads OpenAI-shaped upstream output (newer models)', async () => {
    const ai = fakeAI(() => ({
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'From choices' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    }));
    const body = await jsonOf(await chat(bindingEnv(ai), {}), 'CreateChatCompletionResponse');
    expect(body.choices[0]).toMatchObject({ message: { content: 'From choices' }, finish_reason: 'length' });
    expect(body.usage.total_tokens).toBe(5);
  });

  it('stringifies a structured response object', async () => {
    const ai = fakeAI(() => ({ response: { answer: 42 } }));
    const body = await jsonOf(await chat(bindingEnv(ai), {}), 'CreateChatCompletionResponse');
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ answer: 42 });
  });

  it('resolves aliases before the catalog check and echoes the client model name', async () => {
    const ai = fakeAI();
    const body = await jsonOf(await chat(bindingEnv(ai), { model: 'gpt-4o-mini' }), 'CreateChatCompletionResponse');
    expect(ai.calls[0]!.model).toBe('@cf/meta/llama-3.1-8b-instruct-fast');
    expect(body.model).toBe('gpt-4o-mini');
  });

  it('honours MODEL_ALIASES from the environment', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { MODEL_ALIASES: JSON.stringify({ 'my-model': '@cf/mistral/mistral-7b-instruct-v0.1', 'gpt-4o-mini': '' }) });
    expect((await chat(env, { model: 'my-model' })).status).toBe(200);
    expect(ai.calls[0]!.model).toBe('@cf/mistral/mistral-7b-instruct-v0.1');
    // An alias mapped to "" is removed.
    await expectError(await chat(env, { model: 'gpt-4o-mini' }), 404, { code: 'model_not_found' });
  });

  it('accepts a unique short model name', async () => {
    const ai = fakeAI();
    expect((await chat(bindingEnv(ai), { model: 'llama-3.1-8b-instruct' })).status).toBe(200);
    expect(ai.calls[0]!.model).toBe(MODEL);
  });

  it('answers on the root path too (clients that drop /v1)', async () => {
    const res = await postJson(bindingEnv(), '/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.status).toBe(200);
  });
});

describe('POST /v1/chat/completions (stream)', () => {
  it('streams spec-valid chunks: role first, one id, content deltas, finish, [DONE]', async () => {
    const ai = fakeAI(() => tokenStream(['Hel', 'lo', ' world'], { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 }, { split: 7 }));
    const res = await chat(bindingEnv(ai), { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const chunks = await chatChunks(res);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === MODEL)).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, -1).map((c) => c.choices[0].delta.content)).toEqual(['Hel', 'lo', ' world']);
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(ai.calls[0]!.inputs.stream).toBe(true);
  });

  it('stream_options.include_usage adds a usage chunk with empty choices before [DONE]', async () => {
    const ai = fakeAI(() => tokenStream(['a', 'b'], { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }));
    const chunks = await chatChunks(await chat(bindingEnv(ai), { stream: true, stream_options: { include_usage: true } }));
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, cost: null, neurons: null });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('estimates stream usage when the upstream sends none', async () => {
    const ai = fakeAI(() => tokenStream(['abcd', 'efgh']));
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true, stream_options: { include_usage: true } }));
    expect(events.at(-2)!.json.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, cost: null, neurons: null });
  });

  it('enforces stop sequences split across events, and cancels the upstream', async () => {
    let cancelled = false;
    const upstream = tokenStream(['Hello ', 'wor', 'ld! and', ' more'], undefined, { split: 5 });
    const reader = upstream.getReader();
    const tracked = new ReadableStream<Uint8Array>({
      pull: async (c) => {
        const r = await reader.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
      cancel: () => {
        cancelled = true;
      },
    });
    const ai = fakeAI(() => tracked);
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true, stop: 'world' }));
    const chunks = events.slice(0, -1).map((e) => e.json);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Hello ');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(cancelled).toBe(true);
  });

  it('holds back a possible stop prefix that turns out not to match, then releases it', async () => {
    const ai = fakeAI(() => tokenStream(['the wo', 'rd is', ' wonder']));
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true, stop: ['world'] }));
    const text = events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('the word is wonder');
  });

  it('reports finish_reason length from the upstream usage', async () => {
    const ai = fakeAI(() => tokenStream(['a', 'b', 'c'], { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 }));
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true, max_tokens: 3 }));
    expect(events.at(-2)!.json.choices[0].finish_reason).toBe('length');
  });

  it('reads OpenAI-shaped stream events (choices[].delta)', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' } }] },
        { choices: [{ index: 0, delta: { content: '!' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
        '[DONE]',
      ]),
    );
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true }));
    const text = events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Hi!');
  });

  it('sends each upstream event as soon as it arrives (no buffering)', async () => {
    const { stream, release } = gatedStream('data: {"response":"first"}\n\n', 'data: {"response":"second"}\n\ndata: [DONE]\n\n');
    const ai = fakeAI(() => stream);
    const res = await chat(bindingEnv(ai), { stream: true });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('"first"')) seen += (await reader.read()).value;
    // The first token reached the client while the upstream is still blocked.
    expect(seen).not.toContain('second');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toContain('"second"');
    expect(rest.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('turns a mid-stream upstream failure into an error event, then [DONE]', async () => {
    const ai = fakeAI(() => failingStream());
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true }));
    const error = events.find((e) => e.json?.error)!.json;
    expectSchema('ErrorResponse', error);
    expect(error.error.code).toBe('upstream_overloaded');
    expect(events.at(-1)!.data).toBe('[DONE]');
  });

  it('wraps a JSON answer to a streaming request as a stream', async () => {
    const ai = fakeAI(() => ({ response: 'whole', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    const events = await sseEvents(await chat(bindingEnv(ai), { stream: true }));
    expect(events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('')).toBe('whole');
  });
});

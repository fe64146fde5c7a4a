/** POST /v1/responses: the Responses API over the chat engine, non-stream and stream. */
import { describe, expect, it, vi } from 'vitest';
import { expectSchema } from '../../openapi/validate';
import { bindingError, fakeAI, sseStream, tokenStream, gatedStream, failingStream } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import { deltas, responseEvents } from '../../support/responses-sse';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const TOOLS_MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const OSS = '@cf/openai/gpt-oss-120b';
const KIMI = '@cf/moonshotai/kimi-k2.6';
const SCOUT = '@cf/meta/llama-4-scout-17b-16e-instruct';
const R1 = '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b';
const PNG = `data:image/png;base64,${btoa(String.fromCharCode(137, 80, 78, 71, 13, 10, 26, 10))}`;
const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };

const create = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) => postJson(bindingEnv(ai), '/v1/responses', { model: MODEL, input: 'Hi', ...body });
const weather = { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true };

describe('responses: non-stream', () => {
  it('answers a spec-valid Response with the request settings echoed', async () => {
    const ai = fakeAI(() => ({ response: 'Hello!', usage }));
    const res = await create(ai, { instructions: 'Be brief.', temperature: 0.5, top_p: 0.9, max_output_tokens: 100, metadata: { k: 'v' }, user: 'u1', store: true });
    const body = await jsonOf(res, 'Response');
    expect(body.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(body).toMatchObject({
      object: 'response',
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: 'Be brief.',
      model: MODEL,
      temperature: 0.5,
      top_p: 0.9,
      max_output_tokens: 100,
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
      metadata: { k: 'v' },
      user: 'u1',
      store: false,
      truncation: 'disabled',
      text: { format: { type: 'text' } },
      output_text: 'Hello!',
    });
    expect(typeof body.created_at).toBe('number');
    expect(body.completed_at).toBeGreaterThanOrEqual(body.created_at);
    expect(body.output).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello!', annotations: [], logprobs: [] }], role: 'assistant' },
    ]);
    expect(body.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 12,
      cost: null,
      neurons: null,
    });
    expect(ai.calls[0]!.inputs).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
    });
  });

  it('also answers without the /v1 prefix, and reports the client model name (aliases too)', async () => {
    const ai = fakeAI();
    const res = await postJson(bindingEnv(ai), '/responses', { model: 'gpt-4o-mini', input: 'Hi' });
    const body = await jsonOf(res, 'Response');
    expect(body.model).toBe('gpt-4o-mini');
    expect(ai.calls[0]!.model).toBe(`${MODEL}-fast`); // gpt-4o-mini's default target
  });

  it('translates input items: roles, text parts, earlier output, function calls and their outputs', async () => {
    const ai = fakeAI(() => ({ response: 'It is 18C.', usage }));
    const input = [
      { role: 'developer', content: 'Use tools.' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in' }, { type: 'input_text', text: 'Paris?' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'earlier thought' }] },
      { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
      { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call_output', call_id: 'call_1', output: '18C' },
      { type: 'item_reference', id: 'rs_2' },
    ];
    const res = await create(ai, { model: TOOLS_MODEL, input, tools: [weather] });
    await jsonOf(res, 'Response');
    const { messages } = ai.calls[0]!.inputs;
    expect(messages).toEqual([
      { role: 'system', content: 'Use tools.' },
      { role: 'user', content: 'Weather in\nParis?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: expect.stringMatching(/^[A-Za-z0-9]{9}$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', content: '18C', tool_call_id: messages[2].tool_calls[0].id, name: 'get_weather' },
    ]);
  });

  it('sends images to a vision model as image_url parts', async () => {
    const ai = fakeAI(() => ({ response: 'A dot.', usage }));
    const input = [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: PNG, detail: 'auto' }] }];
    await jsonOf(await create(ai, { model: SCOUT, input }), 'Response');
    expect(ai.calls[0]!.inputs.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: PNG } },
    ]);
  });

  it('function tools go to the model; calls come back as function_call items', async () => {
    const ai = fakeAI(() => ({ response: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage }));
    const body = await jsonOf(await create(ai, { model: TOOLS_MODEL, tools: [weather], tool_choice: 'required' }), 'Response');
    expect(ai.calls[0]!.inputs.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: weather.parameters } }]);
    expect(ai.calls[0]!.inputs.tool_choice).toBe('required');
    expect(body.output).toEqual([
      { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', arguments: '{"city":"Paris"}', call_id: expect.stringMatching(/^call_/), name: 'get_weather' },
    ]);
    expect(body.tools).toEqual([{ type: 'function', name: 'get_weather', description: 'Weather', parameters: weather.parameters, strict: true }]);
    expect(body.tool_choice).toBe('required');
    expect(body.output_text).toBe('');
  });

  it('a named tool choice and allowed_tools narrow the tools', async () => {
    const other = { ...weather, name: 'get_time' };
    const ai = fakeAI(() => ({ response: 'ok', usage }));
    await create(ai, { model: KIMI, tools: [weather, other], tool_choice: { type: 'function', name: 'get_time' }, parallel_tool_calls: false });
    expect(ai.calls[0]!.inputs).toMatchObject({ tool_choice: { type: 'function', function: { name: 'get_time' } }, parallel_tool_calls: false });
    await create(ai, { model: KIMI, tools: [weather, other], tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'get_time' }] } });
    expect(ai.calls[1]!.inputs.tools.map((t: any) => t.function.name)).toEqual(['get_time']);
    expect(ai.calls[1]!.inputs.tool_choice).toBe('required');
    await create(ai, { model: KIMI, tools: [weather], tool_choice: 'none' });
    expect(ai.calls[2]!.inputs.tools).toBeUndefined();
  });

  it('text.format json_schema and json_object become the model JSON mode', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const ai = fakeAI(() => ({ response: { a: 'x' }, usage }));
    const body = await jsonOf(await create(ai, { text: { format: { type: 'json_schema', name: 'thing', schema, strict: true } } }), 'Response');
    expect(ai.calls[0]!.inputs.response_format).toEqual({ type: 'json_schema', json_schema: schema });
    expect(body.output_text).toBe('{"a":"x"}');
    expect(body.text.format).toEqual({ type: 'json_schema', name: 'thing', schema, strict: true });
    await create(ai, { model: KIMI, text: { format: { type: 'json_object' } } });
    expect(ai.calls[1]!.inputs.response_format).toEqual({ type: 'json_object' });
  });

  it('reasoning becomes a reasoning item with the thinking as its summary; effort is passed on', async () => {
    const ai = fakeAI(() => ({ response: 'Two and two.\n</think>\n\n4', usage: { prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 } }));
    const body = await jsonOf(await create(ai, { model: R1, input: '2+2?' }), 'Response');
    expect(body.output).toEqual([
      { id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'Two and two.' }] },
      expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: '4' })] }),
    ]);
    expect(body.output_text).toBe('4');
    expect(body.usage.output_tokens_details.reasoning_tokens).toBe(3);

    const kimi = fakeAI(() => ({ choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', reasoning_content: 'r' }, finish_reason: 'stop' }] }));
    const res = await create(kimi, { model: KIMI, reasoning: { effort: 'xhigh', summary: 'auto' } });
    expect((await jsonOf(res, 'Response')).reasoning).toEqual({ effort: 'xhigh', summary: 'auto' });
    expect(kimi.calls[0]!.inputs.reasoning_effort).toBe('high');
  });

  it('max_output_tokens reached: status incomplete with reason max_output_tokens', async () => {
    const ai = fakeAI(() => ({ response: 'Once upon', usage: { prompt_tokens: 3, completion_tokens: 16, total_tokens: 19 } }));
    const body = await jsonOf(await create(ai, { max_output_tokens: 16 }), 'Response');
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null });
    expect(body.output[0].status).toBe('incomplete');
  });

  it('gpt-oss gets its native Responses input and its output comes back as items', async () => {
    const ai = fakeAI(() => ({
      id: 'resp_up',
      object: 'response',
      status: 'completed',
      output: [
        { id: 'rs_up', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Need the tool.' }] },
        { id: 'fc_up', type: 'function_call', call_id: 'call_77', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
      ],
      usage: { input_tokens: 30, output_tokens: 12, total_tokens: 42 },
    }));
    const res = await create(ai, { model: OSS, instructions: 'Be brief.', input: 'Weather?', tools: [weather], reasoning: { effort: 'low' }, max_output_tokens: 300 });
    const body = await jsonOf(res, 'Response');
    expect(ai.calls[0]!.inputs).toMatchObject({
      instructions: 'Be brief.',
      input: [{ type: 'message', role: 'user', content: 'Weather?' }],
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: weather.parameters, strict: true }],
      reasoning: { effort: 'low' },
      max_output_tokens: 300,
    });
    expect(body.output.map((o: any) => o.type)).toEqual(['reasoning', 'function_call']);
    expect(body.output[1]).toMatchObject({ call_id: 'call_77', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(body.usage).toMatchObject({ input_tokens: 30, output_tokens: 12, total_tokens: 42, output_tokens_details: { reasoning_tokens: 4 } });
  });
});

describe('responses: stream', () => {
  it('sends the Responses event sequence, each delta as it arrives, and no [DONE]', async () => {
    const ai = fakeAI(() => tokenStream(['Hel', 'lo', '!'], usage));
    const events = await responseEvents(await create(ai, { stream: true }));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const [created, , added, , delta, , , textDone, , itemDone, completed] = events;
    expect(created.response).toMatchObject({ object: 'response', status: 'in_progress', model: MODEL, output: [] });
    const id = added.item.id;
    expect(added).toMatchObject({ output_index: 0, item: { id: expect.stringMatching(/^msg_/), type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
    expect(delta).toEqual({ type: 'response.output_text.delta', item_id: id, output_index: 0, content_index: 0, delta: 'Hel', logprobs: [], sequence_number: 4 });
    expect(deltas(events, 'response.output_text.delta')).toBe('Hello!');
    expect(textDone).toMatchObject({ item_id: id, text: 'Hello!', logprobs: [] });
    expect(itemDone.item).toEqual({ id, type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello!', annotations: [], logprobs: [] }], role: 'assistant' });
    expect(completed.response).toMatchObject({ id: created.response.id, status: 'completed', output: [itemDone.item] });
    expect(completed.response.usage).toMatchObject({ input_tokens: 10, output_tokens: 2, total_tokens: 12 });
    expect(ai.calls[0]!.inputs.stream).toBe(true);
  });

  it('the first delta reaches the client while the upstream is still generating', async () => {
    const { stream, release } = gatedStream('data: {"response":"first"}\n\n', 'data: {"response":"second"}\n\ndata: [DONE]\n\n');
    const ai = fakeAI(() => stream);
    const res = await create(ai, { stream: true });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('"first"')) seen += (await reader.read()).value;
    expect(seen).not.toContain('second');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toContain('"second"');
    expect(rest).toContain('event: response.completed');
    expect(rest).not.toContain('[DONE]');
  });

  it('streams reasoning as a reasoning item, then the message', async () => {
    const ai = fakeAI(() => tokenStream(['Thin', 'king.</th', 'ink>\n\n', 'Four'], usage));
    const events = await responseEvents(await create(ai, { model: R1, stream: true }));
    expect(events.map((e) => e.type).slice(2)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(deltas(events, 'response.reasoning_summary_text.delta')).toBe('Thinking.');
    expect(events[2].item).toMatchObject({ type: 'reasoning', id: expect.stringMatching(/^rs_/), summary: [] });
    expect(events[3].output_index).toBe(0);
    expect(events[9]).toMatchObject({ output_index: 1, item: { type: 'message' } });
    const final = events.at(-1).response;
    expect(final.output.map((o: any) => o.type)).toEqual(['reasoning', 'message']);
    expect(final.output[0].summary).toEqual([{ type: 'summary_text', text: 'Thinking.' }]);
    expect(final.usage.output_tokens_details.reasoning_tokens).toBe(2);
  });

  it('streams function calls: item added, argument deltas, done', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '' } }] } }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] } }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage },
        '[DONE]',
      ]),
    );
    const events = await responseEvents(await create(ai, { model: KIMI, tools: [weather], stream: true }));
    expect(events.map((e) => e.type).slice(2)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const id = events[2].item.id;
    expect(events[2].item).toEqual({ id, type: 'function_call', status: 'in_progress', arguments: '', call_id: 'call_9', name: 'get_weather' });
    expect(events[3]).toMatchObject({ item_id: id, output_index: 0, delta: '{"city":' });
    expect(events[5]).toMatchObject({ item_id: id, name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(events[6].item).toMatchObject({ id, status: 'completed', arguments: '{"city":"Paris"}' });
    expect(events[7].response.output).toEqual([events[6].item]);
  });

  it('a JSON-mode stream (run unstreamed upstream) still arrives as events', async () => {
    const ai = fakeAI(() => ({ response: { a: 1 }, usage }));
    const events = await responseEvents(await create(ai, { stream: true, text: { format: { type: 'json_object' } } }));
    expect(deltas(events, 'response.output_text.delta')).toBe('{"a":1}');
    expect(ai.calls[0]!.inputs.stream).toBeUndefined();
  });

  it('running out of tokens ends with response.incomplete', async () => {
    const ai = fakeAI(() => tokenStream(['a', 'b'], { prompt_tokens: 3, completion_tokens: 20, total_tokens: 23 }));
    const events = await responseEvents(await create(ai, { stream: true, max_output_tokens: 20 }));
    const last = events.at(-1);
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(last.response.output[0].status).toBe('incomplete');
  });

  it('an upstream failure mid-stream ends with an error event and response.failed', async () => {
    const ai = fakeAI(() => failingStream());
    const events = await responseEvents(await create(ai, { stream: true }));
    expect(deltas(events, 'response.output_text.delta')).toBe('partial');
    const [error, failed] = events.slice(-2);
    expect(error).toMatchObject({ type: 'error', code: 'upstream_overloaded', param: null, message: expect.stringMatching(/capacity/i) });
    expect(error.error).toEqual({ type: 'rate_limit_error', code: 'upstream_overloaded', message: error.message, param: null });
    expect(failed.type).toBe('response.failed');
    // Capacity (3040) is a 429 in the error table: a rate limit in ResponseError's codes.
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: error.message } });
    expect(failed.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete', content: [{ text: 'partial' }] });
  });

  it('an OpenAI-shaped upstream error event missing fields still gives complete error events', async () => {
    const ai = fakeAI(() => sseStream([{ choices: [{ index: 0, delta: { content: 'x' } }] }, { error: { type: 'server_error' } }]));
    const events = await responseEvents(await create(ai, { model: KIMI, stream: true }));
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ code: 'server_error', message: expect.any(String), param: null, error: { type: 'server_error', code: 'server_error' } });
    expect(events.at(-1).type).toBe('response.failed');
  });

  it('a gpt-oss response.failed event upstream becomes error + response.failed', async () => {
    const text = 'event: response.failed\ndata: {"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"boom"}}}\n\n';
    const ai = fakeAI(() => new Response(text).body);
    const events = await responseEvents(await create(ai, { model: OSS, stream: true }));
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'error', 'response.failed']);
    expect(events[2].message).toMatch(/boom/);
  });

  it('an upstream error before the stream starts is an HTTP error', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3036, 'account limit');
    });
    await expectError(await create(ai, { stream: true }), 429, { code: 'insufficient_quota' });
  });

  it('a client that goes away cancels the upstream generation', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const ai = fakeAI(
      () =>
        new ReadableStream<Uint8Array>({
          pull: (c) => c.enqueue(encoder.encode('data: {"response":"x"}\n\n')),
          cancel: () => {
            cancelled = true;
          },
        }),
    );
    const reader = (await create(ai, { stream: true })).body!.getReader();
    await reader.read();
    await reader.cancel();
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });
});

describe('responses: stored state', () => {
  it.each(['GET', 'DELETE'])('%s /v1/responses/{id} without RESPONSES_STORE is a 404 that says how to store', async (method) => {
    const err = await expectError(await call(bindingEnv(), '/v1/responses/resp_123', { method }), 404, { code: 'response_not_found', param: 'response_id' });
    expect(err.message).toMatch(/nothing is stored.*RESPONSES_STORE/);
  });
});

describe('responses: what the Vercel AI SDK parses', () => {
  // Checked against vercel/ai packages/openai/src/responses/openai-responses-api.ts
  // (openaiResponsesResponseSchema and openaiResponsesChunkSchema, zod) and
  // openai-responses-language-model.ts (doGenerate / doStream). Its schemas are plain z.object,
  // so a missing required field makes the whole answer (or chunk) fail to parse: a chunk that
  // fails falls through to "unknown_chunk" and its text or tool call is silently lost.
  it('non-stream: id, created_at, model, output[].id, message role/content/annotations, usage', async () => {
    const ai = fakeAI(() => ({ response: '<think>Thought.</think>Hi', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage }));
    const body = await jsonOf(await create(ai, { model: '@cf/qwen/qwen3-30b-a3b-fp8', tools: [weather] }), 'Response');
    expect(typeof body.id).toBe('string');
    expect(typeof body.created_at).toBe('number');
    expect(typeof body.model).toBe('string');
    expect(body.error).toBeNull();
    for (const item of body.output) expect(typeof item.id).toBe('string');
    const [reasoning, message, fn] = body.output;
    // reasoning: {type, id, encrypted_content?, summary: [{type: 'summary_text', text}]}: the SDK reads only the summary.
    expect(reasoning.summary).toEqual([{ type: 'summary_text', text: 'Thought.' }]);
    // message: {type, role: 'assistant', id, content: [{type: 'output_text', text, annotations: [], logprobs?}]}
    expect(message).toMatchObject({ type: 'message', role: 'assistant' });
    expect(message.content).toEqual([{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [] }]);
    // function_call: {type, call_id, name, arguments, id}
    expect(fn).toMatchObject({ type: 'function_call', call_id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}', id: expect.any(String) });
    // usage: {input_tokens, input_tokens_details?: {cached_tokens?}, output_tokens, output_tokens_details?: {reasoning_tokens?}}
    expect(body.usage).toMatchObject({ input_tokens: 10, output_tokens: 2, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: expect.any(Number) } });
    // incomplete_details?: {reason: string} | null (mapped to the finish reason)
    expect(body.incomplete_details).toBeNull();
  });

  it('stream: every chunk carries the fields the SDK schema requires', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { choices: [{ index: 0, delta: { reasoning_content: 'Hmm.' } }] },
        { choices: [{ index: 0, delta: { content: 'Hi' } }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] } }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage },
        '[DONE]',
      ]),
    );
    const events = await responseEvents(await create(ai, { model: KIMI, tools: [weather], stream: true }));
    const created = events.find((e) => e.type === 'response.created');
    // response.created: response {id, created_at, model}
    expect(created.response).toMatchObject({ id: expect.any(String), created_at: expect.any(Number), model: KIMI });
    for (const e of events.filter((e) => e.type === 'response.output_item.added' || e.type === 'response.output_item.done')) {
      // output_item.added / .done: output_index, item {type, id} (+ function_call: call_id, name, arguments; .done: status 'completed')
      expect(typeof e.output_index).toBe('number');
      expect(typeof e.item.id).toBe('string');
      if (e.item.type === 'function_call') {
        expect(e.item).toMatchObject({ call_id: 'call_1', name: 'get_weather', arguments: expect.any(String) });
        if (e.type === 'response.output_item.done') expect(e.item.status).toBe('completed');
      }
    }
    // output_text.delta: item_id, delta (logprobs nullish)
    for (const e of events.filter((e) => e.type === 'response.output_text.delta')) expect(e).toMatchObject({ item_id: expect.any(String), delta: expect.any(String) });
    // reasoning: output_item.added {type: 'reasoning', id} opens it; reasoning_summary_text.delta {item_id, summary_index, delta} fills it;
    // the item's output_item.done closes it (the SDK looks the item up by id: added must come first).
    const rs = events.find((e) => e.type === 'response.output_item.added' && e.item.type === 'reasoning');
    const rsDelta = events.find((e) => e.type === 'response.reasoning_summary_text.delta');
    expect(rsDelta).toMatchObject({ item_id: rs.item.id, summary_index: 0, delta: 'Hmm.' });
    expect(events.indexOf(rs)).toBeLessThan(events.indexOf(rsDelta));
    // function_call_arguments.delta: item_id, output_index, delta
    for (const e of events.filter((e) => e.type === 'response.function_call_arguments.delta')) {
      expect(e).toMatchObject({ item_id: expect.any(String), output_index: expect.any(Number), delta: expect.any(String) });
    }
    // response.completed / .incomplete: response {incomplete_details?, usage {input_tokens, output_tokens, ...}}
    const done = events.at(-1);
    expect(done.type).toBe('response.completed');
    expect(done.response.usage).toMatchObject({ input_tokens: 10, output_tokens: 2 });
  });

  it('stream error event: both the spec shape (code, message, param) and the nested error the newer SDK reads', async () => {
    const ai = fakeAI(() => sseStream([{ response: 'x' }, { error: { message: 'went wrong', code: 7 } }]));
    const events = await responseEvents(await create(ai, { stream: true }));
    const error = events.find((e) => e.type === 'error');
    // older: {type: 'error', code: string, message, param?, sequence_number}; newer: {type, sequence_number, error: {type, code, message, param?}}
    expect(typeof error.code).toBe('string');
    expect(error.error).toMatchObject({ type: expect.any(String), code: error.code, message: expect.stringMatching(/went wrong/) });
    expectSchema('ResponseStreamEvent', error);
  });

  it('accepts what the SDK sends with store: false: system role items, input_text parts, output_text history, reasoning items, function calls with ids', async () => {
    const ai = fakeAI(() => ({ response: 'Sunny.', usage }));
    const input = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
      { type: 'reasoning', id: 'rs_1', encrypted_content: null, summary: [{ type: 'summary_text', text: 'Call the tool.' }] },
      { role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.' }], id: 'msg_1' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', id: 'fc_1' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp":18}' },
    ];
    const res = await create(ai, { model: TOOLS_MODEL, input, tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: weather.parameters }], tool_choice: 'auto', max_output_tokens: 500, temperature: 0, include: ['reasoning.encrypted_content'] });
    const body = await jsonOf(res, 'Response');
    expect(body.output_text).toBe('Sunny.');
    expect(ai.calls[0]!.inputs.messages.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  });
});

/** gpt-oss takes Responses-style input and answers Responses objects / events: translated both ways. */
import { describe, expect, it } from 'vitest';
import { expectSchema } from '../../openapi/validate';
import { fakeAI } from '../../support/fake-ai';
import { bindingEnv, jsonOf, postJson, sseEvents, chatChunks } from '../../support/http';

const OSS = '@cf/openai/gpt-oss-120b';
const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) =>
  postJson(bindingEnv(ai), '/v1/chat/completions', { model: OSS, messages: [{ role: 'user', content: 'Weather in Paris?' }], ...body });

const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } };

/** A Responses object as gpt-oss returns it. */
function response(output: object[], extra: object = {}) {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    model: OSS,
    status: 'completed',
    output,
    usage: { input_tokens: 30, output_tokens: 12, total_tokens: 42 },
    ...extra,
  };
}
const reasoningItem = { id: 'rs_1', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Need the weather tool.' }] };

/** Responses SSE events, as the binding streams them (named events). */
function eventStream(events: object[]): ReadableStream<Uint8Array> {
  const text = events.map((e, i) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join('');
  return new Response(text).body!;
}

describe('gpt-oss: request translation', () => {
  it('sends instructions, input items, flattened tools, max_output_tokens and reasoning effort', async () => {
    const ai = fakeAI(() => response([{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sunny', annotations: [] }] }]));
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      { role: 'assistant', content: 'It is 18C.' },
      { role: 'user', content: 'And tomorrow?' },
    ];
    const res = await chat(ai, { messages, tools: [weather], tool_choice: 'required', parallel_tool_calls: false, max_completion_tokens: 300, temperature: 0.5, top_p: 0.9, seed: 3, reasoning_effort: 'low' });
    expect(res.status).toBe(200);
    expect(ai.calls[0]!.inputs).toEqual({
      instructions: 'Be brief.\n\nUse tools.',
      input: [
        { type: 'message', role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18C' },
        { type: 'message', role: 'assistant', content: 'It is 18C.' },
        { type: 'message', role: 'user', content: 'And tomorrow?' },
      ],
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: weather.function.parameters, strict: true }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      reasoning: { effort: 'low' },
      max_output_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
    });
  });

  it('a named tool choice becomes {type, name}; JSON mode becomes text.format', async () => {
    const ai = fakeAI(() => response([]));
    await chat(ai, { tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(ai.calls[0]!.inputs.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    await chat(ai, { response_format: { type: 'json_schema', json_schema: { name: 'thing', schema, strict: true } } });
    expect(ai.calls[1]!.inputs.text).toEqual({ format: { type: 'json_schema', name: 'thing', schema, strict: true } });
    await chat(ai, { response_format: { type: 'json_object' } });
    expect(ai.calls[2]!.inputs.text).toEqual({ format: { type: 'json_object' } });
  });
});

describe('gpt-oss: answers', () => {
  it('reads a Responses object: reasoning, text and usage', async () => {
    const ai = fakeAI(() =>
      response([reasoningItem, { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sunny, 18C.', annotations: [] }] }]),
    );
    const body = await jsonOf(await chat(ai, {}), 'CreateChatCompletionResponse');
    expect(body.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Sunny, 18C.', refusal: null, reasoning_content: 'Need the weather tool.' },
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(body.usage).toEqual({ prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, cost: null, neurons: null });
  });

  it('function_call items become tool_calls with their call ids', async () => {
    const ai = fakeAI(() =>
      response([reasoningItem, { id: 'fc_1', type: 'function_call', call_id: 'call_77', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' }]),
    );
    const body = await jsonOf(await chat(ai, { tools: [weather] }), 'CreateChatCompletionResponse');
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBeNull();
    expect(body.choices[0].message.tool_calls).toEqual([{ id: 'call_77', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
  });

  it('an incomplete response (max_output_tokens) is finish_reason length', async () => {
    const ai = fakeAI(() => response([reasoningItem], { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }));
    const body = await jsonOf(await chat(ai, {}), 'CreateChatCompletionResponse');
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.choices[0].message.content).toBe('');
  });

  it('a Chat Completions answer (the other shape gpt-oss may give) is read too', async () => {
    const ai = fakeAI(() => ({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', reasoning_content: 'r' }, finish_reason: 'stop' }] }));
    const body = await jsonOf(await chat(ai, {}), 'CreateChatCompletionResponse');
    expect(body.choices[0].message).toMatchObject({ content: 'Hi', reasoning_content: 'r' });
  });
});

describe('gpt-oss: stream', () => {
  it('translates Responses events into chunks: reasoning, text, usage', async () => {
    const ai = fakeAI(() =>
      eventStream([
        { type: 'response.created', response: { ...response([]), status: 'in_progress' } },
        { type: 'response.reasoning_text.delta', item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'Think' },
        { type: 'response.reasoning_text.delta', item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'ing.' },
        { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'Sun' },
        { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'ny' },
        { type: 'response.completed', response: response([reasoningItem, { type: 'message', content: [{ type: 'output_text', text: 'Sunny' }] }]) },
      ]),
    );
    const chunks = await chatChunks(await chat(ai, { stream: true, stream_options: { include_usage: true } }));
    const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
    expect(deltas.map((d) => d.reasoning_content ?? '').join('')).toBe('Thinking.');
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Sunny');
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, cost: null, neurons: null });
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(ai.calls[0]!.inputs.stream).toBe(true);
  });

  it('streams function calls from output_item and arguments events', async () => {
    const item = { id: 'fc_1', type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '', status: 'in_progress' };
    const ai = fakeAI(() =>
      eventStream([
        { type: 'response.output_item.added', output_index: 1, item },
        { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '{"city":' },
        { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '"Paris"}' },
        { type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 1, name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'response.output_item.done', output_index: 1, item: { ...item, arguments: '{"city":"Paris"}', status: 'completed' } },
        { type: 'response.completed', response: response([reasoningItem, { ...item, arguments: '{"city":"Paris"}' }]) },
      ]),
    );
    const events = await sseEvents(await chat(ai, { stream: true, tools: [weather] }));
    const deltas = events.slice(0, -1).flatMap((e) => e.json.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toEqual({ index: 0, id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.map((d: any) => d.function.arguments).join('')).toBe('{"city":"Paris"}');
    expect(events.at(-2)!.json.choices[0].finish_reason).toBe('tool_calls');
  });

  it('a function call only present in the final response is still sent', async () => {
    const ai = fakeAI(() =>
      eventStream([{ type: 'response.completed', response: response([{ id: 'fc_2', type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{}' }]) }]),
    );
    const events = await sseEvents(await chat(ai, { stream: true, tools: [weather] }));
    const deltas = events.slice(0, -1).flatMap((e) => e.json.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas.map((d: any) => d.id ?? d.function.arguments)).toEqual(['call_2', '{}']);
  });

  it('response.failed becomes an error event', async () => {
    const ai = fakeAI(() => eventStream([{ type: 'response.failed', response: { ...response([]), status: 'failed', error: { code: 'server_error', message: 'boom' } } }]));
    const events = await sseEvents(await chat(ai, { stream: true }));
    const error = events.find((e) => e.json?.error)!.json;
    expectSchema('ErrorResponse', error);
    expect(error.error.message).toMatch(/boom/);
    expect(events.at(-1)!.data).toBe('[DONE]');
  });

  it('asks again without streaming when a streaming call comes back as an empty JSON result (REST)', async () => {
    const ai = fakeAI((_model, inputs) =>
      inputs.stream ? {} : response([{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello' }] }]),
    );
    const events = await sseEvents(await chat(ai, { stream: true }));
    expect(events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('')).toBe('Hello');
    expect(ai.calls.map((c) => c.inputs.stream)).toEqual([true, undefined]);
  });
});

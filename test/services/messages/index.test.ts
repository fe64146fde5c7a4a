/**
 * POST /v1/messages on the binding transport with a scripted upstream: what is sent to Workers
 * AI, Anthropic-shaped 400s for bad or unsupported input, errors before and during a stream,
 * and events leaving as they are generated (no buffering).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { expectAnthropicError, messageEvents, parseEvents, accumulate } from '../../anthropic/validate';
import { UPSTREAM_ERROR_CASES, bindingError, failingStream, fakeAI, gatedStream, sseStream, tokenStream } from '../../support/fake-ai';
import { KEY, bindingEnv, call, postJson } from '../../support/http';

const MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const KIMI = '@cf/moonshotai/kimi-k2.6';
const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': KEY };
const weather = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const base = { model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };

const send = (ai: ReturnType<typeof fakeAI>, body: unknown, path = '/v1/messages') => postJson(bindingEnv(ai), path, body, { headers, anonymous: true });
const useThenResult = (id = 'toolu_1') => [
  { role: 'user', content: 'Weather in Paris?' },
  { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id, name: 'get_weather', input: { city: 'Paris' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: [{ type: 'text', text: '18C' }] }, { type: 'text', text: 'And tomorrow?' }] },
];

describe('messages: translation to Workers AI', () => {
  it('sends the system prompt, the conversation, tools and sampling in the model dialect', async () => {
    const ai = fakeAI(() => ({ response: 'Hello!', usage }));
    const res = await send(ai, {
      ...base,
      system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1;' }, { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [...useThenResult(), { role: 'system', content: 'Per-turn note.' }],
      tools: [weather],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'u1' },
    });
    expect(res.status).toBe(200);
    const inputs = ai.calls[0]!.inputs;
    // The billing marker is for Anthropic's servers; system messages join the system prompt.
    expect(inputs.messages[0]).toEqual({ role: 'system', content: 'Be brief.\n\nPer-turn note.' });
    expect(inputs.messages.slice(1).map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(inputs.messages[2].tool_calls[0].function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(inputs.messages[3].content).toBe('18C');
    expect(inputs.messages[4].content).toBe('And tomorrow?');
    expect(inputs.tools[0].function).toMatchObject({ name: 'get_weather', parameters: weather.input_schema });
    expect(inputs).toMatchObject({ temperature: 0.2, top_p: 0.9, max_tokens: 100 });
  });

  it('marks error tool results, keeps deferred tools out until a tool_reference loads them', async () => {
    const ai = fakeAI(() => ({ response: 'ok', usage }));
    const deferred = { ...weather, name: 'get_time', defer_loading: true };
    const messages = useThenResult();
    (messages[2]!.content as any[])[0] = { type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: 'boom' };
    await send(ai, { ...base, messages, tools: [weather, deferred] });
    expect(ai.calls[0]!.inputs.messages.find((m: any) => m.role === 'tool').content).toBe('Error: boom');
    expect(ai.calls[0]!.inputs.tools.map((t: any) => t.function.name)).toEqual(['get_weather']);
    (messages[2]!.content as any[])[0] = { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'get_time' }] };
    await send(ai, { ...base, messages, tools: [weather, deferred] });
    expect(ai.calls[1]!.inputs.tools.map((t: any) => t.function.name)).toEqual(['get_weather', 'get_time']);
  });

  it('maps thinking and output_config.effort onto reasoning_effort, tool_choice onto the chat choice', async () => {
    const ai = fakeAI(() => ({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }], usage }));
    const run = async (extra: Record<string, unknown>) => {
      await send(ai, { ...base, model: KIMI, tools: [weather], ...extra });
      return ai.calls.at(-1)!.inputs;
    };
    expect((await run({ thinking: { type: 'enabled', budget_tokens: 2000 } })).reasoning_effort).toBe('low');
    expect((await run({ thinking: { type: 'enabled', budget_tokens: 32000 } })).reasoning_effort).toBe('high');
    expect((await run({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } })).reasoning_effort).toBe('high');
    expect((await run({ thinking: { type: 'disabled' } })).chat_template_kwargs).toEqual({ enable_thinking: false });
    expect((await run({ tool_choice: { type: 'any', disable_parallel_tool_use: true } }))).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false });
    expect((await run({ tool_choice: { type: 'tool', name: 'get_weather' } })).tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect((await run({ tool_choice: { type: 'none' } })).tools).toBeUndefined();
  });
});

describe('messages: Anthropic-shaped 400s', () => {
  let ai = fakeAI();
  beforeEach(() => {
    ai = fakeAI();
  });
  const bad: [string, unknown, RegExp][] = [
    ['no max_tokens', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }, /max_tokens/],
    ['no messages', { model: MODEL, max_tokens: 10 }, /messages/],
    ['only system messages', { ...base, messages: [{ role: 'system', content: 'x' }] }, /at least one message/],
    ['a tool_result without its tool_use', { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] }, /unexpected `tool_use_id`.*toolu_x/],
    ['a tool_use without its tool_result', { ...base, messages: [useThenResult()[0], useThenResult()[1], { role: 'user', content: 'next' }] }, /without `tool_result`.*toolu_1/],
    ['a tool_use in a user message', { ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }] }, /only be in `assistant`/],
    ['an image in an assistant message', { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }, { role: 'user', content: 'b' }] }, /only be in `user`/],
    ['an unknown block type', { ...base, messages: [{ role: 'user', content: [{ type: 'video', data: 'x' }] }] }, /messages\[0\]\.content\[0\]|type/],
    ['a text block without text', { ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, /text/],
    ['a wrong role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, /role/],
    ['max_tokens 0', { ...base, max_tokens: 0 }, /max_tokens/],
    ['temperature above 1', { ...base, temperature: 1.5 }, /temperature/],
    ['a tool without input_schema', { ...base, tools: [{ name: 'x' }] }, /input_schema/],
    ['tool_choice naming an unknown tool', { ...base, tools: [weather], tool_choice: { type: 'tool', name: 'nope' } }, /nope/],
    ['thinking budget under 1024', { ...base, thinking: { type: 'enabled', budget_tokens: 100 } }, /budget_tokens/],
  ];
  it.each(bad)('%s', async (_name, body, message) => {
    await expectAnthropicError(await send(ai, body), 400, 'invalid_request_error', message);
    expect(ai.calls).toHaveLength(0);
  });

  const refused: [string, unknown, RegExp][] = [
    ['a server tool (web search)', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] }, /server or built-in tools/],
    ['a versioned client tool (bash)', { ...base, tools: [{ type: 'bash_20250124', name: 'bash' }] }, /bash_20250124/],
    ['a document (PDF)', { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } }] }] }, /Document/],
    ['a search result', { ...base, messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x', title: 't', content: [] }] }] }, /Search result/],
    ['citations on a text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'a', citations: [{ type: 'char_location' }] }] }] }, /citations/],
    ['an image by file_id', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] }, /Files API/],
    ['an image inside a tool result', { ...base, messages: [useThenResult()[0], useThenResult()[1], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] }] }, /inside tool results/],
    ['a server tool result block', { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }, { role: 'user', content: 'b' }] }, /server tools/],
    ['an assistant prefill', { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: '{' }] }, /prefilling/],
    ['MCP servers', { ...base, mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'x' }] }, /MCP connector/],
    ['a container', { ...base, container: 'cntr_1' }, /containers/],
    ['clearing tool uses', { ...base, context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] } }, /clear_tool_uses/],
  ];
  it.each(refused)('refuses %s, naming it', async (_name, body, message) => {
    await expectAnthropicError(await send(ai, body), 400, 'invalid_request_error', message);
    expect(ai.calls).toHaveLength(0);
  });

  it('refuses bad JSON and a non-tool model given tools, Anthropic-shaped', async () => {
    await expectAnthropicError(await postJson(bindingEnv(ai), '/v1/messages', undefined, { headers, anonymous: true, raw: '{"model":' }), 400, 'invalid_request_error', /JSON/);
    await expectAnthropicError(await send(ai, { ...base, model: '@cf/meta/llama-3.1-8b-instruct', tools: [weather] }), 400, 'invalid_request_error', /tool calling/);
  });
});

describe('messages: auth and errors', () => {
  it('takes the key as x-api-key or Authorization: Bearer; refuses others with authentication_error', async () => {
    const ai = fakeAI(() => ({ response: 'ok', usage }));
    const env = bindingEnv(ai);
    expect((await postJson(env, '/v1/messages', base, { headers: { 'x-api-key': KEY }, anonymous: true })).status).toBe(200);
    expect((await postJson(env, '/v1/messages', base, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
    // A non-Bearer Authorization (a proxy's own Basic auth) does not hide the x-api-key.
    expect((await postJson(env, '/v1/messages', base, { headers: { authorization: 'Basic abc', 'x-api-key': KEY } })).status).toBe(200);
    await expectAnthropicError(await postJson(env, '/v1/messages', base, { headers: { 'x-api-key': 'wrong' }, anonymous: true }), 401, 'authentication_error');
    await expectAnthropicError(await postJson(env, '/v1/messages', base, { anonymous: true }), 401, 'authentication_error');
    await expectAnthropicError(await call(env, '/v1/models', { headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'wrong' }, anonymous: true }), 401, 'authentication_error');
    await expectAnthropicError(await call(env, '/v1/messages/batches', { headers, anonymous: true }), 404, 'not_found_error');
  });

  const expected: Record<string, [number, string]> = {
    upstream_overloaded: [529, 'overloaded_error'],
    insufficient_quota: [402, 'billing_error'],
    model_not_found: [404, 'not_found_error'],
    context_length_exceeded: [400, 'invalid_request_error'],
    upstream_invalid_input: [400, 'invalid_request_error'],
    unsupported_parameter: [400, 'invalid_request_error'],
    model_deprecated: [410, 'not_found_error'],
    model_requires_paid_plan: [403, 'permission_error'],
    request_too_large: [413, 'request_too_large'],
    upstream_timeout: [504, 'timeout_error'],
    upstream_auth_failed: [502, 'api_error'],
    upstream_error: [502, 'api_error'],
  };
  it.each(UPSTREAM_ERROR_CASES)('upstream %i (%s) becomes its Anthropic error', async (code, message, _status, errorCode) => {
    const [status, type] = expected[errorCode]!;
    const ai = fakeAI(() => {
      throw bindingError(code, message);
    });
    const res = await send(ai, base);
    await expectAnthropicError(res, status, type);
  });

  it('a failure mid-stream is an error event, after what was already sent, and no message_stop', async () => {
    const ai = fakeAI(() => failingStream());
    const events = await messageEvents(await send(ai, { ...base, stream: true }));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'error']);
    expect(events[3].delta).toEqual({ type: 'text_delta', text: 'partial' });
    expect(events[4].error.type).toBe('overloaded_error');
  });

  it('a failure before the first byte of a stream is a plain Anthropic error answer', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    });
    await expectAnthropicError(await send(ai, { ...base, stream: true }), 529, 'overloaded_error');
  });
});

describe('messages: streaming', () => {
  it('frames every event with its event: line, in Anthropic order, text deltas as they come', async () => {
    const ai = fakeAI(() => tokenStream(['Hel', 'lo', '!'], usage));
    const events = await messageEvents(await send(ai, { ...base, stream: true }));
    expect(events.map((e) => e.type)).toEqual([
      'message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ]);
    expect(events[0].message).toMatchObject({ model: MODEL, content: [], stop_reason: null, usage: { output_tokens: 0 } });
    expect(events.slice(3, 6).map((e) => e.delta.text)).toEqual(['Hel', 'lo', '!']);
    expect(events[7]).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 10, output_tokens: 2 } });
  });

  it('streams thinking, then text, then tool input fragments, each in its own block', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { choices: [{ delta: { reasoning_content: 'Hmm, ' } }] },
        { choices: [{ delta: { reasoning_content: 'weather.' } }] },
        { choices: [{ delta: { content: 'Checking.' } }] },
        { choices: [{ delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] } }] },
        { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] },
        { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] } }] },
        { choices: [{ delta: {}, finish_reason: 'tool_calls' }], usage },
        '[DONE]',
      ]),
    );
    const events = await messageEvents(await send(ai, { ...base, model: KIMI, tools: [weather], stream: true }));
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => e.content_block.type);
    expect(starts).toEqual(['thinking', 'text', 'tool_use']);
    expect(events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json)).toEqual(['{"city":', '"Paris"}']);
    const message = accumulate(events);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Hmm, weather.', signature: 'workers-ai-openai' },
      { type: 'text', text: 'Checking.', citations: null },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it.each([
    ['text', 'data: {"response":"first"}\n\n', 'data: {"response":"second"}\n\ndata: [DONE]\n\n', '"first"'],
    ['thinking', 'data: {"choices":[{"delta":{"reasoning_content":"first"}}]}\n\n', 'data: {"choices":[{"delta":{"content":"second"}}]}\n\ndata: [DONE]\n\n', '"first"'],
    [
      'tool input',
      'data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"ci"}}]}}]}\n\n',
      'data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\\":\\"second\\"}"}}]}}]}\n\ndata: [DONE]\n\n',
      'input_json_delta',
    ],
  ])('the first %s delta reaches the client while the upstream is still generating', async (_kind, first, rest, marker) => {
    const { stream, release } = gatedStream(first, rest);
    const ai = fakeAI(() => stream);
    const res = await send(ai, { ...base, model: KIMI, tools: [weather], stream: true });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes(marker)) seen += (await reader.read()).value;
    expect(seen).not.toContain('second');
    release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += r.value;
    expect(seen).toContain('second');
    parseEvents(seen);
  });
});

describe('messages: pings', () => {
  it('sends a ping while the upstream is quiet, and stops when the stream ends', async () => {
    const { withPings } = await import('../../../src/services/messages/stream');
    const { stream, release } = gatedStream('event: message_start\ndata: {}\n\n', 'event: message_stop\ndata: {}\n\n');
    const reader = withPings(stream, 20).pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('event: ping')) seen += (await reader.read()).value;
    expect(seen.startsWith('event: message_start')).toBe(true);
    release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += r.value;
    expect(seen.endsWith('event: message_stop\ndata: {}\n\n')).toBe(true);
  });
});

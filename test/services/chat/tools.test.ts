/** Tool calling through /v1/chat/completions, against each shape Workers AI answers in. */
import { describe, expect, it } from 'vitest';
import { fakeAI, sseStream } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson, chatChunks } from '../../support/http';

const LLAMA33 = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const SCOUT = '@cf/meta/llama-4-scout-17b-16e-instruct';
const QWEN3 = '@cf/qwen/qwen3-30b-a3b-fp8';
const KIMI = '@cf/moonshotai/kimi-k2.6';
const MISTRAL_SMALL = '@cf/mistralai/mistral-small-3.1-24b-instruct';
const USAGE = { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 };

const weather = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const time = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } };
const ask = [{ role: 'user', content: 'Weather in Paris?' }];

const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) =>
  postJson(bindingEnv(ai), '/v1/chat/completions', { messages: ask, tools: [weather], ...body });

/** The chunks of a stream (spec-checked), and its tool calls assembled from the deltas. */
async function streamed(res: Response) {
  expect(res.status).toBe(200);
  const chunks = await chatChunks(res);
  const calls: { id: string; name: string; args: string }[] = [];
  for (const c of chunks) {
    for (const d of c.choices[0]?.delta?.tool_calls ?? []) {
      if (d.id) {
        expect(d.index).toBe(calls.length);
        expect(d.type).toBe('function');
        expect(typeof d.function.name).toBe('string');
        calls.push({ id: d.id, name: d.function.name, args: d.function.arguments ?? '' });
      } else {
        expect(calls[d.index]).toBeDefined();
        expect(d.function.name).toBeUndefined();
        calls[d.index]!.args += d.function.arguments;
      }
    }
  }
  return { chunks, calls, finish: chunks.at(-1).choices[0]?.finish_reason };
}

describe('tools: non-stream', () => {
  it('turns legacy {name, arguments: object} calls into OpenAI tool_calls with ids and JSON-string arguments', async () => {
    const ai = fakeAI(() => ({ response: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage: USAGE }));
    const body = await jsonOf(await chat(ai, { model: LLAMA33 }), 'CreateChatCompletionResponse');
    const { message, finish_reason } = body.choices[0];
    expect(finish_reason).toBe('tool_calls');
    expect(message.content).toBeNull();
    expect(message.tool_calls).toHaveLength(1);
    expect(message.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(message.tool_calls[0].id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(JSON.parse(message.tool_calls[0].function.arguments)).toEqual({ city: 'Paris' });
    // Sent upstream as Workers AI tools.
    expect(ai.calls[0]!.inputs.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weather.function.parameters } },
    ]);
  });

  it('keeps the ids of llama-4-scout calls and stringifies their object arguments', async () => {
    const ai = fakeAI(() => ({ response: '', tool_calls: [{ id: 'abc123XYZ', type: 'function', function: { name: 'get_weather', arguments: { city: 'Oslo' } } }], usage: USAGE }));
    const body = await jsonOf(await chat(ai, { model: SCOUT }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.tool_calls).toEqual([{ id: 'abc123XYZ', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]);
  });

  it('reads OpenAI-shaped answers (qwen3) with parallel calls', async () => {
    const ai = fakeAI(() => ({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: QWEN3,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: 'chatcmpl-tool-1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
              { id: 'chatcmpl-tool-2', type: 'function', function: { name: 'get_time', arguments: '{"tz": "CET"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: USAGE,
    }));
    const body = await jsonOf(await chat(ai, { model: QWEN3, tools: [weather, time] }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.tool_calls.map((t: any) => [t.id, t.function.name, JSON.parse(t.function.arguments)])).toEqual([
      ['chatcmpl-tool-1', 'get_weather', { city: 'Paris' }],
      ['chatcmpl-tool-2', 'get_time', { tz: 'CET' }],
    ]);
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.usage).toEqual({ ...USAGE, cost: null, neurons: null });
  });

  it('parallel_tool_calls: false returns only the first call', async () => {
    const ai = fakeAI(() => ({ response: '', tool_calls: [{ name: 'get_weather', arguments: {} }, { name: 'get_time', arguments: {} }] }));
    const body = await jsonOf(await chat(ai, { model: LLAMA33, tools: [weather, time], parallel_tool_calls: false }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.tool_calls.map((t: any) => t.function.name)).toEqual(['get_weather']);
  });

  it('text and a call together keep both', async () => {
    const ai = fakeAI(() => ({ response: 'Let me check.', tool_calls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] }));
    const body = await jsonOf(await chat(ai, { model: LLAMA33 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('Let me check.');
    expect(body.choices[0].message.tool_calls).toHaveLength(1);
  });

  it('an answer without calls is a normal message with finish_reason stop', async () => {
    const ai = fakeAI(() => ({ response: 'Sunny.', tool_calls: [], usage: USAGE }));
    const body = await jsonOf(await chat(ai, { model: LLAMA33 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: 'Sunny.', refusal: null });
    expect(body.choices[0].finish_reason).toBe('stop');
  });
});

describe('tools: tool_choice', () => {
  it('auto and required are passed on', async () => {
    const ai = fakeAI();
    await chat(ai, { model: LLAMA33, tool_choice: 'auto' });
    await chat(ai, { model: LLAMA33, tool_choice: 'required' });
    expect(ai.calls.map((c) => c.inputs.tool_choice)).toEqual(['auto', 'required']);
  });

  it('none sends no tools at all, even to a model without tool support', async () => {
    const ai = fakeAI();
    expect((await chat(ai, { model: LLAMA33, tool_choice: 'none' })).status).toBe(200);
    expect((await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct', tool_choice: 'none' })).status).toBe(200);
    for (const c of ai.calls) {
      expect(c.inputs.tools).toBeUndefined();
      expect(c.inputs.tool_choice).toBeUndefined();
    }
  });

  it('a named function is forced on legacy models by sending only that tool as required', async () => {
    const ai = fakeAI();
    await chat(ai, { model: LLAMA33, tools: [weather, time], tool_choice: { type: 'function', function: { name: 'get_time' } } });
    expect(ai.calls[0]!.inputs.tools.map((t: any) => t.function.name)).toEqual(['get_time']);
    expect(ai.calls[0]!.inputs.tool_choice).toBe('required');
  });

  it('OpenAI-input models (kimi) get tool_choice and parallel_tool_calls as sent', async () => {
    const ai = fakeAI();
    const choice = { type: 'function', function: { name: 'get_time' } };
    await chat(ai, { model: KIMI, tools: [weather, time], tool_choice: choice, parallel_tool_calls: false });
    expect(ai.calls[0]!.inputs.tool_choice).toEqual(choice);
    expect(ai.calls[0]!.inputs.parallel_tool_calls).toBe(false);
    expect(ai.calls[0]!.inputs.tools).toHaveLength(2);
  });

  it('a named function that is not among the tools is a 400', async () => {
    const ai = fakeAI();
    await expectError(await chat(ai, { model: LLAMA33, tool_choice: { type: 'function', function: { name: 'nope' } } }), 400, { param: 'tool_choice', code: 'invalid_value', message: /nope/ });
    expect(ai.calls).toHaveLength(0);
  });
});

describe('tools: conversation history', () => {
  const history = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_Abc-123_xyz', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_Abc-123_xyz', content: [{ type: 'text', text: '18C, sunny' }] },
  ];

  it('sends calls and results back to Workers AI models with matching 9-character ids (Mistral needs them)', async () => {
    const ai = fakeAI(() => ({ response: 'It is 18C and sunny.', usage: USAGE }));
    const body = await jsonOf(await chat(ai, { model: MISTRAL_SMALL, messages: history }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('It is 18C and sunny.');
    const sent = ai.calls[0]!.inputs.messages;
    const id = sent[2].tool_calls[0].id;
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(sent[2]).toEqual({ role: 'assistant', content: '', tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(sent[3]).toEqual({ role: 'tool', content: '18C, sunny', tool_call_id: id, name: 'get_weather' });
  });

  it('keeps the client ids for OpenAI-input models', async () => {
    const ai = fakeAI();
    await chat(ai, { model: KIMI, messages: history });
    const sent = ai.calls[0]!.inputs.messages;
    expect(sent[2].tool_calls[0].id).toBe('call_Abc-123_xyz');
    expect(sent[3]).toEqual({ role: 'tool', content: '18C, sunny', tool_call_id: 'call_Abc-123_xyz' });
  });

  it('a model without tool support refuses tool messages with a clear 400', async () => {
    const ai = fakeAI();
    const res = await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct', messages: history, tools: undefined });
    await expectError(res, 400, { code: 'unsupported_parameter', param: 'messages[2]', message: /does not support tool calling/ });
    expect(ai.calls).toHaveLength(0);
  });
});

describe('tools: unsupported', () => {
  it('a model without native tool calling is a 400 naming models that have it', async () => {
    const ai = fakeAI();
    const err = await expectError(await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct' }), 400, { code: 'unsupported_parameter', param: 'tools' });
    expect(err.message).toMatch(/does not support tool calling/);
    expect(err.message).toMatch(/llama-3\.3-70b/);
    expect(ai.calls).toHaveLength(0);
  });

  it('the catalog property function_calling decides when present', async () => {
    // llama-3.3-70b has no function_calling property in the test catalog: the built-in table says yes.
    // llama-3.1-8b gets it from the catalog here.
    const catalog = (await import('../../support/catalog')).TEST_CATALOG.map((m) =>
      m.name === '@cf/meta/llama-3.1-8b-instruct' ? { ...m, properties: [...m.properties, { property_id: 'function_calling', value: 'true' }] } : m,
    );
    const ai = fakeAI(undefined, catalog);
    expect((await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct' })).status).toBe(200);
    expect(ai.calls[0]!.inputs.tools).toHaveLength(1);
  });

  it.each([
    [{ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].role'],
    [{ functions: [{ name: 'f', parameters: {} }] }, 'functions'],
    [{ function_call: 'auto' }, 'function_call'],
  ])('the deprecated functions API %j is a 400', async (extra, param) => {
    await expectError(await chat(fakeAI(), { model: LLAMA33, ...extra }), 400, { code: 'unsupported_parameter', param });
  });

  it.each([
    [{ tools: [{ type: 'function', function: { name: '' } }] }, 'tools[0].function.name'],
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [{ tools: [{ type: 'function' }] }, 'tools[0].function'],
    [{ tool_choice: 'sometimes' }, 'tool_choice'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: {} } }] }] }, 'messages[0].tool_calls[0].function.arguments'],
  ])('malformed tool input %j is a 400 naming the field', async (extra, param) => {
    await expectError(await chat(fakeAI(), { model: LLAMA33, ...extra }), 400, { type: 'invalid_request_error', param });
  });
});

describe('tools: stream', () => {
  it('legacy complete calls become deltas: index, id and name first, then the arguments', async () => {
    const ai = fakeAI(() =>
      sseStream([{ response: '', p: 'x' }, { response: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { response: '', usage: USAGE }, '[DONE]'], { split: 9 }),
    );
    const { chunks, calls, finish } = await streamed(await chat(ai, { model: LLAMA33, stream: true }));
    expect(finish).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('get_weather');
    expect(calls[0]!.id).toMatch(/^call_/);
    expect(JSON.parse(calls[0]!.args)).toEqual({ city: 'Paris' });
    // The first delta names the call with empty arguments, the next carries them.
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toEqual({ index: 0, id: calls[0]!.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(ai.calls[0]!.inputs.stream).toBe(true);
  });

  it('indexed fragments (llama-4-scout), two calls interleaved, null finalisation skipped', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { response: '', tool_calls: [{ id: 'tc0', type: 'function', index: 0, function: { name: 'get_weather' } }] },
        { response: '', tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        { response: '', tool_calls: [{ id: 'tc1', type: 'function', index: 1, function: { name: 'get_time', arguments: '' } }] },
        { response: '', tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] },
        { response: '', tool_calls: [{ index: 1, function: { arguments: '{"tz":"CET"}' } }] },
        { response: '', tool_calls: [{ id: null, type: null, function: { name: null, arguments: null } }] },
        { response: '', usage: USAGE },
        '[DONE]',
      ]),
    );
    const { calls, finish } = await streamed(await chat(ai, { model: SCOUT, stream: true, tools: [weather, time] }));
    expect(finish).toBe('tool_calls');
    expect(calls.map((c) => [c.id, c.name, JSON.parse(c.args)])).toEqual([
      ['tc0', 'get_weather', { city: 'Paris' }],
      ['tc1', 'get_time', { tz: 'CET' }],
    ]);
  });

  it('OpenAI chunk deltas (qwen3) pass through with dense indexes', async () => {
    const ai = fakeAI(() =>
      sseStream([
        { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ id: 'chatcmpl-tool-9', type: 'function', index: 0, function: { name: 'get_weather' } }] } }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city": "' } }] } }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'Paris"}' } }] } }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: USAGE },
        '[DONE]',
      ]),
    );
    const { calls, finish } = await streamed(await chat(ai, { model: QWEN3, stream: true }));
    expect(finish).toBe('tool_calls');
    expect(calls).toEqual([{ id: 'chatcmpl-tool-9', name: 'get_weather', args: '{"city": "Paris"}' }]);
  });

  it('parallel_tool_calls: false streams only the first call', async () => {
    const ai = fakeAI(() =>
      sseStream([{ response: '', tool_calls: [{ name: 'get_weather', arguments: {} }, { name: 'get_time', arguments: {} }] }, '[DONE]']),
    );
    const { calls } = await streamed(await chat(ai, { model: LLAMA33, stream: true, tools: [weather, time], parallel_tool_calls: false }));
    expect(calls.map((c) => c.name)).toEqual(['get_weather']);
  });

  it('include_usage still ends with the usage chunk after the tool calls', async () => {
    const ai = fakeAI(() => sseStream([{ response: '', tool_calls: [{ name: 'get_weather', arguments: {} }] }, { response: '', usage: USAGE }, '[DONE]']));
    const { chunks } = await streamed(await chat(ai, { model: LLAMA33, stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: USAGE });
    expect(chunks.at(-2).choices[0].finish_reason).toBe('tool_calls');
  });
});

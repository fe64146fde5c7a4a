/** response_format (JSON mode) mapped to each model family's JSON mode. */
import { describe, expect, it } from 'vitest';
import { fakeAI } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson, sseEvents } from '../../support/http';

const schema = { type: 'object', properties: { name: { type: 'string' }, capital: { type: 'string' } }, required: ['name', 'capital'] };
const jsonSchema = { type: 'json_schema', json_schema: { name: 'country', schema, strict: true } };
const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) =>
  postJson(bindingEnv(ai), '/v1/chat/completions', { messages: [{ role: 'user', content: 'Tell me about India.' }], ...body });

describe('JSON mode', () => {
  it('Workers AI JSON mode takes the bare schema, and its object answer comes back as a JSON string', async () => {
    const ai = fakeAI(() => ({ response: { name: 'India', capital: 'New Delhi' }, usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 } }));
    const body = await jsonOf(await chat(ai, { model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', response_format: jsonSchema }), 'CreateChatCompletionResponse');
    expect(ai.calls[0]!.inputs.response_format).toEqual({ type: 'json_schema', json_schema: schema });
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ name: 'India', capital: 'New Delhi' });
  });

  it('json_object is sent as such', async () => {
    const ai = fakeAI(() => ({ response: '{"a":1}' }));
    await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct', response_format: { type: 'json_object' } });
    expect(ai.calls[0]!.inputs.response_format).toEqual({ type: 'json_object' });
  });

  it.each(['@cf/qwen/qwq-32b', '@cf/mistralai/mistral-small-3.1-24b-instruct', '@cf/google/gemma-3-12b-it'])('%s takes the schema as guided_json', async (model) => {
    const ai = fakeAI(() => ({ response: '{}' }));
    await chat(ai, { model, response_format: jsonSchema });
    await chat(ai, { model, response_format: { type: 'json_object' } });
    expect(ai.calls.map((c) => c.inputs.guided_json)).toEqual([schema, { type: 'object' }]);
    expect(ai.calls[0]!.inputs.response_format).toBeUndefined();
  });

  it('OpenAI-input models get response_format unchanged', async () => {
    const ai = fakeAI();
    await chat(ai, { model: '@cf/moonshotai/kimi-k2.6', response_format: jsonSchema });
    expect(ai.calls[0]!.inputs.response_format).toEqual(jsonSchema);
  });

  it('text is the default and sends nothing', async () => {
    const ai = fakeAI();
    await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct', response_format: { type: 'text' } });
    expect(ai.calls[0]!.inputs).not.toHaveProperty('response_format');
  });

  it('a streaming JSON-mode request runs unstreamed upstream (Workers AI refuses it, 5023) and still streams to the client', async () => {
    const ai = fakeAI(() => ({ response: { name: 'India', capital: 'New Delhi' } }));
    const res = await chat(ai, { model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', response_format: jsonSchema, stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await sseEvents(res);
    expect(ai.calls[0]!.inputs.stream).toBeUndefined();
    const text = events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('');
    expect(JSON.parse(text)).toEqual({ name: 'India', capital: 'New Delhi' });
    expect(events.at(-1)!.data).toBe('[DONE]');
  });

  it('a model without JSON mode is a 400', async () => {
    const ai = fakeAI();
    const err = await expectError(await chat(ai, { model: '@cf/mistral/mistral-7b-instruct-v0.1', response_format: jsonSchema }), 400, {
      code: 'unsupported_parameter',
      param: 'response_format',
    });
    expect(err.message).toMatch(/no JSON mode/);
    expect(ai.calls).toHaveLength(0);
  });

  it.each([
    [{ type: 'json_schema' }, 'response_format.json_schema'],
    [{ type: 'json_schema', json_schema: { schema } }, 'response_format.json_schema.name'],
    [{ type: 'yaml' }, 'response_format.type'],
  ])('a malformed response_format %j is a 400', async (response_format, param) => {
    await expectError(await chat(fakeAI(), { model: '@cf/meta/llama-3.1-8b-instruct', response_format }), 400, { param });
  });
});

/**
 * Self-test for the OpenAPI validators (test/openapi/*): proves they are generated from the
 * official OpenAI spec, accept valid payloads and reject invalid ones.
 */
import { describe, expect, it } from 'vitest';
import { missingSchemas, schemaNames, specInfo, validators } from 'virtual:openai-schemas';
import { expectSchema, isSchemaValid, schemaErrors, type SchemaName } from './validate';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const chatCompletion = {
  id: 'chatcmpl-123',
  object: 'chat.completion',
  created: 1741570283,
  model: '@cf/meta/llama-3.1-8b-instruct',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello!', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
};

const chatChunk = {
  id: 'chatcmpl-123',
  object: 'chat.completion.chunk',
  created: 1741570283,
  model: '@cf/meta/llama-3.1-8b-instruct',
  choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, logprobs: null, finish_reason: null }],
};

const responseObject = {
  id: 'resp_123',
  object: 'response',
  created_at: 1741570283,
  status: 'completed',
  error: null,
  incomplete_details: null,
  instructions: null,
  model: '@cf/meta/llama-3.1-8b-instruct',
  output: [
    {
      id: 'msg_123',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Hello!', annotations: [], logprobs: [] }],
    },
  ],
  parallel_tool_calls: true,
  metadata: {},
  tool_choice: 'auto',
  tools: [],
  temperature: 1,
  top_p: 1,
  usage: {
    input_tokens: 9,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 3,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12,
  },
};

const textDeltaEvent = {
  type: 'response.output_text.delta',
  item_id: 'msg_123',
  output_index: 0,
  content_index: 0,
  delta: 'Hel',
  sequence_number: 3,
  logprobs: [],
};

describe('OpenAI OpenAPI validators', () => {
  it('are generated from the official spec for every requested schema', () => {
    expect(specInfo.title).toBe('OpenAI API');
    expect(missingSchemas).toEqual([]);
    const expected: SchemaName[] = [
      'CreateChatCompletionResponse',
      'CreateChatCompletionStreamResponse',
      'CreateCompletionResponse',
      'ListModelsResponse',
      'Model',
      'ErrorResponse',
      'CreateEmbeddingResponse',
      'CreateModerationResponse',
      'ImagesResponse',
      'CreateTranscriptionResponseJson',
      'CreateTranscriptionResponseVerboseJson',
      'CreateTranslationResponseJson',
      'CreateTranslationResponseVerboseJson',
      'Response',
      'ResponseStreamEvent',
    ];
    expect([...schemaNames].sort()).toEqual([...expected].sort());
    for (const n of expected) expect(typeof validators[n]).toBe('function');
  });

  it('accepts a valid chat.completion', () => {
    expectSchema('CreateChatCompletionResponse', chatCompletion);
  });

  it('rejects a chat.completion whose message lacks the (required, nullable) refusal', () => {
    const bad = clone(chatCompletion) as { choices: { message: Record<string, unknown> }[] };
    delete bad.choices[0]!.message.refusal;
    expect(isSchemaValid('CreateChatCompletionResponse', bad)).toBe(false);
    expect(() => expectSchema('CreateChatCompletionResponse', bad)).toThrowError(
      /\/choices\/0\/message must have required property 'refusal'/,
    );
  });

  it('rejects a chat.completion labelled as a chunk', () => {
    const bad = { ...clone(chatCompletion), object: 'chat.completion.chunk' };
    expect(() => expectSchema('CreateChatCompletionResponse', bad)).toThrowError(/\/object must be equal to one of the allowed values/);
  });

  it('rejects a chat.completion with logprobs omitted (required even though nullable)', () => {
    const bad = clone(chatCompletion) as { choices: Record<string, unknown>[] };
    delete bad.choices[0]!.logprobs;
    expect(schemaErrors('CreateChatCompletionResponse', bad)).toEqual([
      expect.stringContaining("/choices/0 must have required property 'logprobs'"),
    ]);
  });

  it('accepts a valid error body', () => {
    expectSchema('ErrorResponse', {
      error: { message: 'The model `x` does not exist', type: 'invalid_request_error', param: null, code: null },
    });
    expect(isSchemaValid('ErrorResponse', { error: { message: 'x', type: 'y' } })).toBe(false);
  });

  it('accepts a model and a model list', () => {
    const model = { id: '@cf/meta/llama-3.1-8b-instruct', object: 'model', created: 0, owned_by: 'cloudflare' };
    expectSchema('Model', model);
    expectSchema('ListModelsResponse', { object: 'list', data: [model] });
    expect(isSchemaValid('Model', { ...model, created: '0' })).toBe(false);
  });

  it('accepts a chat.completion.chunk and rejects a chunk without finish_reason', () => {
    expectSchema('CreateChatCompletionStreamResponse', chatChunk);
    // a final usage-only chunk (stream_options.include_usage)
    expectSchema('CreateChatCompletionStreamResponse', {
      ...chatChunk,
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
    const bad = clone(chatChunk) as { choices: Record<string, unknown>[] };
    delete bad.choices[0]!.finish_reason;
    expect(isSchemaValid('CreateChatCompletionStreamResponse', bad)).toBe(false);
    expect(isSchemaValid('CreateChatCompletionStreamResponse', chatCompletion)).toBe(false);
  });

  it('validates Responses API objects and stream events', () => {
    expectSchema('Response', responseObject);
    expect(isSchemaValid('Response', { ...responseObject, object: 'chat.completion' })).toBe(false);
    expectSchema('ResponseStreamEvent', textDeltaEvent);
    expectSchema('ResponseStreamEvent', { type: 'response.completed', sequence_number: 9, response: responseObject });
    const { logprobs: _omit, ...noLogprobs } = textDeltaEvent;
    // tagged unions only report the variant selected by `type`, not all ~58 variants
    expect(schemaErrors('ResponseStreamEvent', noLogprobs)).toEqual([expect.stringContaining("(root) must have required property 'logprobs'")]);
    // ... also when nested (Response.output[] items are a tagged union of allOf-composed variants)
    const badItem = clone(responseObject) as { output: Record<string, unknown>[] };
    delete badItem.output[0]!.status;
    expect(schemaErrors('ResponseStreamEvent', { type: 'response.completed', sequence_number: 9, response: badItem })).toEqual([
      expect.stringContaining("/response/output/0 must have required property 'status'"),
    ]);
    expect(schemaErrors('ResponseStreamEvent', { type: 'response.nope', sequence_number: 1 })).toEqual([
      expect.stringMatching(/^\/type must be equal to one of the allowed values: \["response\.audio\.delta", .*more\]/),
    ]);
    expect(isSchemaValid('ResponseStreamEvent', 'response.completed')).toBe(false);
  });

  it('validates the other endpoint bodies', () => {
    expectSchema('CreateEmbeddingResponse', {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }],
      model: '@cf/baai/bge-base-en-v1.5',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expectSchema('CreateTranscriptionResponseJson', { text: 'hello' });
    expectSchema('CreateTranslationResponseJson', { text: 'hello' });
    expectSchema('ImagesResponse', { created: 1741570283, data: [{ b64_json: 'aGk=' }] });
    expectSchema('CreateCompletionResponse', {
      id: 'cmpl-1',
      object: 'text_completion',
      created: 1741570283,
      model: 'm',
      choices: [{ index: 0, text: 'hi', logprobs: null, finish_reason: 'stop' }],
    });
  });
});

/**
 * JSON Schemas of what the routes answer, for /openapi.json (build time only: see scripts/build-docs.mjs).
 * They describe this proxy's output as it is, not OpenAI's whole API: required fields are the ones
 * every answer carries, objects stay open (a client ignores keys it does not know), and
 * test/docs/openapi-responses.test.ts checks real answers against the served document.
 */
type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const anyObject: Schema = { type: 'object' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const lit = (value: string | boolean): Schema => ({ const: value });
const oneOf = (...values: string[]): Schema => ({ enum: values });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  required: Object.keys(required),
  properties: { ...required, ...optional },
});

const chatUsage = obj({ prompt_tokens: int, completion_tokens: int, total_tokens: int }, { prompt_tokens_details: anyObject, completion_tokens_details: anyObject });
const toolCall = obj({ id: str, type: lit('function'), function: obj({ name: str, arguments: str }) });
const toolCallDelta = obj({ index: int }, { id: str, type: lit('function'), function: obj({}, { name: str, arguments: str }) });
const finishReason = oneOf('stop', 'length', 'tool_calls', 'content_filter');
const embeddingUsage = obj({ prompt_tokens: int, total_tokens: int });

export const SCHEMAS = {
  Error: obj({ error: obj({ message: str, type: str, param: nullable(str), code: nullable(str) }) }),
  OllamaError: obj({ error: str }),
  Health: obj({ status: lit('ok'), transport: oneOf('binding', 'rest', 'emulator') }),
  Model: obj({ id: str, object: lit('model'), created: int, owned_by: str }),
  ModelList: obj({ object: lit('list'), data: arr(ref('Model')) }),
  ChatCompletion: obj(
    {
      id: str,
      object: lit('chat.completion'),
      created: int,
      model: str,
      choices: arr(
        obj(
          { index: int, message: obj({ role: lit('assistant'), content: nullable(str) }, { reasoning_content: str, tool_calls: arr(toolCall), refusal: nullable(str) }), finish_reason: finishReason },
          { logprobs: { type: 'null' } },
        ),
      ),
      usage: chatUsage,
    },
    { system_fingerprint: nullable(str), service_tier: nullable(str) },
  ),
  ChatCompletionChunk: obj(
    {
      id: str,
      object: lit('chat.completion.chunk'),
      created: int,
      model: str,
      choices: arr(
        obj({ index: int, delta: obj({}, { role: lit('assistant'), content: nullable(str), reasoning_content: str, tool_calls: arr(toolCallDelta) }), finish_reason: nullable(finishReason) }, { logprobs: { type: 'null' } }),
      ),
    },
    { usage: nullable(chatUsage), sources: arr(ref('RagSource')) },
  ),
  TextCompletion: obj({
    id: str,
    object: lit('text_completion'),
    created: int,
    model: str,
    choices: arr(obj({ index: int, text: str, finish_reason: nullable(finishReason) }, { logprobs: { type: 'null' } })),
  }, { usage: chatUsage }),
  Embeddings: obj({
    object: lit('list'),
    data: arr(obj({ object: lit('embedding'), index: int, embedding: { anyOf: [arr(num), { type: 'string', contentEncoding: 'base64' }] } })),
    model: str,
    usage: embeddingUsage,
  }),
  Moderation: obj({
    id: str,
    model: str,
    results: arr(obj({ flagged: bool, categories: { type: 'object', additionalProperties: bool }, category_scores: { type: 'object', additionalProperties: num } }, { category_applied_input_types: { type: 'object', additionalProperties: arr(str) } })),
  }),
  Images: obj({ created: int, data: arr(obj({}, { url: str, b64_json: str, revised_prompt: str })) }, { output_format: oneOf('png', 'jpeg', 'webp'), usage: anyObject }),
  Transcription: obj({ text: str }, { task: str, language: str, duration: num, segments: arr(anyObject), words: arr(anyObject), usage: anyObject }),
  Response: obj(
    { id: str, object: lit('response'), created_at: int, status: oneOf('completed', 'incomplete', 'failed', 'in_progress'), model: str, output: arr(obj({ type: str }, { id: str })) },
    { usage: nullable(obj({ input_tokens: int, output_tokens: int, total_tokens: int })), error: nullable(anyObject), incomplete_details: nullable(anyObject), store: bool },
  ),
  ResponseStreamEvent: obj({ type: str, sequence_number: int }),
  ResponseDeleted: obj({ id: str, object: lit('response'), deleted: lit(true) }),
  RagDocuments: obj({ object: lit('list'), data: arr(obj({ id: str, object: lit('rag.document'), chunks: int })), model: str, usage: embeddingUsage }),
  RagDeleted: obj({ id: str, object: lit('rag.document.deleted'), deleted: bool, chunks: int }),
  RagDeletedList: obj({ object: lit('list'), data: arr(ref('RagDeleted')) }),
  RagSearch: obj({ object: lit('list'), data: arr(obj({ id: str, document_id: str, chunk: int, score: num, text: str, metadata: anyObject })), model: str, usage: embeddingUsage }),
  RagSource: obj({ index: int, id: str, document_id: str, score: num }, { metadata: anyObject }),
  RagChatCompletion: { allOf: [ref('ChatCompletion'), obj({ sources: arr(ref('RagSource')) })] },
  AnthropicError: obj({ type: lit('error'), error: obj({ type: str, message: str }), request_id: nullable(str) }),
  AnthropicMessage: obj({
    id: str,
    type: lit('message'),
    role: lit('assistant'),
    model: str,
    content: arr(obj({ type: oneOf('text', 'thinking', 'tool_use') }, { text: str, thinking: str, signature: str, id: str, name: str, input: anyObject })),
    stop_reason: nullable(oneOf('end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal')),
    stop_sequence: nullable(str),
    usage: obj({ input_tokens: int, output_tokens: int }, { cache_creation_input_tokens: nullable(int), cache_read_input_tokens: nullable(int) }),
  }),
  AnthropicStreamEvent: obj({ type: oneOf('message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error') }),
  AnthropicTokensCount: obj({ input_tokens: int }),
  OllamaVersion: obj({ version: str }),
  OllamaTags: obj({ models: arr(obj({ name: str, model: str, modified_at: str, size: int, digest: str, details: obj({ family: str, parameter_size: str, quantization_level: str }) })) }),
  OllamaPs: obj({ models: arr(anyObject) }),
  OllamaShow: obj({ modelfile: str, parameters: str, template: str, details: anyObject, model_info: anyObject, capabilities: arr(str) }),
  OllamaChat: obj(
    { model: str, created_at: str, done: bool },
    { message: obj({ role: lit('assistant'), content: str }, { thinking: str, tool_calls: arr(anyObject) }), done_reason: str, total_duration: int, load_duration: int, prompt_eval_count: int, prompt_eval_duration: int, eval_count: int, eval_duration: int },
  ),
  OllamaGenerate: obj(
    { model: str, created_at: str, done: bool },
    { response: str, thinking: str, done_reason: str, total_duration: int, load_duration: int, prompt_eval_count: int, prompt_eval_duration: int, eval_count: int, eval_duration: int },
  ),
  OllamaEmbed: obj({ model: str, embeddings: arr(arr(num)) }, { total_duration: int, load_duration: int, prompt_eval_count: int }),
  OllamaEmbeddings: obj({ embedding: arr(num) }),
} satisfies Record<string, Schema>;

export type SchemaName = keyof typeof SCHEMAS;

/** A route's 200 answer: its media types, each with a schema and, for streams, the schema of one event or line. */
export type Success = Record<string, { schema?: SchemaName | 'binary' | 'text'; item?: SchemaName }>;

export const jsonOf = (name: SchemaName): Success => ({ 'application/json': { schema: name } });
export const sse = (event: SchemaName): Success => ({ 'text/event-stream': { schema: 'text', item: event } });
export const ndjson = (line: SchemaName): Success => ({ 'application/x-ndjson': { schema: 'text', item: line } });
export const html: Success = { 'text/html': { schema: 'text' } };

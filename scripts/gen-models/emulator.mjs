/**
 * The emulator's catalog module: one row per live model (real id, catalog UUID, task, created_at,
 * properties) and a compact, deduplicated form of each model's input/output schema (names, types,
 * limits, enums, required lists; no descriptions). The behaviour code says which of the emulator's
 * answer shapes a model gets (see src/dev/emulator/catalog.ts).
 */

/** Catalog task name -> the emulator's task code. */
const TASK_CODES = {
  'Text Generation': 'g',
  'Text Embeddings': 'e',
  'Text-to-Image': 'i',
  'Automatic Speech Recognition': 'a',
  'Text-to-Speech': 's',
  Translation: 't',
  'Text Classification': 'c',
  'Image-to-Text': 'v',
  Summarization: 'm',
  'Object Detection': 'o',
  'Image Classification': 'k',
  'Voice Activity Detection': 'd',
};

/** Embedding dimensions the files do not carry as output_dimensions (from each model's card). */
const DIMENSIONS = {
  '@cf/baai/bge-m3': 1024,
  '@cf/google/embeddinggemma-300m': 768,
  '@cf/qwen/qwen3-embedding-0.6b': 1024,
  '@cf/pfnet/plamo-embedding-1b': 2048,
};

/** Properties the emulator drops: links and free text, large and never read. */
const DROPPED_PROPERTIES = new Set(['info', 'terms', 'languages']);

const KEEP = new Set([
  'type', 'title', 'properties', 'required', 'items', 'oneOf', 'anyOf', 'allOf', 'enum', 'const', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties',
  'default', 'contentType', 'additionalProperties',
]);
/** Below this many nested properties levels only names and types are kept (tool and message internals; outputs below their top level). */
const DEPTH = 3;

/** A schema without descriptions, titles or patterns: the names, types, limits and defaults that checks read. */
export function compact(schema, depth = 0) {
  if (Array.isArray(schema)) return schema.map((s) => compact(s, depth));
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (!KEEP.has(k)) continue;
    if (depth >= DEPTH && k !== 'type' && k !== 'properties') continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, depth >= DEPTH ? {} : compact(s, depth + 1)]));
    else if (k === 'default' && v && typeof v === 'object') continue;
    else out[k] = typeof v === 'object' ? compact(v, depth) : v;
  }
  return out;
}

/**
 * The OpenAI-compatible chat schema of the families whose files were too large to read
 * (SOURCE.md: the 15 partial files), as WORKERS_AI.md documents it: Chat Completions input with
 * logprobs, top_logprobs 0-20, logit_bias, n 1-128, prediction, chat_template_kwargs.enable_thinking
 * and reasoning_effort; chat.completion output, or an SSE stream.
 */
function openaiChatSchema(m) {
  const efforts = m.props.reasoning_effort?.supported_efforts ?? ['low', 'medium', 'high'];
  const reasoning = m.props.reasoning === 'true';
  const messages = {
    type: 'array',
    minItems: 1,
    items: { type: 'object', properties: { role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool'] }, content: { oneOf: [{ type: 'string' }, { type: 'array' }, { type: 'null' }] }, tool_calls: { type: 'array' }, tool_call_id: { type: 'string' }, reasoning_content: { type: 'string' } }, required: ['role'] },
  };
  const properties = {
    messages,
    model: { type: 'string' },
    max_tokens: { type: 'integer', minimum: 1 },
    max_completion_tokens: { type: 'integer', minimum: 1 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 1 },
    seed: { type: 'integer' },
    stream: { type: 'boolean', default: false },
    stream_options: { type: 'object', properties: { include_usage: { type: 'boolean' } } },
    stop: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    frequency_penalty: { type: 'number', minimum: -2, maximum: 2 },
    presence_penalty: { type: 'number', minimum: -2, maximum: 2 },
    response_format: { type: 'object', properties: { type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] }, json_schema: { type: 'object' } }, required: ['type'] },
    logprobs: { type: 'boolean' },
    top_logprobs: { type: 'integer', minimum: 0, maximum: 20 },
    logit_bias: { type: 'object' },
    n: { type: 'integer', minimum: 1, maximum: 128, default: 1 },
    prediction: { type: 'object', properties: { type: { type: 'string', enum: ['content'] }, content: {} }, required: ['type', 'content'] },
    ...(m.props.function_calling === 'true' && {
      tools: { type: 'array', items: { type: 'object', properties: { type: { type: 'string', enum: ['function'] }, function: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, parameters: { type: 'object' }, strict: { type: 'boolean' } }, required: ['name'] } }, required: ['type', 'function'] } },
      tool_choice: { oneOf: [{ type: 'string', enum: ['none', 'auto', 'required'] }, { type: 'object' }] },
      parallel_tool_calls: { type: 'boolean' },
    }),
    ...(reasoning && {
      chat_template_kwargs: { type: 'object', properties: { enable_thinking: { type: 'boolean' } } },
      reasoning_effort: { oneOf: [{ type: 'string', enum: efforts }, { type: 'null' }] },
    }),
  };
  const choice = { type: 'object', properties: { index: { type: 'integer' }, message: { type: 'object' }, logprobs: {}, finish_reason: { type: 'string' } } };
  return {
    input: { type: 'object', properties, required: ['messages'] },
    output: {
      oneOf: [
        {
          type: 'object',
          contentType: 'application/json',
          properties: {
            id: { type: 'string' },
            object: { type: 'string', enum: ['chat.completion'] },
            created: { type: 'integer' },
            model: { type: 'string' },
            choices: { type: 'array', items: choice },
            usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, completion_tokens: { type: 'integer' }, total_tokens: { type: 'integer' }, prompt_tokens_details: { type: 'object', properties: { cached_tokens: { type: 'integer' } } }, completion_tokens_details: { type: 'object', properties: { reasoning_tokens: { type: 'integer' } } } } },
          },
        },
        { type: 'string', contentType: 'text/event-stream', format: 'binary' },
      ],
    },
  };
}

const has = (schema, key) => JSON.stringify(schema?.input ?? {}).includes(`"${key}"`);
const outputType = (schema) => {
  const o = schema?.output ?? {};
  return [o, ...(o.oneOf ?? [])].map((x) => x.contentType).find(Boolean) ?? '';
};

/**
 * The emulator's behaviour code for a model (see the legend in ../../src/dev/emulator/catalog.ts).
 * Read from the schema where it shows the shape; by family name where the answer's shape is a
 * family trait the schema does not state (inline <think>, scout's OpenAI-style tool calls, gemma-4's stream).
 */
function kindOf(m, schema) {
  const id = m.name;
  switch (TASK_CODES[m.task]) {
    case 'g':
      if (/\/gpt-oss/.test(id)) return 'P';
      if (/\/llama-guard/.test(id)) return 'G';
      if (!has(schema, 'messages') && !has(schema, 'prompt') && schema) return 'K'; // decision models (Clef)
      if (/\/qwq/.test(id)) return 'Q';
      if (/\/deepseek-r1-distill/.test(id)) return 'D';
      if (/\/llama-4-scout/.test(id)) return 'S';
      if (m.partial) return /\/gemma-4/.test(id) ? 'A' : /\/qwen3-30b/.test(id) ? 'O' : 'C';
      return 'L';
    case 'e':
      return /\/bge-m3/.test(id) ? 'M' : /\/(omni-)?bge-/.test(id) ? 'B' : 'E';
    case 'i':
      if (has(schema, 'multipart')) return 'F';
      return outputType(schema) === 'image/png' ? 'N' : outputType(schema) === 'image/jpeg' ? 'X' : 'J';
    case 'a':
      if (!has(schema, 'audio')) return 'Z'; // WebSocket-only (its input is stream settings)
      return /\/nova-3/.test(id) ? 'N' : /whisper-large-v3-turbo/.test(id) ? 'T' : 'W';
    case 's':
      return /\/aura-/.test(id) ? 'A' : 'M';
    case 't':
      return /indictrans/.test(id) ? 'I' : 'M';
    case 'c':
      return /reranker/.test(id) ? 'R' : 'S';
    default:
      return '-';
  }
}

export function emulatorCatalog(live, paid) {
  const schemas = [];
  const index = new Map();
  const rows = [];
  for (const m of live) {
    const task = TASK_CODES[m.task];
    if (!task) throw new Error(`${m.name}: task "${m.task}" has no emulator code (add it to TASK_CODES)`);
    const synthesized = m.partial;
    const schema = synthesized ? openaiChatSchema(m) : m.schema && { input: compact(m.schema.input), output: compact(m.schema.output, DEPTH - 1) };
    let si = -1;
    if (schema) {
      const key = JSON.stringify(schema);
      if (!index.has(key)) (index.set(key, schemas.length), schemas.push(key));
      si = index.get(key);
    }
    const kind = kindOf(m, m.schema ?? (synthesized ? schema : null));
    const props = Object.entries(m.props).filter(([k]) => !DROPPED_PROPERTIES.has(k));
    const dims = task === 'e' ? Number(m.props.output_dimensions ?? DIMENSIONS[m.name]) : undefined;
    if (task === 'e' && !dims) throw new Error(`${m.name}: no output_dimensions (add it to DIMENSIONS)`);
    const flags = [paid.includes(m.name) && 'paid', synthesized && 'synthesized'].filter(Boolean);
    rows.push([m.name, m.doc.id, task, m.created_at ?? '', kind, si, dims ?? 0, Object.fromEntries(props), ...(flags.length ? [flags.join(',')] : [])]);
  }
  const header = `// GENERATED by scripts/gen-models.mjs from ../shared/workers-ai-models (the model files; retired models left out). Do not edit:
// change the data or the script, then run \`node scripts/gen-models.mjs\`.
`;
  return `${header}
/** Compact input/output schemas (no descriptions), shared by index. */
export const SCHEMAS: readonly { input: unknown; output: unknown }[] = [
${schemas.map((s) => `  ${s},`).join('\n')}
];

/**
 * One row per live model: [id, catalog UUID, task code, created_at, behaviour code, schema index
 * (-1: none published), embedding dimensions, properties, flags?]. Flags: "paid" (Workers Paid
 * only), "synthesized" (the file was not read whole: the schema is the family's OpenAI chat schema).
 */
export const MODELS: readonly (readonly [string, string, string, string, string, number, number, Readonly<Record<string, unknown>>, string?])[] = [
${rows.map((r) => `  ${JSON.stringify(r)},`).join('\n')}
];
`;
}

import { describe, expect, it } from 'vitest';
import { bindingError, tokenStream } from '../../support/fake-ai';
import { call, expectError, jsonOf, postJson, sseEvents, chatChunks } from '../../support/http';
import { BREAD, LIGHTHOUSE, VOLCANO, emulatorAI, ragEnv, uid } from '../../support/rag';

const CHAT = '@cf/meta/llama-3.1-8b-instruct-fast'; // RAG_CHAT_MODEL's default
const QUESTION = 'How do ships find their way near rocks at night?';
const ANSWER = 'Lighthouses guide ships at night [1].';

/** Emulator embeddings; the chat model answers ANSWER with a usage. */
const citingAI = () =>
  emulatorAI((model) => (model === CHAT ? { response: ANSWER, usage: { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 } } : undefined));

async function seeded(ai = citingAI()) {
  const ctx = ragEnv({ ai });
  const p = uid();
  const res = await postJson(ctx.env, '/v1/rag/documents', {
    documents: [
      { id: `${p}/lighthouse`, text: LIGHTHOUSE, metadata: { topic: 'sea' } },
      { id: `${p}/bread`, text: BREAD, metadata: { topic: 'food' } },
      { id: `${p}/volcano`, text: VOLCANO, metadata: { topic: 'earth' } },
    ],
  });
  expect(res.status).toBe(200);
  ctx.ai.calls.length = 0;
  return { ...ctx, p };
}

const ragChat = (env: ReturnType<typeof ragEnv>['env'], body: Record<string, unknown>) =>
  postJson(env, '/v1/rag/chat', { messages: [{ role: 'user', content: QUESTION }], ...body });

describe('POST /v1/rag/chat (non-stream)', () => {
  it('retrieves for the last user message, prepends numbered passages, and reports the sources', async () => {
    const { env, ai, p } = await seeded();
    const res = await ragChat(env, { rag: { top_k: 2 } });
    expect(res.status).toBe(200);
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: CHAT, // RAG_CHAT_MODEL's default, since the request names none
      choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 },
    });
    expect(body.sources).toEqual([
      { index: 1, id: `${p}/lighthouse#0`, document_id: `${p}/lighthouse`, score: expect.any(Number), metadata: { topic: 'sea' } },
      { index: 2, id: expect.stringMatching(new RegExp(`^${p}/`)), document_id: expect.any(String), score: expect.any(Number), metadata: expect.any(Object) },
    ]);
    // The header carries the same sources without metadata (JSON, ASCII-safe).
    expect(JSON.parse(res.headers.get('x-rag-sources')!)).toEqual(body.sources.map(({ metadata: _, ...s }: any) => s));

    // Calls: the query embedding, then the chat model with the passages in a leading system message.
    expect(ai.calls.map((c) => c.model)).toEqual(['@cf/baai/bge-base-en-v1.5', CHAT]);
    expect(ai.calls[0]!.inputs.text).toEqual([QUESTION]);
    const messages = ai.calls[1]!.inputs.messages;
    expect(messages).toHaveLength(2);
    expect(messages[0].role).toBe('system');
    expect(messages[0].content).toMatch(/Cite the passages you use by their numbers in square brackets, like \[1\]/);
    expect(messages[0].content).toContain(`[1] (source: ${p}/lighthouse#0)\n${LIGHTHOUSE}`);
    expect(messages[0].content).toContain(`[2] (source: ${body.sources[1].id})`);
    expect(messages[0].content).not.toContain('\n[3] (source:');
    expect(messages[1]).toEqual({ role: 'user', content: QUESTION });
  });

  it('keeps the conversation and the chat parameters, and echoes the model the client named', async () => {
    const { env, ai } = await seeded();
    const res = await ragChat(env, {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about volcanoes.' },
        { role: 'assistant', content: 'They erupt.' },
        { role: 'user', content: [{ type: 'text', text: 'And about bread' }, { type: 'text', text: 'baking in an oven?' }] },
      ],
      rag: { top_k: 1 },
    });
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body.model).toBe('gpt-4o-mini');
    // The search text is the last user message (its text parts joined).
    expect(ai.calls[0]!.inputs.text).toEqual(['And about bread\nbaking in an oven?']);
    expect(body.sources.map((s: any) => s.document_id)).toEqual([expect.stringMatching(/\/bread$/)]);
    const inputs = ai.calls[1]!.inputs;
    expect(inputs).toMatchObject({ temperature: 0.2, max_tokens: 64 });
    expect(inputs.messages.map((m: any) => m.role)).toEqual(['system', 'system', 'user', 'assistant', 'user']);
    expect(inputs.messages[1].content).toBe('Be brief.');
    expect(inputs).not.toHaveProperty('rag');
  });

  it('applies the rag filter and min_score', async () => {
    const { env, ai, p } = await seeded();
    const body = await jsonOf(await ragChat(env, { rag: { filter: { topic: { $in: ['food', 'earth'] } }, min_score: -1 } }), 'CreateChatCompletionResponse');
    expect(body.sources.map((s: any) => s.document_id).sort()).toEqual([`${p}/bread`, `${p}/volcano`]);
    expect(ai.calls[1]!.inputs.messages[0].content).not.toContain('lighthouse');
  });

  it('with no passage found, tells the model so and reports no sources', async () => {
    const { env, ai } = await seeded();
    const res = await ragChat(env, { rag: { min_score: 1 } });
    expect(res.headers.get('x-rag-sources')).toBe('[]');
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body.sources).toEqual([]);
    expect(ai.calls[1]!.inputs.messages[0].content).toMatch(/No passages of the document collection matched/);
  });

  it('escapes non-ASCII in the x-rag-sources header', async () => {
    const { env } = ragEnv({ ai: citingAI() });
    const id = `${uid()}/café-☕`;
    await postJson(env, '/v1/rag/documents', { documents: [{ id, text: LIGHTHOUSE }] });
    const res = await ragChat(env, {});
    const header = res.headers.get('x-rag-sources')!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(header).toContain('\\u00e9');
    expect(JSON.parse(header)[0].document_id).toBe(id);
    expect((await res.json<any>()).sources[0].document_id).toBe(id);
  });

  it('browsers may read x-rag-sources (CORS exposes it)', async () => {
    const { env } = await seeded();
    const cors = await call(env, '/v1/rag/chat', { method: 'POST', body: { messages: [{ role: 'user', content: 'x' }] }, headers: { origin: 'https://app.example' } });
    expect(cors.headers.get('access-control-expose-headers')).toMatch(/x-rag-sources/);
  });
});

describe('POST /v1/rag/chat (stream)', () => {
  it('streams spec-valid chunks; the first one also carries the sources', async () => {
    const ai = emulatorAI((model) => (model === CHAT ? tokenStream(['Light', 'houses', ' [1]', '.'], { prompt_tokens: 50, completion_tokens: 4, total_tokens: 54 }) : undefined));
    const { env, p } = await seeded(ai);
    const res = await ragChat(env, { stream: true, stream_options: { include_usage: true }, rag: { top_k: 1 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const header = JSON.parse(res.headers.get('x-rag-sources')!);
    expect(header).toEqual([{ index: 1, id: `${p}/lighthouse#0`, document_id: `${p}/lighthouse`, score: expect.any(Number) }]);

    const chunks = await chatChunks(res);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant' });
    expect(chunks[0].sources).toEqual([{ ...header[0], metadata: { topic: 'sea' } }]);
    expect(chunks.slice(1).some((c) => 'sources' in c)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Lighthouses [1].');
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 50, completion_tokens: 4, total_tokens: 54, cost: null, neurons: null });
    expect(ai.calls.at(-1)!.inputs.stream).toBe(true);
  });

  it('a stream of the emulator model ends properly and keeps the sources in the first chunk', async () => {
    const { env } = await seeded(emulatorAI());
    const events = await sseEvents(await ragChat(env, { stream: true }));
    const chunks = events.slice(0, -1).map((e) => e.json);
    expect(chunks[0].sources).toHaveLength(3);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toMatch(/^This is a synthetic reply/);
  });

  it('an upstream failure mid-stream is an error event after the sourced first chunk', async () => {
    const failing = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('data: {"response":"Hel"}\n\n'));
        },
        pull(c) {
          c.error(new Error('connection reset'));
        },
      });
    const { env } = await seeded(emulatorAI((model) => (model === CHAT ? failing() : undefined)));
    const events = await sseEvents(await ragChat(env, { stream: true }));
    expect(events[0]!.json.sources).toHaveLength(3);
    expect(events.at(-2)!.json.error).toBeDefined();
    expect(events.at(-1)!.data).toBe('[DONE]');
  });

  it('a client that disconnects cancels the upstream generation', async () => {
    let cancelled = false;
    let pulls = 0;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulls++;
          c.enqueue(new TextEncoder().encode(`data: {"response":"tok${pulls} "}\n\n`));
        },
        cancel() {
          cancelled = true;
        },
      });
    const { env } = await seeded(emulatorAI((model) => (model === CHAT ? endless() : undefined)));
    const res = await ragChat(env, { stream: true });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"sources"');
    await reader.read();
    await reader.cancel();
    for (let i = 0; i < 50 && !cancelled; i++) await new Promise((r) => setTimeout(r, 5));
    expect(cancelled).toBe(true);
  });
});

describe('POST /v1/rag/chat: bad input', () => {
  it.each([
    [{ messages: [{ role: 'system', content: 'Only a system message.' }] }, 'messages', /needs a user message/],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }, 'messages[0].content', /no text to search/],
    [{ messages: [{ role: 'user', content: '   ' }] }, 'messages[0].content', /no text to search/],
    [{ messages: [] }, 'messages', /too short/],
    [{ rag: { top_k: 0 } }, 'rag.top_k', />= 1/],
    [{ rag: { top_k: 51 } }, 'rag.top_k', /<= 50/],
    [{ rag: { topK: 3 } }, 'rag', /Unrecognized parameter\(s\) in 'rag': topK/],
    [{ rag: { filter: { $or: [] } } }, 'rag.filter.$or', /accepted forms/],
    [{ rag: { filter: { $or: 1 } } }, 'rag.filter.$or', /must not start with "\$"/],
    [{ rag: { filter: { 'a.': 1 } } }, 'rag.filter.a.', /empty part/],
    [{ rag: { min_score: 2 } }, 'rag.min_score', /<= 1/],
    [{ model: '' }, 'model', /too short/],
  ])('%j is a 400 naming %s', async (body, param, message) => {
    const { env } = ragEnv({ ai: citingAI() });
    await expectError(await ragChat(env, body), 400, { param, message, type: 'invalid_request_error' });
  });

  it('an unknown model is a 404 before any retrieval; a non-chat model is a 400', async () => {
    const { env, ai, vectorize } = ragEnv({ ai: citingAI() });
    await expectError(await ragChat(env, { model: 'gpt-9' }), 404, { code: 'model_not_found', param: 'model' });
    await expectError(await ragChat(env, { model: '@cf/baai/bge-base-en-v1.5' }), 400, { code: 'model_not_supported', param: 'model' });
    expect(ai.calls).toEqual([]);
    expect(vectorize.calls).toEqual([]);
  });

  it('an unknown RAG_CHAT_MODEL is a server misconfiguration, not the client\'s 404', async () => {
    const { env } = ragEnv({ ai: citingAI(), extra: { RAG_CHAT_MODEL: '@cf/acme/nothing' } });
    await expectError(await ragChat(env, {}), 500, { code: 'proxy_misconfigured', message: /RAG_CHAT_MODEL/ });
  });

  it('chat upstream errors map as on /v1/chat/completions', async () => {
    const { env } = await seeded(emulatorAI((model) => {
      if (model === CHAT) throw bindingError(3040, 'Capacity temporarily exceeded');
      return undefined;
    }));
    await expectError(await ragChat(env, {}), 429, { code: 'upstream_overloaded' });
    await expectError(await ragChat(env, { stream: true }), 429, { code: 'upstream_overloaded' });
    // The Worker keeps serving.
    expect((await postJson(env, '/v1/rag/search', { query: 'bread' })).status).toBe(200);
  });

  it('a context too long for the model is a 400, not a 500', async () => {
    const { env } = ragEnv({ ai: citingAI() });
    const p = uid();
    const big = Array.from({ length: 30 }, (_, i) => ({ id: `${p}/d${i}`, text: `Ships and lighthouses ${i}. `.repeat(300) }));
    expect((await postJson(env, '/v1/rag/documents', { documents: big, chunk_size: 8000 })).status).toBe(200);
    const res = await ragChat(env, { model: '@cf/mistral/mistral-7b-instruct-v0.1', rag: { top_k: 20 } });
    await expectError(res, 400, { code: 'context_length_exceeded' });
    expect((await call(env, '/v1/rag/search', { body: { query: 'x' } })).status).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { call, expectError, jsonOf, postJson, chatChunks } from '../../support/http';
import { BREAD, LIGHTHOUSE, RAG_DB, VOLCANO, uid } from '../../support/rag';

/** `npm run dev` with no credentials: the emulator transport, no VECTORIZE, no RAG_DB. */
const devEnv = () => ({ LOG_REQUESTS: 'false' });

async function seed(env: object) {
  const res = await postJson(env, '/v1/rag/documents', {
    documents: [
      { id: 'lighthouse', text: LIGHTHOUSE, metadata: { topic: 'sea', year: 2001 } },
      { id: 'bread', text: BREAD, metadata: { topic: 'food', year: 2015 } },
      { id: 'volcano', text: VOLCANO, metadata: { topic: 'earth', year: 2020 } },
    ],
  });
  expect(res.status).toBe(200);
}

describe('RAG on the emulator transport (in-memory stand-in)', () => {
  it('indexes and searches offline; the emulator embeddings rank texts that share words first', async () => {
    const env = devEnv();
    await seed(env);
    for (const [query, best] of [
      ['How do ships find their way near rocks at night?', 'lighthouse'],
      ['How long should the dough rise before I bake it?', 'bread'],
      ['What escapes from a volcano when it erupts?', 'volcano'],
    ]) {
      const body = await jsonOf(await postJson(env, '/v1/rag/search', { query, top_k: 3 }));
      expect(body.data.map((d: any) => d.document_id)[0]).toBe(best);
      expect(body.data[0].score).toBeGreaterThan(body.data[1].score);
    }
  });

  it('filters with $eq, $ne, $in, $nin and ranges, like Vectorize', async () => {
    const env = devEnv();
    await seed(env);
    const ids = async (filter: object) =>
      (await jsonOf(await postJson(env, '/v1/rag/search', { query: 'anything', filter }))).data.map((d: any) => d.document_id).sort();
    expect(await ids({ topic: 'food' })).toEqual(['bread']);
    expect(await ids({ topic: { $ne: 'food' } })).toEqual(['lighthouse', 'volcano']);
    expect(await ids({ topic: { $in: ['sea', 'earth'] } })).toEqual(['lighthouse', 'volcano']);
    expect(await ids({ topic: { $nin: ['sea', 'earth'] } })).toEqual(['bread']);
    expect(await ids({ year: { $gt: 2001, $lt: 2020 } })).toEqual(['bread']);
    expect(await ids({ document_id: 'volcano' })).toEqual(['volcano']);
    expect(await ids({ missing: null })).toEqual(['bread', 'lighthouse', 'volcano']);
  });

  it('replaces and deletes documents', async () => {
    const env = devEnv();
    await seed(env);
    const long = Array.from({ length: 30 }, (_, i) => `Sentence ${i} about bread and ovens.`).join(' ');
    expect((await jsonOf(await postJson(env, '/v1/rag/documents', { documents: [{ id: 'bread', text: long }], chunk_size: 200 }))).data[0].chunks).toBeGreaterThan(3);
    await postJson(env, '/v1/rag/documents', { documents: [{ id: 'bread', text: 'Short bread.' }] });
    const found = await jsonOf(await postJson(env, '/v1/rag/search', { query: 'bread', filter: { document_id: 'bread' }, top_k: 50 }));
    expect(found.data.map((d: any) => d.id)).toEqual(['bread#0']);
    expect((await call(env, '/v1/rag/documents/bread', { method: 'DELETE' })).status).toBe(200);
    await expectError(await call(env, '/v1/rag/documents/bread', { method: 'DELETE' }), 404, { code: 'document_not_found' });
    const left = await jsonOf(await postJson(env, '/v1/rag/search', { query: 'bread' }));
    expect(left.data.map((d: any) => d.document_id).sort()).toEqual(['lighthouse', 'volcano']);
  });

  it('chats over the documents, stream and non-stream, in the OpenAI shapes', async () => {
    const env = devEnv();
    await seed(env);
    const res = await postJson(env, '/v1/rag/chat', { messages: [{ role: 'user', content: 'How do ships find their way near rocks at night?' }], rag: { top_k: 2 } });
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body.model).toBe('@cf/meta/llama-3.1-8b-instruct-fast'); // RAG_CHAT_MODEL's default
    expect(body.choices[0].message.content).toMatch(/^This is a synthetic reply from the Workers AI emulator/);
    expect(body.sources.map((s: any) => s.index)).toEqual([1, 2]);
    expect(body.sources[0].document_id).toBe('lighthouse');

    const stream = await postJson(env, '/v1/rag/chat', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'bread dough' }], rag: { top_k: 1 } });
    const chunks = await chatChunks(stream);
    expect(chunks[0].sources).toEqual([expect.objectContaining({ index: 1, document_id: 'bread' })]);
    expect(JSON.parse(stream.headers.get('x-rag-sources')!)[0].document_id).toBe('bread');
  });

  it('is per isolate and not persistent: another environment starts empty', async () => {
    const a = devEnv();
    await seed(a);
    const b = devEnv();
    expect((await jsonOf(await postJson(b, '/v1/rag/search', { query: 'bread' }))).data).toEqual([]);
  });

  it('a bound RAG_DB is used for the texts, with in-memory vectors', async () => {
    const env = { LOG_REQUESTS: 'false', RAG_DB };
    const id = `${uid()}/dev`;
    await postJson(env, '/v1/rag/documents', { documents: [{ id, text: LIGHTHOUSE }] });
    const row = await RAG_DB.prepare('SELECT text FROM rag_chunks WHERE id = ?').bind(`${id}#0`).first<{ text: string }>();
    expect(row?.text).toBe(LIGHTHOUSE);
    expect((await jsonOf(await postJson(env, '/v1/rag/search', { query: 'lighthouse' }))).data[0].id).toBe(`${id}#0`);
  });

  it('AI_TRANSPORT=emulator with an AI binding present still uses the stand-in', async () => {
    const env = { LOG_REQUESTS: 'false', AI_TRANSPORT: 'emulator' };
    await seed(env);
    expect((await jsonOf(await postJson(env, '/v1/rag/search', { query: 'volcano eruption', top_k: 1 }))).data[0].document_id).toBe('volcano');
  });
});

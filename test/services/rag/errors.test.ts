import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { KEY, bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import { CATALOG_WITH_MORE } from '../../support/more-models';
import { BREAD, FakeVectorize, LIGHTHOUSE, RAG_DB, emulatorAI, ragEnv, uid } from '../../support/rag';
import { asBinding } from '../../support/vectorize';

const ROUTES: [string, string, unknown][] = [
  ['POST', '/v1/rag/documents', { documents: [{ text: 'x' }] }],
  ['POST', '/v1/rag/documents/delete', { ids: ['x'] }],
  ['DELETE', '/v1/rag/documents/x', undefined],
  ['POST', '/v1/rag/search', { query: 'x' }],
  ['POST', '/v1/rag/chat', { messages: [{ role: 'user', content: 'x' }] }],
];

/** Rows D1 holds for a document (0 when the table was never created). */
async function stored(documentId: string): Promise<number> {
  try {
    return (await RAG_DB.prepare('SELECT count(*) AS n FROM rag_chunks WHERE document_id = ?').bind(documentId).first<{ n: number }>())!.n;
  } catch (err) {
    if (/no such table/.test(String(err))) return 0;
    throw err;
  }
}

const send = (env: ReturnType<typeof bindingEnv>, [method, path, body]: [string, string, unknown]) => call(env, path, { method, ...(body !== undefined && { body }) });

describe('RAG without its bindings: 501 naming them', () => {
  it.each(ROUTES)('%s %s on the binding transport names VECTORIZE and RAG_DB, with the commands to create them', async (...route) => {
    const ai = fakeAI();
    const err = await expectError(await send(bindingEnv(ai), route), 501, { code: 'rag_not_configured', type: 'server_error', param: null });
    expect(err.message).toContain('VECTORIZE');
    expect(err.message).toContain('npx wrangler vectorize create rag-index --dimensions=768 --metric=cosine');
    expect(err.message).toContain('[[vectorize]] binding = "VECTORIZE"');
    expect(err.message).toContain('RAG_DB');
    expect(err.message).toContain('npx wrangler d1 create rag');
    expect(err.message).toContain('[[d1_databases]] binding = "RAG_DB"');
    expect(ai.calls).toEqual([]);
  });

  it('names only the missing binding, and the dimensions of RAG_EMBEDDING_MODEL', async () => {
    const onlyIndex = bindingEnv(fakeAI(), { VECTORIZE: asBinding(new FakeVectorize()) });
    const a = await expectError(await postJson(onlyIndex, '/v1/rag/search', { query: 'x' }), 501, { code: 'rag_not_configured' });
    expect(a.message).toContain('RAG_DB');
    expect(a.message).not.toContain('VECTORIZE');
    const onlyDb = bindingEnv(fakeAI(), { RAG_DB, RAG_EMBEDDING_MODEL: '@cf/baai/bge-large-en-v1.5' });
    const b = await expectError(await postJson(onlyDb, '/v1/rag/search', { query: 'x' }), 501, { code: 'rag_not_configured' });
    expect(b.message).toContain('--dimensions=1024');
    expect(b.message).not.toContain('RAG_DB');
  });

  it('is a 501 before the body is read (malformed JSON too), and on the REST transport as well', async () => {
    await expectError(await call(bindingEnv(), '/v1/rag/documents', { method: 'POST', raw: '{"documents": [', headers: { 'content-type': 'application/json' } }), 501, {
      code: 'rag_not_configured',
    });
    const rest = { CLOUDFLARE_ACCOUNT_ID: 'acct', CLOUDFLARE_API_TOKEN: 'token', PROXY_API_KEY: KEY, LOG_REQUESTS: 'false' };
    await expectError(await postJson(rest, '/v1/rag/search', { query: 'x' }), 501, { code: 'rag_not_configured' });
  });

  it('still asks for the key first', async () => {
    await expectError(await call(bindingEnv(), '/v1/rag/search', { method: 'POST', body: { query: 'x' }, anonymous: true }), 401);
  });
});

describe('POST /v1/rag/documents: bad input', () => {
  const post = (body: unknown, env = ragEnv().env) => postJson(env, '/v1/rag/documents', body);

  it('malformed JSON is a 400 invalid_json; a multipart body a 415', async () => {
    const { env } = ragEnv();
    await expectError(await call(env, '/v1/rag/documents', { method: 'POST', raw: '{"documents": [', headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' });
    const form = new FormData();
    form.set('text', 'x');
    await expectError(await call(env, '/v1/rag/documents', { method: 'POST', raw: form }), 415, { code: 'unsupported_media_type' });
  });

  it.each([
    [{}, 'documents', /Missing required parameter: 'documents'/],
    [{ documents: 'text' }, 'documents', /expected array/],
    [{ documents: [] }, 'documents', /too short/],
    [{ documents: Array.from({ length: 101 }, (_, i) => ({ text: `t${i}` })) }, 'documents', /at most 100/],
    [{ documents: [{ text: 42 }] }, 'documents[0].text', /expected string/],
    [{ documents: [{ text: '' }] }, 'documents[0].text', /too short/],
    [{ documents: [{ id: 7, text: 'x' }] }, 'documents[0].id', /expected string/],
    [{ documents: [{ text: 'x', title: 'T' }] }, 'documents[0]', /Unrecognized parameter\(s\) in 'documents\[0\]': title/],
    [{ documents: [{ text: 'x', metadata: { a: { nested: 1 } } }] }, 'documents[0].metadata.a', /accepted forms/],
    [{ documents: [{ text: 'x', metadata: { a: [1, 2] } }] }, 'documents[0].metadata.a', /accepted forms/],
    [{ documents: [{ text: 'x', metadata: 'm' }] }, 'documents[0].metadata', /expected record|expected object/],
    [{ documents: [{ text: 'x' }], chunk_size: 50 }, 'chunk_size', />= 100/],
    [{ documents: [{ text: 'x' }], chunk_size: 9000 }, 'chunk_size', /<= 8000/],
    [{ documents: [{ text: 'x' }], chunk_size: 500.5 }, 'chunk_size', /expected int/],
    [{ documents: [{ text: 'x' }], chunk_overlap: -1 }, 'chunk_overlap', />= 0/],
    [{ documents: [{ text: 'x' }], chunk_size: 200, chunk_overlap: 200 }, 'chunk_overlap', /must be smaller than the chunk size \(200\)/],
    [{ documents: [{ text: 'x' }], chunk_overlap: 1000 }, 'chunk_overlap', /smaller than the chunk size \(1000\)/],
    [{ documents: [{ text: 'x' }], chunkSize: 200 }, null, /Unrecognized parameter\(s\) in the request body: chunkSize/],
    [{ documents: [{ text: ' \n\t ' }] }, 'documents[0].text', /only whitespace/],
    [{ documents: [{ id: 'x'.repeat(49), text: 'x' }] }, 'documents[0].id', /at most 48 bytes/],
    [{ documents: [{ id: 'é'.repeat(25), text: 'x' }] }, 'documents[0].id', /at most 48 bytes/],
    [{ documents: [{ id: 'a\nb', text: 'x' }] }, 'documents[0].id', /control characters/],
    [{ documents: [{ id: 'a', text: 'x' }, { id: 'b', text: 'y' }, { id: 'a', text: 'z' }] }, 'documents[2].id', /appears twice \(documents\[0\] and documents\[2\]\)/],
    [{ documents: [{ text: 'x', metadata: { document_id: 'other' } }] }, 'documents[0].metadata.document_id', /set by the proxy/],
    [{ documents: [{ text: 'x', metadata: { chunk: 3 } }] }, 'documents[0].metadata.chunk', /set by the proxy/],
    [{ documents: [{ text: 'x', metadata: { 'a.b': 1 } }] }, 'documents[0].metadata.a.b', /must not contain "\."/],
    [{ documents: [{ text: 'x', metadata: { $a: 1 } }] }, 'documents[0].metadata.$a', /must not start with "\$"/],
    [{ documents: [{ text: 'x', metadata: { '': 1 } }] }, 'documents[0].metadata.', /must not be empty/],
    [{ documents: [{ text: 'x', metadata: { 'a"b': 1 } }] }, 'documents[0].metadata.a"b', /must not contain/],
    [{ documents: [{ text: 'x', metadata: { big: 'x'.repeat(9300) } }] }, 'documents[0].metadata', /at most 9216 are allowed/],
  ])('%j is a 400 naming %s', async (body, param, message) => {
    const { env, ai, vectorize } = ragEnv();
    await expectError(await post(body, env), 400, { param, message, type: 'invalid_request_error' });
    expect(ai.calls).toEqual([]);
    expect(vectorize.calls).toEqual([]);
  });

  it('more text than a request may carry is a 413; so are too many chunks', async () => {
    const { env, ai } = ragEnv();
    const docs = Array.from({ length: 11 }, (_, i) => ({ id: `d${i}`, text: 'word '.repeat(20_000) }));
    await expectError(await post({ documents: docs }, env), 413, { code: 'request_too_large', param: 'documents', message: /1100000 characters of text; at most 1000000/ });
    const many = Array.from({ length: 3 }, (_, i) => ({ id: `d${i}`, text: 'word '.repeat(20_000) }));
    await expectError(await post({ documents: many, chunk_size: 100, chunk_overlap: 0 }, env), 413, { code: 'request_too_large', message: /more than 1000 chunks/ });
    expect(ai.calls).toEqual([]);
  });

  it('a body over MAX_BODY_BYTES is a 413', async () => {
    const { env } = ragEnv({ extra: { MAX_BODY_BYTES: '1000' } });
    await expectError(await post({ documents: [{ text: 'x'.repeat(2000) }] }, env), 413, { code: 'request_too_large' });
  });
});

describe('POST /v1/rag/search and delete: bad input', () => {
  it.each([
    [{}, 'query', /Missing required parameter: 'query'/],
    [{ query: '' }, 'query', /too short/],
    [{ query: 5 }, 'query', /expected string/],
    [{ query: 'x'.repeat(8193) }, 'query', /at most 8192/],
    [{ query: 'x', top_k: 0 }, 'top_k', />= 1/],
    [{ query: 'x', top_k: 51 }, 'top_k', /<= 50/],
    [{ query: 'x', top_k: '5' }, 'top_k', /expected number/],
    [{ query: 'x', min_score: -2 }, 'min_score', />= -1/],
    [{ query: 'x', k: 3 }, null, /Unrecognized parameter\(s\) in the request body: k/],
    [{ query: 'x', filter: [] }, 'filter', /expected record|expected object/],
    [{ query: 'x', filter: { a: { $regex: 'x' } } }, 'filter.a', /Unrecognized parameter\(s\) in 'filter.a': \$regex/],
    [{ query: 'x', filter: { a: { $in: [] } } }, 'filter.a.$in', /too short/],
    [{ query: 'x', filter: { a: { $in: 'x' } } }, 'filter.a', /accepted forms/],
    [{ query: 'x', filter: { a: { $lt: true } } }, 'filter.a', /accepted forms/],
    [{ query: 'x', filter: { a: ['x'] } }, 'filter.a', /accepted forms/],
    [{ query: 'x', filter: { a: {} } }, 'filter.a', /names no operator/],
    [{ query: 'x', filter: { $and: 1 } }, 'filter.$and', /must not start with "\$"/],
    [{ query: 'x', filter: { '': 1 } }, 'filter.', /must not be empty/],
    [{ query: 'x', filter: { ['k'.repeat(513)]: 1 } }, `filter.${'k'.repeat(513)}`, /at most 512 characters/],
    [{ query: 'x', filter: { a: 'x'.repeat(2100) } }, 'filter', /Vectorize takes at most 2047/],
  ])('search %j is a 400 naming %s', async (body, param, message) => {
    const { env, ai, vectorize } = ragEnv();
    await expectError(await postJson(env, '/v1/rag/search', body), 400, { param, message });
    expect(ai.calls).toEqual([]);
    expect(vectorize.calls).toEqual([]);
  });

  it.each([
    [{}, 'ids', /Missing required parameter: 'ids'/],
    [{ ids: [] }, 'ids', /too short/],
    [{ ids: 'a' }, 'ids', /expected array/],
    [{ ids: [''] }, 'ids[0]', /too short/],
    [{ ids: Array.from({ length: 101 }, (_, i) => `d${i}`) }, 'ids', /at most 100/],
  ])('delete %j is a 400 naming %s', async (body, param, message) => {
    const { env } = ragEnv();
    await expectError(await postJson(env, '/v1/rag/documents/delete', body), 400, { param, message });
  });

  it('an unknown RAG URL is a 404', async () => {
    const { env } = ragEnv();
    await expectError(await call(env, '/v1/rag/nothing', { method: 'POST', body: {} }), 404, { code: 'unknown_url' });
    await expectError(await call(env, '/v1/rag/documents', { method: 'GET' }), 404, { code: 'unknown_url' });
  });
});

describe('RAG: configuration problems', () => {
  it('an index whose dimensions differ from RAG_EMBEDDING_MODEL\'s vectors is a clear 500 before anything is written', async () => {
    const { env, vectorize } = ragEnv({ vectorize: new FakeVectorize(1024) });
    const id = `${uid()}/dims`;
    const err = await expectError(await postJson(env, '/v1/rag/documents', { documents: [{ id, text: 'x' }] }), 500, { code: 'rag_dimension_mismatch', type: 'server_error' });
    expect(err.message).toMatch(/`@cf\/baai\/bge-base-en-v1.5` makes 768-dimension vectors, but the VECTORIZE index has 1024 dimensions/);
    expect(err.message).toMatch(/--dimensions=768/);
    expect(vectorize.calls.map((c) => c.method)).toEqual(['describe']);
    expect(await stored(id)).toBe(0);
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 500, { code: 'rag_dimension_mismatch' });
    // describe() is read once per isolate.
    expect(vectorize.calls.filter((c) => c.method === 'describe')).toHaveLength(1);
  });

  it('the same with a legacy index, and with a smaller RAG_EMBEDDING_MODEL', async () => {
    const { env } = ragEnv({ vectorize: new FakeVectorize(768, { legacy: true }), extra: { RAG_EMBEDDING_MODEL: '@cf/baai/bge-small-en-v1.5' } });
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 500, { code: 'rag_dimension_mismatch', message: /makes 384-dimension vectors, but the VECTORIZE index has 768/ });
  });

  it('when describe() fails the check is skipped, and Vectorize\'s own refusal is a 502', async () => {
    const vectorize = new FakeVectorize(1024);
    vectorize.fail.describe = new Error('describe unavailable');
    const { env } = ragEnv({ vectorize });
    await expectError(await postJson(env, '/v1/rag/documents', { documents: [{ id: `${uid()}/x`, text: 'x' }] }), 502, {
      code: 'vectorize_error',
      message: /Vectorize upsert failed: VECTOR_UPSERT_ERROR \(code = 40012\): .*expected 1024 dimensions, and got 768/,
    });
    // A failed describe() is not remembered: the next request asks again, and now sees the mismatch.
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 500, { code: 'rag_dimension_mismatch' });
  });

  it.each([
    ['@cf/acme/no-such-embedder', /RAG_EMBEDDING_MODEL: The model `@cf\/acme\/no-such-embedder` does not exist/],
    ['@cf/meta/llama-3.1-8b-instruct', /RAG_EMBEDDING_MODEL: .*cannot be used with \/v1\/embeddings/],
  ])('RAG_EMBEDDING_MODEL=%s is a 500 proxy_misconfigured, never blamed on the client', async (model, message) => {
    const { env } = ragEnv({ extra: { RAG_EMBEDDING_MODEL: model } });
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 500, { code: 'proxy_misconfigured', param: null, message });
  });

  it.each([
    [{ RAG_CHUNK_SIZE: '50' }, /RAG_CHUNK_SIZE must be an integer from 100 to 8000\./],
    [{ RAG_CHUNK_SIZE: 'big' }, /RAG_CHUNK_SIZE must be an integer from 100 to 8000\./],
    [{ RAG_CHUNK_SIZE: '500', RAG_CHUNK_OVERLAP: '500' }, /RAG_CHUNK_OVERLAP must be an integer from 0 to 499\./],
    [{ RAG_CHUNK_OVERLAP: '-3' }, /RAG_CHUNK_OVERLAP/],
  ])('%j is a 500 proxy_misconfigured', async (extra, message) => {
    const { env } = ragEnv({ extra });
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 500, { code: 'proxy_misconfigured', message });
  });
});

describe('RAG: upstream and store failures', () => {
  it.each([
    [3040, 429, 'upstream_overloaded'],
    [5006, 400, 'upstream_invalid_input'],
    [3036, 429, 'insufficient_quota'],
    [3007, 504, 'upstream_timeout'],
  ])('an embedding failure %i is a %i %s, and nothing is written', async (code, status, errorCode) => {
    const ai = fakeAI(() => {
      throw bindingError(code, 'upstream said no');
    }, CATALOG_WITH_MORE);
    const { env, vectorize } = ragEnv({ ai });
    const id = `${uid()}/fail`;
    await expectError(await postJson(env, '/v1/rag/documents', { documents: [{ id, text: 'x' }] }), status, { code: errorCode });
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), status, { code: errorCode });
    expect(vectorize.calls.filter((c) => c.method !== 'describe')).toEqual([]);
    expect(await stored(id)).toBe(0);
  });

  it('a malformed embedding answer is a 502', async () => {
    const ai = emulatorAI((model) => (model.includes('bge') ? { shape: [1, 2] } : undefined));
    const { env } = ragEnv({ ai });
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 502, { code: 'upstream_error' });
  });

  it('a failed Vectorize upsert is a 502; the texts stay listed, so a retry or a delete cleans up', async () => {
    const vectorize = new FakeVectorize();
    vectorize.fail.upsert = new Error('VECTOR_UPSERT_ERROR (code = 40000): internal');
    const { env } = ragEnv({ vectorize });
    const id = `${uid()}/half`;
    await expectError(await postJson(env, '/v1/rag/documents', { documents: [{ id, text: LIGHTHOUSE }] }), 502, { code: 'vectorize_error', message: /Vectorize upsert failed/ });
    // Nothing searchable: no vector was written.
    expect((await jsonOf(await postJson(env, '/v1/rag/search', { query: 'lighthouse' }))).data).toEqual([]);
    // The ledger still knows the chunk, so deleting the document reaches Vectorize too.
    const del = await jsonOf(await postJson(env, '/v1/rag/documents/delete', { ids: [id] }));
    expect(del.data[0]).toMatchObject({ deleted: true, chunks: 1 });
    expect(vectorize.calls.filter((c) => c.method === 'deleteByIds').map((c) => c.args[0])).toEqual([[`${id}#0`]]);
  });

  it('a failed Vectorize query or delete is a 502, and the Worker keeps serving', async () => {
    const vectorize = new FakeVectorize();
    const { env } = ragEnv({ vectorize });
    const id = `${uid()}/q`;
    await postJson(env, '/v1/rag/documents', { documents: [{ id, text: BREAD }] });
    vectorize.fail.query = new Error('VECTOR_QUERY_ERROR (code = 40000): boom');
    await expectError(await postJson(env, '/v1/rag/search', { query: 'bread' }), 502, { code: 'vectorize_error', message: /Vectorize query failed: .*boom/ });
    vectorize.fail.deleteByIds = new Error('nope');
    await expectError(await call(env, `/v1/rag/documents/${id}`, { method: 'DELETE' }), 502, { code: 'vectorize_error' });
    // The failed delete changed nothing: the document is still there, and can be deleted now.
    expect((await jsonOf(await postJson(env, '/v1/rag/search', { query: 'bread' }))).data).toHaveLength(1);
    expect((await call(env, `/v1/rag/documents/${id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('a D1 failure is a 502 rag_store_error', async () => {
    const broken = {
      prepare: () => ({ bind: () => ({}) }),
      batch: async () => {
        throw new Error('D1_ERROR: database is locked');
      },
    } as unknown as D1Database;
    const env = bindingEnv(emulatorAI(), { VECTORIZE: asBinding(new FakeVectorize()), RAG_DB: broken });
    await expectError(await postJson(env, '/v1/rag/documents', { documents: [{ text: 'x' }] }), 502, { code: 'rag_store_error', message: /D1 \(RAG_DB\) read failed: D1_ERROR: database is locked/ });
    await expectError(await postJson(env, '/v1/rag/search', { query: 'x' }), 502, { code: 'rag_store_error' });
  });
});

import { describe, expect, it } from 'vitest';
import { call, expectError, jsonOf, postJson } from '../../support/http';
import { BREAD, FakeVectorize, LIGHTHOUSE, RAG_DB, VOLCANO, emulatorAI, ragEnv, uid } from '../../support/rag';

const EMBED = '@cf/baai/bge-base-en-v1.5';

/** Three short documents with metadata, under unique ids. */
async function seed(env: ReturnType<typeof ragEnv>['env'], p = uid()) {
  const res = await postJson(env, '/v1/rag/documents', {
    documents: [
      { id: `${p}/lighthouse`, text: LIGHTHOUSE, metadata: { topic: 'sea', year: 2001, tags: ['light', 'ships'] } },
      { id: `${p}/bread`, text: BREAD, metadata: { topic: 'food', year: 2015 } },
      { id: `${p}/volcano`, text: VOLCANO, metadata: { topic: 'earth', year: 2020 } },
    ],
  });
  expect(res.status).toBe(200);
  return { p, body: await res.json<any>() };
}

const rows = async (documentId: string) =>
  (await RAG_DB.prepare('SELECT id, document_id, chunk, text, metadata FROM rag_chunks WHERE document_id = ? ORDER BY chunk').bind(documentId).all<any>()).results;

const search = (env: ReturnType<typeof ragEnv>['env'], body: Record<string, unknown>) => postJson(env, '/v1/rag/search', body);

describe('POST /v1/rag/documents', () => {
  it('chunks, embeds in one batch, upserts vectors with metadata and stores the texts in D1', async () => {
    const { env, ai, vectorize } = ragEnv();
    const { p, body } = await seed(env);
    expect(body).toEqual({
      object: 'list',
      data: [
        { id: `${p}/lighthouse`, object: 'rag.document', chunks: 1 },
        { id: `${p}/bread`, object: 'rag.document', chunks: 1 },
        { id: `${p}/volcano`, object: 'rag.document', chunks: 1 },
      ],
      model: EMBED,
      usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number), cost: null, neurons: null },
    });
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    // One embedding call with every chunk text, from RAG_EMBEDDING_MODEL's default.
    expect(ai.calls.map((c) => c.model)).toEqual([EMBED]);
    expect(ai.calls[0]!.inputs.text).toEqual([LIGHTHOUSE, BREAD, VOLCANO]);

    const upserts = vectorize.calls.filter((c) => c.method === 'upsert');
    expect(upserts).toHaveLength(1);
    const vectors = upserts[0]!.args[0] as VectorizeVector[];
    expect(vectors.map((v) => v.id)).toEqual([`${p}/lighthouse#0`, `${p}/bread#0`, `${p}/volcano#0`]);
    expect(vectors.every((v) => v.values.length === 768)).toBe(true);
    expect(vectors[0]!.metadata).toEqual({ topic: 'sea', year: 2001, tags: ['light', 'ships'], document_id: `${p}/lighthouse`, chunk: 0 });

    expect(await rows(`${p}/bread`)).toEqual([{ id: `${p}/bread#0`, document_id: `${p}/bread`, chunk: 0, text: BREAD, metadata: '{"topic":"food","year":2015}' }]);
  });

  it('splits long documents on paragraphs and sentences, with overlap, under deterministic ids', async () => {
    const { env, vectorize } = ragEnv();
    const id = `${uid()}/long`;
    const paragraphs = Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 5 }, (_, j) => `Paragraph ${i} sentence ${j} talks about topic number ${i * 5 + j} in some detail.`).join(' '),
    );
    const text = paragraphs.join('\n\n');
    const res = await postJson(env, '/v1/rag/documents', { documents: [{ id, text }], chunk_size: 400, chunk_overlap: 80 });
    const body = await jsonOf(res);
    const stored = await rows(id);
    expect(body.data[0].chunks).toBe(stored.length);
    expect(stored.length).toBeGreaterThan(5);
    expect(stored.map((r: any) => r.id)).toEqual(stored.map((_: any, n: number) => `${id}#${n}`));
    for (const [n, r] of stored.entries()) {
      expect(r.text.length).toBeLessThanOrEqual(400);
      // Chunks end at a sentence end, and start at a word.
      expect(r.text).toMatch(/\.$/);
      expect(text).toContain(r.text);
      if (n > 0) {
        // The overlap: the next chunk starts inside the previous one.
        const prev = stored[n - 1]!.text as string;
        expect(prev).toContain(r.text.slice(0, 20));
      }
    }
    // Every sentence is in some chunk.
    for (const sentence of text.split(/(?<=\.)\s+/)) expect(stored.some((r: any) => r.text.includes(sentence))).toBe(true);
    // Same text, same settings: the same chunks.
    const again = ragEnv();
    await postJson(again.env, '/v1/rag/documents', { documents: [{ id, text }], chunk_size: 400, chunk_overlap: 80 });
    expect((await rows(id)).map((r: any) => r.text)).toEqual(stored.map((r: any) => r.text));
    expect(vectorize.calls.filter((c) => c.method === 'upsert')).toHaveLength(1);
  });

  it('an explicit chunk_size without chunk_overlap overlaps by a fifth; RAG_CHUNK_SIZE / RAG_CHUNK_OVERLAP set the defaults', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
    const id = `${uid()}/words`;
    const { env } = ragEnv();
    await postJson(env, '/v1/rag/documents', { documents: [{ id, text: words }], chunk_size: 500 });
    const a = (await rows(id)).map((r: any) => r.text as string);
    // Each chunk after the first starts about 100 characters (a fifth) before the previous one ended.
    const overlap = a[0]!.length - a[0]!.indexOf(a[1]!.split(' ')[0]! + ' ');
    expect(overlap).toBeGreaterThan(80);
    expect(overlap).toBeLessThanOrEqual(100);

    const configured = ragEnv({ extra: { RAG_CHUNK_SIZE: '300', RAG_CHUNK_OVERLAP: '0' } });
    await postJson(configured.env, '/v1/rag/documents', { documents: [{ id, text: words }] });
    const b = (await rows(id)).map((r: any) => r.text as string);
    expect(b.every((t) => t.length <= 300)).toBe(true);
    expect(b.join(' ')).toBe(words);
  });

  it('never cuts a chunk inside a surrogate pair, even with no boundary to cut at', async () => {
    const { env } = ragEnv();
    const id = `${uid()}/emoji`;
    const text = '🌊'.repeat(333) + 'x' + '🌊'.repeat(333);
    await postJson(env, '/v1/rag/documents', { documents: [{ id, text }], chunk_size: 101, chunk_overlap: 0 });
    const stored = (await rows(id)).map((r: any) => r.text as string);
    expect(stored.length).toBeGreaterThan(5);
    for (const t of stored) expect(t).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(stored.join('')).toBe(text);
  });

  it('re-sending a document replaces its chunks: stale chunk ids leave Vectorize and D1', async () => {
    const { env, vectorize } = ragEnv();
    const id = `${uid()}/replace`;
    const long = Array.from({ length: 40 }, (_, i) => `Old sentence number ${i} about harbours.`).join(' ');
    expect((await jsonOf(await postJson(env, '/v1/rag/documents', { documents: [{ id, text: long }], chunk_size: 400 }))).data[0].chunks).toBeGreaterThan(3);
    const before = (await rows(id)).map((r: any) => r.id);

    const res = await postJson(env, '/v1/rag/documents', { documents: [{ id, text: 'New text about lighthouses and ships.', metadata: { v: 2 } }] });
    expect((await jsonOf(res)).data).toEqual([{ id, object: 'rag.document', chunks: 1 }]);
    expect(await rows(id)).toEqual([{ id: `${id}#0`, document_id: id, chunk: 0, text: 'New text about lighthouses and ships.', metadata: '{"v":2}' }]);
    const deletes = vectorize.calls.filter((c) => c.method === 'deleteByIds');
    expect(deletes.map((c) => c.args[0])).toEqual([before.slice(1)]);
    expect([...vectorize.vectors.keys()]).toEqual([`${id}#0`]);

    const found = await jsonOf(await search(env, { query: 'lighthouses ships' }));
    expect(found.data.map((d: any) => d.text)).toEqual(['New text about lighthouses and ships.']);
  });

  it('documents without an id get one from their content, so sending the same text twice does not duplicate it', async () => {
    const { env, vectorize } = ragEnv();
    const text = `Unique text ${uid()} about tides and the moon.`;
    const first = await jsonOf(await postJson(env, '/v1/rag/documents', { documents: [{ text }] }));
    expect(first.data[0].id).toMatch(/^doc-[0-9a-f]{32}$/);
    const second = await jsonOf(await postJson(env, '/v1/rag/documents', { documents: [{ text }] }));
    expect(second.data[0].id).toBe(first.data[0].id);
    expect(vectorize.vectors.size).toBe(1);
    expect(await rows(first.data[0].id)).toHaveLength(1);
  });

  it('works without the /v1 prefix too', async () => {
    const { env } = ragEnv();
    const res = await postJson(env, '/rag/documents', { documents: [{ id: `${uid()}/root`, text: 'Root path.' }] });
    expect(res.status).toBe(200);
  });
});

describe('POST /v1/rag/search', () => {
  it('answers the top-k chunks, best first, with their text, score and metadata', async () => {
    const { env, vectorize } = ragEnv();
    const { p } = await seed(env);
    const res = await search(env, { query: 'How do ships find their way near rocks at night?', top_k: 2 });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.object).toBe('list');
    expect(body.model).toBe(EMBED);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.data).toHaveLength(2);
    expect(body.data[0]).toEqual({
      id: `${p}/lighthouse#0`,
      document_id: `${p}/lighthouse`,
      chunk: 0,
      score: expect.any(Number),
      text: LIGHTHOUSE,
      metadata: { topic: 'sea', year: 2001, tags: ['light', 'ships'] },
    });
    expect(body.data[0].score).toBeGreaterThan(body.data[1].score);
    expect(body.data[0].score).toBeLessThanOrEqual(1);
    // Vectorize is asked for ids and scores only (metadata comes from D1), so topK may go up to 100.
    const query = vectorize.calls.find((c) => c.method === 'query')!;
    expect(query.args[1]).toEqual({ topK: 2 });
  });

  it('top_k defaults to 5', async () => {
    const { env, vectorize } = ragEnv();
    await seed(env);
    const body = await jsonOf(await search(env, { query: 'anything' }));
    expect(body.data).toHaveLength(3);
    expect(vectorize.calls.find((c) => c.method === 'query')!.args[1]).toEqual({ topK: 5 });
  });

  it.each([
    [{ topic: 'food' }, ['bread']],
    [{ topic: { $eq: 'earth' } }, ['volcano']],
    [{ topic: { $ne: 'food' } }, ['lighthouse', 'volcano']],
    [{ topic: { $in: ['food', 'earth'] } }, ['bread', 'volcano']],
    [{ topic: { $nin: ['food', 'earth'] } }, ['lighthouse']],
    [{ year: { $gte: 2015 } }, ['bread', 'volcano']],
    [{ year: { $lt: 2015 } }, ['lighthouse']],
    [{ year: { $gt: 2001, $lte: 2015 } }, ['bread']],
    [{ topic: 'food', year: 2020 }, []],
  ])('filters on metadata: %j', async (filter, expected) => {
    const { env, vectorize } = ragEnv();
    const { p } = await seed(env);
    const body = await jsonOf(await search(env, { query: 'volcano bread lighthouse', filter }));
    expect(body.data.map((d: any) => d.document_id.slice(p.length + 1)).sort()).toEqual(expected);
    expect(vectorize.calls.find((c) => c.method === 'query')!.args[1]).toEqual({ topK: 5, filter });
  });

  it('filters on the document_id the proxy stores with every vector; an empty filter is no filter', async () => {
    const { env, vectorize } = ragEnv();
    const { p } = await seed(env);
    const one = await jsonOf(await search(env, { query: 'x', filter: { document_id: `${p}/volcano` } }));
    expect(one.data.map((d: any) => d.id)).toEqual([`${p}/volcano#0`]);
    const all = await jsonOf(await search(env, { query: 'x', filter: {} }));
    expect(all.data).toHaveLength(3);
    expect(vectorize.calls.filter((c) => c.method === 'query')[1]!.args[1]).toEqual({ topK: 5 });
  });

  it('min_score drops weaker matches', async () => {
    const { env } = ragEnv();
    await seed(env);
    const all = await jsonOf(await search(env, { query: 'lighthouse ships rocks coast' }));
    const cut = (all.data[0].score + all.data[1].score) / 2;
    const some = await jsonOf(await search(env, { query: 'lighthouse ships rocks coast', min_score: cut }));
    expect(some.data.map((d: any) => d.id)).toEqual([all.data[0].id]);
    expect((await jsonOf(await search(env, { query: 'lighthouse', min_score: 1 }))).data).toEqual([]);
  });

  it('works with a legacy (V1) index, whose describe() and mutations have the older shapes', async () => {
    const { env } = ragEnv({ vectorize: new FakeVectorize(768, { legacy: true }) });
    const { p } = await seed(env);
    const body = await jsonOf(await search(env, { query: 'bake bread dough oven', top_k: 1 }));
    expect(body.data[0].id).toBe(`${p}/bread#0`);
  });

  it('Vectorize applies V2 mutations later: new vectors appear once processed, and deleted texts are never served', async () => {
    const vectorize = new FakeVectorize(768, { lag: true });
    const { env } = ragEnv({ vectorize });
    const { p } = await seed(env);
    expect((await jsonOf(await search(env, { query: 'bread' }))).data).toEqual([]);
    vectorize.process();
    expect((await jsonOf(await search(env, { query: 'bread' }))).data).toHaveLength(3);
    // Deleted: the texts go at once, the vectors only when Vectorize gets to it; the gap is invisible.
    await postJson(env, '/v1/rag/documents/delete', { ids: [`${p}/bread`] });
    expect(vectorize.vectors.has(`${p}/bread#0`)).toBe(true);
    const during = await jsonOf(await search(env, { query: 'bread' }));
    expect(during.data.map((d: any) => d.document_id).sort()).toEqual([`${p}/lighthouse`, `${p}/volcano`]);
  });
});

describe('deleting documents', () => {
  it('POST /v1/rag/documents/delete removes vectors and texts and says which ids existed', async () => {
    const { env, vectorize } = ragEnv();
    const { p } = await seed(env);
    const res = await postJson(env, '/v1/rag/documents/delete', { ids: [`${p}/bread`, `${p}/nope`, `${p}/bread`] });
    expect(await jsonOf(res)).toEqual({
      object: 'list',
      data: [
        { id: `${p}/bread`, object: 'rag.document.deleted', deleted: true, chunks: 1 },
        { id: `${p}/nope`, object: 'rag.document.deleted', deleted: false, chunks: 0 },
      ],
    });
    expect(vectorize.calls.filter((c) => c.method === 'deleteByIds').map((c) => c.args[0])).toEqual([[`${p}/bread#0`]]);
    expect(await rows(`${p}/bread`)).toEqual([]);
    const left = await jsonOf(await search(env, { query: 'bread' }));
    expect(left.data.map((d: any) => d.document_id).sort()).toEqual([`${p}/lighthouse`, `${p}/volcano`]);
  });

  it('DELETE /v1/rag/documents/{id} takes the rest of the path as the id (slashes allowed, percent-decoded); 404 when absent', async () => {
    const { env } = ragEnv();
    const p = uid();
    await postJson(env, '/v1/rag/documents', {
      documents: [
        { id: `${p}/docs/guide.md`, text: 'A guide.' },
        { id: `${p}/a#b c`, text: 'Odd id.' },
      ],
    });
    const res = await call(env, `/v1/rag/documents/${p}/docs/guide.md`, { method: 'DELETE' });
    expect(await jsonOf(res)).toEqual({ id: `${p}/docs/guide.md`, object: 'rag.document.deleted', deleted: true, chunks: 1 });
    await expectError(await call(env, `/v1/rag/documents/${p}/docs/guide.md`, { method: 'DELETE' }), 404, { code: 'document_not_found', param: 'id' });
    const odd = await call(env, `/v1/rag/documents/${encodeURIComponent(`${p}/a#b c`)}`, { method: 'DELETE' });
    expect((await jsonOf(odd)).id).toBe(`${p}/a#b c`);
    expect(await rows(`${p}/a#b c`)).toEqual([]);
  });
});

describe('the in-memory stand-in is only for the emulator', () => {
  it('the binding transport with both bindings uses them, never memory', async () => {
    const ai = emulatorAI();
    const { env, vectorize } = ragEnv({ ai });
    await seed(env);
    expect(vectorize.vectors.size).toBe(3);
  });
});

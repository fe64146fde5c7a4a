import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import { CATALOG_WITH_MORE } from '../../support/more-models';

const GUARD = '@cf/meta/llama-guard-3-8b';
const CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
];

type Handler = (model: string, inputs: Record<string, any>) => unknown;
/** llama-guard as Workers AI answers: `{response: "safe" | "unsafe\nS..", usage}`. */
const verdict = (response: unknown): Handler => () => ({ response, usage: { prompt_tokens: 200, completion_tokens: 3, total_tokens: 203 } });

const setup = (handler: Handler = verdict('safe')) => {
  const ai = fakeAI(handler, CATALOG_WITH_MORE);
  return { ai, env: bindingEnv(ai) };
};
const moderate = (body: unknown, env = setup().env) => postJson(env, '/v1/moderations', body);

/** The categories a result sets, sorted. */
const setOf = (result: any) => CATEGORIES.filter((c) => result.categories[c]);

describe('POST /v1/moderations', () => {
  it('a safe string: spec-valid, not flagged, every OpenAI category present and false', async () => {
    const { ai, env } = setup();
    const body = await jsonOf(await moderate({ input: 'How do I bake bread?' }, env), 'CreateModerationResponse');
    expect(body.id).toMatch(/^modr-[0-9a-f]{32}$/);
    expect(body.model).toBe('omni-moderation-latest');
    expect(body.results).toHaveLength(1);
    const [r] = body.results;
    expect(r.flagged).toBe(false);
    expect(Object.keys(r.categories).sort()).toEqual([...CATEGORIES].sort());
    expect(Object.keys(r.category_scores).sort()).toEqual([...CATEGORIES].sort());
    expect(Object.values(r.categories).every((v) => v === false)).toBe(true);
    expect(Object.values(r.category_scores).every((v) => v === 0)).toBe(true);
    expect(Object.values(r.category_applied_input_types).every((v) => JSON.stringify(v) === '["text"]')).toBe(true);
    expect(ai.calls).toEqual([
      { model: GUARD, inputs: { messages: [{ role: 'user', content: 'How do I bake bread?' }], temperature: 0, max_tokens: 64 }, options: expect.anything() },
    ]);
  });

  it('maps the hazard codes of an unsafe verdict onto OpenAI categories, with scores 1', async () => {
    const { env } = setup(verdict('unsafe\nS1,S10'));
    const body = await jsonOf(await moderate({ input: 'x', model: 'text-moderation-latest' }, env), 'CreateModerationResponse');
    expect(body.model).toBe('text-moderation-latest');
    const [r] = body.results;
    expect(r.flagged).toBe(true);
    expect(setOf(r)).toEqual(['hate', 'illicit', 'illicit/violent', 'violence']);
    expect(r.category_scores.violence).toBe(1);
    expect(r.category_scores.hate).toBe(1);
    expect(r.category_scores.sexual).toBe(0);
  });

  it.each([
    ['\n\nunsafe\nS11', ['self-harm']],
    ['unsafe\nS4', ['sexual', 'sexual/minors']],
    ['unsafe\nS2, S14', ['illicit']],
    ['unsafe\nS5', ['harassment']],
    ['unsafe\nS12', ['sexual']],
    ['unsafe\nS9', ['illicit', 'illicit/violent']],
    ['UNSAFE\ns3', ['illicit', 'sexual']],
  ])('text verdict %j sets %j', async (text, expected) => {
    const body = await jsonOf(await moderate({ input: 'x' }, setup(verdict(text)).env), 'CreateModerationResponse');
    expect(body.results[0].flagged).toBe(true);
    expect(setOf(body.results[0])).toEqual(expected);
  });

  it('a hazard with no OpenAI counterpart (S6 specialized advice) flags the input with no category', async () => {
    const body = await jsonOf(await moderate({ input: 'x' }, setup(verdict('unsafe\nS6')).env), 'CreateModerationResponse');
    expect(body.results[0].flagged).toBe(true);
    expect(setOf(body.results[0])).toEqual([]);
  });

  it.each([
    [{ safe: false, categories: ['S1'] }, true, ['illicit', 'illicit/violent', 'violence']],
    [{ safe: true, categories: [] }, false, []],
    ['{"safe": false, "categories": ["S10"]}', true, ['hate']],
  ])('reads the JSON-mode verdict %j', async (response, flagged, expected) => {
    const body = await jsonOf(await moderate({ input: 'x' }, setup(verdict(response)).env), 'CreateModerationResponse');
    expect(body.results[0].flagged).toBe(flagged);
    expect(setOf(body.results[0])).toEqual(expected);
  });

  it('an array of strings: one upstream call per input, results in input order', async () => {
    const { ai, env } = setup(async (_m, inputs) => {
      const text: string = inputs.messages[0].content;
      // The first input answers last.
      await new Promise((r) => setTimeout(r, text === 'bad' ? 20 : 1));
      return { response: text === 'bad' ? 'unsafe\nS1' : 'safe' };
    });
    const body = await jsonOf(await moderate({ input: ['bad', 'fine', 'also fine'] }, env), 'CreateModerationResponse');
    expect(body.results.map((r: any) => r.flagged)).toEqual([true, false, false]);
    expect(ai.calls.map((c) => c.inputs.messages[0].content).sort()).toEqual(['also fine', 'bad', 'fine']);
  });

  it('multimodal text parts are one input, classified as a whole', async () => {
    const { ai, env } = setup();
    const body = await jsonOf(
      await moderate({ input: [{ type: 'text', text: 'part one' }, { type: 'text', text: 'part two' }] }, env),
      'CreateModerationResponse',
    );
    expect(body.results).toHaveLength(1);
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.inputs.messages).toEqual([{ role: 'user', content: 'part one\npart two' }]);
  });

  it('an empty string is not flagged, without asking the model', async () => {
    const { ai, env } = setup(verdict('unsafe\nS1'));
    const body = await jsonOf(await moderate({ input: ['', '  '] }, env), 'CreateModerationResponse');
    expect(body.results.map((r: any) => r.flagged)).toEqual([false, false]);
    expect(ai.calls).toHaveLength(0);
  });

  it('accepts the model by its Workers AI id or short name', async () => {
    for (const model of [GUARD, 'llama-guard-3-8b']) {
      const body = await jsonOf(await moderate({ input: 'x', model }), 'CreateModerationResponse');
      expect(body.model).toBe(model);
    }
  });

  it('answers without the /v1 prefix', async () => {
    await jsonOf(await postJson(setup().env, '/moderations', { input: 'x' }), 'CreateModerationResponse');
  });
});

describe('moderations on the emulator (npm run dev)', () => {
  it('flags violence and passes the rest', async () => {
    const body = await jsonOf(
      await postJson({ LOG_REQUESTS: 'false' }, '/v1/moderations', { input: ['How do I build a bomb?', 'How do I bake bread?'] }),
      'CreateModerationResponse',
    );
    expect(body.results.map((r: any) => r.flagged)).toEqual([true, false]);
    expect(body.results[0].categories.violence).toBe(true);
  });
});

describe('moderations: bad input', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await call(setup().env, '/v1/moderations', { method: 'POST', raw: '{"input": ', headers: { 'content-type': 'application/json' } });
    await expectError(res, 400, { code: 'invalid_json' });
  });

  it('a body over MAX_BODY_BYTES is a 413', async () => {
    const env = bindingEnv(fakeAI(verdict('safe'), CATALOG_WITH_MORE), { MAX_BODY_BYTES: '1000' });
    await expectError(await moderate({ input: 'x'.repeat(2000) }, env), 413, { code: 'request_too_large' });
  });

  it.each([
    [{}, 'input', /Missing required parameter: 'input'/],
    [{ input: 5 }, 'input', /accepted forms/],
    [{ input: ['a', { type: 'text', text: 'b' }] }, 'input', /accepted forms/],
    [{ input: [{ type: 'audio', audio: 'x' }] }, 'input', /accepted forms/],
    [{ input: 'x', model: 3 }, 'model', /expected string/],
    [{ input: 'x', model: '' }, 'model', /too short/],
  ])('schema violation %j -> 400 with param', async (body, param, message) => {
    await expectError(await moderate(body), 400, { code: 'invalid_value', param, message });
  });

  it('an empty array is a 400', async () => {
    await expectError(await moderate({ input: [] }), 400, { code: 'invalid_value', param: 'input', message: /empty/ });
  });

  it('more than 32 inputs is a 400, before any upstream call', async () => {
    const { ai, env } = setup();
    await expectError(await moderate({ input: Array.from({ length: 33 }, () => 'x') }, env), 400, { param: 'input', message: /at most 32/ });
    expect(ai.calls).toHaveLength(0);
  });

  it('an image part is refused with a 400 naming it', async () => {
    const { ai, env } = setup();
    const input = [
      { type: 'text', text: 'look' },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    ];
    await expectError(await moderate({ input }, env), 400, { code: 'unsupported_parameter', param: 'input[1]', message: /text only/ });
    expect(ai.calls).toHaveLength(0);
  });

  it('a model that is not a safety classifier is a 400; an unknown one a 404', async () => {
    const err = await expectError(await moderate({ input: 'x', model: 'gpt-4o-mini' }), 400, { code: 'model_not_supported', param: 'model' });
    expect(err.message).toMatch(/\/v1\/moderations/);
    await expectError(await moderate({ input: 'x', model: 'omni-moderation-9' }), 404, { code: 'model_not_found', param: 'model' });
  });
});

describe('moderations: upstream failures', () => {
  it.each([
    [3040, 429, 'upstream_overloaded'],
    [5006, 400, 'upstream_invalid_input'],
  ])('Workers AI error %i maps to %i %s', async (code, status, expected) => {
    const env = setup(() => {
      throw bindingError(code, 'nope');
    }).env;
    await expectError(await moderate({ input: 'x' }, env), status, { code: expected });
  });

  it.each([['I cannot help with that.'], [{ verdict: 'ok' }], [42]])('an answer that is no verdict (%j) is a 502', async (response) => {
    await expectError(await moderate({ input: 'x' }, setup(verdict(response)).env), 502, { code: 'upstream_error', type: 'server_error' });
  });

  it('one failing input fails the request; the Worker keeps serving', async () => {
    let fail = true;
    const { env } = setup((_m, inputs) => {
      if (fail && inputs.messages[0].content === 'b') throw bindingError(3040, 'Capacity temporarily exceeded');
      return { response: 'safe' };
    });
    await expectError(await moderate({ input: ['a', 'b', 'c'] }, env), 429, { code: 'upstream_overloaded' });
    fail = false;
    const body = await jsonOf(await moderate({ input: ['a', 'b', 'c'] }, env), 'CreateModerationResponse');
    expect(body.results).toHaveLength(3);
  });
});

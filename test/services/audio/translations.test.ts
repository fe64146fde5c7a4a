import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf } from '../../support/http';
import { AUDIO_CATALOG, novaOut, postForm, sdkForm, turboOut, wav, whisperOut } from '../../support/audio';

const PATH = '/v1/audio/translations';
const M2M = '@cf/meta/m2m100-1.2b';
const wavFile = () => new File([wav(1.5)], 'speech.wav', { type: 'audio/wav' });

/** Real output shapes; m2m100 answers "EN(<text>)" so each translated piece can be traced. */
function audioAI(o: { whisper?: unknown; nova?: unknown; m2m?: (inputs: Record<string, any>) => unknown } = {}) {
  return fakeAI((model, inputs) => {
    if (model.endsWith('/whisper-large-v3-turbo')) return inputs.task === 'translate' ? turboOut({ text: [' Hello world.', ' How are you?'] }) : turboOut();
    if (model.endsWith('/nova-3')) return o.nova ?? novaOut();
    if (model === M2M) return o.m2m ? o.m2m(inputs) : { translated_text: `EN(${inputs.text})` };
    return o.whisper ?? whisperOut();
  }, AUDIO_CATALOG);
}

const translate = (ai: ReturnType<typeof audioAI>, fields: Record<string, string>) => postForm(bindingEnv(ai), PATH, sdkForm(wavFile(), fields));

describe('POST /v1/audio/translations', () => {
  it('whisper-1 uses whisper-large-v3-turbo task=translate, one call, spec-valid json', async () => {
    const ai = audioAI();
    const body = await jsonOf(await translate(ai, { model: 'whisper-1', prompt: 'Context.' }), 'CreateTranslationResponseJson');
    expect(body).toEqual({ text: 'Hello world. How are you?' });
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.inputs).toMatchObject({ task: 'translate', initial_prompt: 'Context.' });
  });

  it('verbose_json: english, the duration and the segments', async () => {
    const body = await jsonOf(await translate(audioAI(), { model: 'whisper-1', response_format: 'verbose_json' }), 'CreateTranslationResponseVerboseJson');
    expect(body).toMatchObject({ task: 'translate', language: 'english', duration: 3.25, text: 'Hello world. How are you?' });
    expect(body.segments.map((s: any) => s.text)).toEqual([' Hello world.', ' How are you?']);
    expect(body.words).toBeUndefined();
  });

  it('text, srt and vtt', async () => {
    expect(await (await translate(audioAI(), { model: 'whisper-1', response_format: 'text' })).text()).toBe('Hello world. How are you?\n');
    expect(await (await translate(audioAI(), { model: 'whisper-1', response_format: 'srt' })).text()).toBe(
      '1\n00:00:00,000 --> 00:00:01,500\nHello world.\n\n2\n00:00:01,500 --> 00:00:03,250\nHow are you?\n\n',
    );
    expect(await (await translate(audioAI(), { model: 'whisper-1', response_format: 'vtt' })).text()).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello world.\n\n00:00:01.500 --> 00:00:03.250\nHow are you?\n\n',
    );
  });

  it('whisper: the documented chain, transcribe then m2m100 to English, with the language the client names', async () => {
    const ai = audioAI({ whisper: { ...whisperOut(), text: 'Bonjour. Ça va?', vtt: 'WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour.\n\n00:01.000 --> 00:02.000\nÇa va?\n\n' } });
    const res = await translate(ai, { model: '@cf/openai/whisper', response_format: 'verbose_json', language: 'fr' });
    const body = await jsonOf(res, 'CreateTranslationResponseVerboseJson');
    expect(ai.calls.map((c) => c.model)).toEqual(['@cf/openai/whisper', M2M]);
    // Short neighbouring segments are translated together, in one call.
    expect(ai.calls[1]!.inputs).toEqual({ text: 'Bonjour. Ça va?', source_lang: 'fr', target_lang: 'en' });
    expect(body.text).toBe('EN(Bonjour. Ça va?)');
    expect(body.segments.map((s: any) => [s.start, s.end, s.text])).toEqual([[0, 2, 'EN(Bonjour. Ça va?)']]);
    expect(body.language).toBe('english');
  });

  it('the chain takes the source language the model detected (nova-3)', async () => {
    const ai = audioAI({ nova: novaOut({ detected_language: 'es' }) });
    const body = await jsonOf(await translate(ai, { model: 'nova-3' }), 'CreateTranslationResponseJson');
    expect(ai.calls[1]!.inputs).toMatchObject({ source_lang: 'es', target_lang: 'en' });
    expect(body.text).toBe('EN(Hello world. How are you?)');
  });

  it('without a known source language, m2m100 is left to its default', async () => {
    const ai = audioAI();
    await translate(ai, { model: '@cf/openai/whisper' });
    expect(ai.calls[1]!.inputs).toEqual({ text: 'Hello world. How are you?', target_lang: 'en' });
  });

  it('English audio needs no translation: whisper-tiny-en, or English detected', async () => {
    const tiny = audioAI();
    expect((await jsonOf(await translate(tiny, { model: 'whisper-tiny-en' }), 'CreateTranslationResponseJson')).text).toBe('Hello world. How are you?');
    expect(tiny.calls.map((c) => c.model)).toEqual(['@cf/openai/whisper-tiny-en']);
    const nova = audioAI({ nova: novaOut({ detected_language: 'en-US' }) });
    await translate(nova, { model: 'nova-3' });
    expect(nova.calls).toHaveLength(1);
  });

  it('a long transcript is cut into at most 24 m2m100 calls, and the pieces keep their order', async () => {
    const words = Array.from({ length: 600 }, (_, i) => ({ word: `mot${i}.`, start: i, end: i + 0.5 }));
    const ai = audioAI({ whisper: { text: words.map((w) => w.word).join(' '), words } });
    const body = await jsonOf(await translate(ai, { model: '@cf/openai/whisper', response_format: 'verbose_json', language: 'fr' }), 'CreateTranslationResponseVerboseJson');
    const m2m = ai.calls.filter((c) => c.model === M2M);
    expect(m2m.length).toBeGreaterThan(1);
    expect(m2m.length).toBeLessThanOrEqual(24);
    expect(m2m.map((c) => c.inputs.text).join(' ')).toBe(words.map((w) => w.word).join(' '));
    expect(body.segments).toHaveLength(m2m.length);
    expect(body.text).toBe(m2m.map((c) => `EN(${c.inputs.text})`).join(' '));
  });

  it('an m2m100 failure is an OpenAI error naming what failed', async () => {
    const ai = audioAI({
      m2m: () => {
        throw bindingError(3040, 'Capacity temporarily exceeded');
      },
    });
    await expectError(await translate(ai, { model: '@cf/openai/whisper', language: 'fr' }), 429, { code: 'upstream_overloaded' });
    const odd = audioAI({ m2m: () => ({ request_id: 'queued' }) });
    await expectError(await translate(odd, { model: '@cf/openai/whisper', language: 'fr' }), 502, { code: 'upstream_error', message: /m2m100/ });
  });

  it('refuses what translations do not take', async () => {
    await expectError(await translate(audioAI(), { model: 'whisper-1', response_format: 'diarized_json' }), 400, { param: 'response_format', code: 'invalid_value' });
    await expectError(await translate(audioAI(), { model: '@cf/openai/whisper', prompt: 'x' }), 400, { param: 'prompt', code: 'unsupported_parameter' });
    await expectError(await translate(audioAI(), { model: 'tts-1' }), 400, { param: 'model', code: 'model_not_supported', message: /\/v1\/audio\/translations/ });
    await expectError(await postForm(bindingEnv(audioAI()), PATH, sdkForm(undefined, { model: 'whisper-1' })), 400, { param: 'file' });
  });

  it('works end to end on the emulator: turbo translates itself, whisper goes through m2m100', async () => {
    const env = { LOG_REQUESTS: 'false' };
    const turbo = await jsonOf(await postForm(env, PATH, sdkForm(wavFile(), { model: 'whisper-1', response_format: 'verbose_json' })), 'CreateTranslationResponseVerboseJson');
    expect(turbo.text).toContain('synthetic English translation');
    const chained = await jsonOf(await postForm(env, PATH, sdkForm(wavFile(), { model: '@cf/openai/whisper', language: 'de' })), 'CreateTranslationResponseJson');
    expect(chained.text).toContain('[emulator de->en]');
  });
});

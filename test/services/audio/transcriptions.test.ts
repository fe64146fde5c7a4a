import { describe, expect, it } from 'vitest';
import { fakeAI } from '../../support/fake-ai';
import { bindingEnv, call, jsonOf } from '../../support/http';
import { AUDIO_CATALOG, SIGNATURES, bytesOfBody, fileOf, novaOut, postForm, sdkForm, turboOut, wav, whisperOut } from '../../support/audio';

const PATH = '/v1/audio/transcriptions';
const wavFile = (seconds = 1.5) => new File([wav(seconds)], 'speech.wav', { type: 'audio/wav' });

/** A binding that answers each audio model in its real output shape. */
function audioAI(outputs: { whisper?: unknown; turbo?: unknown; nova?: unknown } = {}) {
  return fakeAI((model) => {
    if (model.endsWith('/whisper-large-v3-turbo')) return outputs.turbo ?? turboOut();
    if (model.endsWith('/nova-3')) return outputs.nova ?? novaOut();
    if (model.endsWith('/m2m100-1.2b')) return { translated_text: 'translated' };
    return outputs.whisper ?? whisperOut();
  }, AUDIO_CATALOG);
}

const transcribe = (ai: ReturnType<typeof audioAI>, fields: Record<string, string | number | string[]>, file: File = wavFile()) =>
  postForm(bindingEnv(ai), PATH, sdkForm(file, fields));

describe('POST /v1/audio/transcriptions: how each model is fed', () => {
  it('whisper-1 is whisper-large-v3-turbo, given the file as base64 with task, language and prompt', async () => {
    const ai = audioAI();
    const audio = wav(1.5);
    const res = await postForm(bindingEnv(ai), PATH, sdkForm(new File([audio], 'speech.wav', { type: 'audio/wav' }), { model: 'whisper-1', language: 'fr', prompt: 'Bonjour.' }));
    expect(res.status).toBe(200);
    const body = await jsonOf(res, 'CreateTranscriptionResponseJson');
    expect(body).toEqual({ text: 'Bonjour le monde. Comment ça va?', usage: { type: 'duration', seconds: 4, cost: null, neurons: null } });
    const { model, inputs } = ai.calls[0]!;
    expect(model).toBe('@cf/openai/whisper-large-v3-turbo');
    expect(Object.keys(inputs).sort()).toEqual(['audio', 'initial_prompt', 'language', 'task']);
    expect(inputs).toMatchObject({ task: 'transcribe', language: 'fr', initial_prompt: 'Bonjour.' });
    expect(typeof inputs.audio).toBe('string');
    expect(Uint8Array.from(atob(inputs.audio), (c) => c.charCodeAt(0))).toEqual(audio);
  });

  it('whisper and whisper-tiny-en get the bytes as an array of numbers', async () => {
    for (const model of ['@cf/openai/whisper', '@cf/openai/whisper-tiny-en']) {
      const ai = audioAI();
      const audio = wav(0.25);
      const res = await postForm(bindingEnv(ai), PATH, sdkForm(new File([audio], 'a.wav'), { model }));
      expect((await jsonOf(res, 'CreateTranscriptionResponseJson')).text).toBe('Hello world. How are you?');
      expect(ai.calls[0]!.inputs).toEqual({ audio: Array.from(audio) });
    }
  });

  it('nova-3 gets {audio: {body, contentType}} with smart formatting, and detects the language unless told', async () => {
    const ai = audioAI();
    const audio = wav(0.5);
    await postForm(bindingEnv(ai), PATH, sdkForm(new File([audio], 'a.wav'), { model: '@cf/deepgram/nova-3' }));
    const { inputs } = ai.calls[0]!;
    expect(inputs.audio.contentType).toBe('audio/wav');
    expect(inputs.audio.body).toBeInstanceOf(ReadableStream);
    expect(await bytesOfBody(inputs.audio.body)).toEqual(audio);
    expect({ ...inputs, audio: undefined }).toEqual({ audio: undefined, smart_format: true, detect_language: true });

    await transcribe(ai, { model: 'nova-3', language: 'es' });
    expect(ai.calls[1]!.inputs).toMatchObject({ language: 'es', smart_format: true });
    expect(ai.calls[1]!.inputs.detect_language).toBeUndefined();
  });

  it.each(Object.entries(SIGNATURES))('recognises %s by its bytes (whatever the name says) and labels it for nova-3', async (name, { bytes, mime }) => {
    const ai = audioAI();
    const res = await transcribe(ai, { model: '@cf/deepgram/nova-3' }, fileOf('upload.bin', bytes));
    expect(res.status).toBe(200);
    expect(ai.calls[0]!.inputs.audio.contentType).toBe(mime);
    expect(name).toBeTruthy();
  });

  it('trusts the extension or content type when the bytes have no known signature', async () => {
    const ai = audioAI();
    expect((await transcribe(ai, { model: 'nova-3' }, fileOf('voice.opus', [1, 2, 3]))).status).toBe(200);
    expect(ai.calls[0]!.inputs.audio.contentType).toBe('audio/ogg');
    expect((await transcribe(ai, { model: 'nova-3' }, fileOf('blob', [1, 2, 3], 64, 'audio/x-m4a'))).status).toBe(200);
    expect(ai.calls[1]!.inputs.audio.contentType).toBe('audio/mp4');
  });
});

describe('POST /v1/audio/transcriptions: response formats', () => {
  it('verbose_json: spec-valid, language by name, the model duration, segments by default', async () => {
    const res = await transcribe(audioAI(), { model: 'whisper-1', response_format: 'verbose_json' });
    const body = await jsonOf(res, 'CreateTranscriptionResponseVerboseJson');
    expect(body).toMatchObject({ task: 'transcribe', language: 'french', duration: 3.25, text: 'Bonjour le monde. Comment ça va?', usage: { type: 'duration', seconds: 4 } });
    expect(body.words).toBeUndefined();
    expect(body.segments).toEqual([
      { id: 0, seek: 0, start: 0, end: 1.5, text: ' Bonjour le monde.', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 },
      { id: 1, seek: 150, start: 1.5, end: 3.25, text: ' Comment ça va?', tokens: [], temperature: 0.2, avg_logprob: -0.3, compression_ratio: 1.3, no_speech_prob: 0.02 },
    ]);
  });

  it('verbose_json with timestamp_granularities[]: word, segment, or both', async () => {
    const ai = audioAI();
    const both = await jsonOf(await transcribe(ai, { model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] }), 'CreateTranscriptionResponseVerboseJson');
    expect(both.segments).toHaveLength(2);
    expect(both.words.map((w: any) => w.word)).toEqual(['Bonjour', 'le', 'monde.', 'Comment', 'ça', 'va?']);
    expect(both.words[3]).toEqual({ word: 'Comment', start: 1.5, end: 2 });
    const words = await jsonOf(await transcribe(ai, { model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word'] }), 'CreateTranscriptionResponseVerboseJson');
    expect(words.words).toHaveLength(6);
    expect(words.segments).toBeUndefined();
  });

  it('whisper: segments from its WebVTT cues, duration from the WAV header, language from the request', async () => {
    const res = await transcribe(audioAI(), { model: '@cf/openai/whisper', response_format: 'verbose_json', language: 'en', timestamp_granularities: ['segment', 'word'] }, wavFile(2.75));
    const body = await jsonOf(res, 'CreateTranscriptionResponseVerboseJson');
    expect(body).toMatchObject({ language: 'english', duration: 2.75, usage: { seconds: 3 } });
    expect(body.segments.map((s: any) => [s.start, s.end, s.text])).toEqual([
      [0, 1, 'Hello world.'],
      [1.2, 2.7, 'How are you?'],
    ]);
    expect(body.words[0]).toEqual({ word: 'Hello', start: 0, end: 0.5 });
  });

  it('whisper-tiny-en reports english; whisper without a language says unknown', async () => {
    const tiny = await jsonOf(await transcribe(audioAI(), { model: 'whisper-tiny-en', response_format: 'verbose_json' }), 'CreateTranscriptionResponseVerboseJson');
    expect(tiny.language).toBe('english');
    const plain = await jsonOf(await transcribe(audioAI(), { model: '@cf/openai/whisper', response_format: 'verbose_json' }), 'CreateTranscriptionResponseVerboseJson');
    expect(plain.language).toBe('unknown');
  });

  it('nova-3: segments built from the timed words, detected language when Deepgram reports one', async () => {
    const res = await transcribe(audioAI({ nova: novaOut({ detected_language: 'en' }) }), { model: 'nova-3', response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] });
    const body = await jsonOf(res, 'CreateTranscriptionResponseVerboseJson');
    expect(body.language).toBe('english');
    expect(body.duration).toBe(1.5); // the WAV header's length
    expect(body.segments.map((s: any) => [s.start, s.end, s.text])).toEqual([
      [0, 1, 'Hello world.'],
      [1.2, 2.7, 'How are you?'],
    ]);
    expect(body.words).toHaveLength(5);
  });

  it('without a WAV header or a model duration, the duration is where the last word ends', async () => {
    const res = await transcribe(audioAI(), { model: 'nova-3', response_format: 'verbose_json' }, fileOf('a.mp3', SIGNATURES['speech.mp3']!.bytes));
    expect((await jsonOf(res, 'CreateTranscriptionResponseVerboseJson')).duration).toBe(2.7);
  });

  it('text: the transcript and a newline, as text/plain', async () => {
    const res = await transcribe(audioAI(), { model: 'whisper-1', response_format: 'text' });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Bonjour le monde. Comment ça va?\n');
  });

  it('srt: numbered cues with comma milliseconds, built from the segments', async () => {
    const res = await transcribe(audioAI(), { model: 'whisper-1', response_format: 'srt' });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('1\n00:00:00,000 --> 00:00:01,500\nBonjour le monde.\n\n2\n00:00:01,500 --> 00:00:03,250\nComment ça va?\n\n');
  });

  it('srt from nova-3 words', async () => {
    const res = await transcribe(audioAI(), { model: 'nova-3', response_format: 'srt' });
    expect(await res.text()).toBe('1\n00:00:00,000 --> 00:00:01,000\nHello world.\n\n2\n00:00:01,200 --> 00:00:02,700\nHow are you?\n\n');
  });

  it('vtt: built from the segments when the model gives none, passed through when it does', async () => {
    const built = await transcribe(audioAI(), { model: 'whisper-1', response_format: 'vtt' });
    expect(await built.text()).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nBonjour le monde.\n\n00:00:01.500 --> 00:00:03.250\nComment ça va?\n\n');
    const passed = await transcribe(audioAI(), { model: '@cf/openai/whisper', response_format: 'vtt' });
    expect(await passed.text()).toBe(whisperOut().vtt);
  });

  it('a transcript with no timings at all becomes one segment over the whole audio', async () => {
    const res = await transcribe(audioAI({ whisper: { text: 'Just text.' } }), { model: '@cf/openai/whisper', response_format: 'verbose_json' }, wavFile(1.25));
    const body = await jsonOf(res, 'CreateTranscriptionResponseVerboseJson');
    expect(body.segments.map((s: any) => [s.start, s.end, s.text])).toEqual([[0, 1.25, 'Just text.']]);
  });

  it('silence: an empty transcript, no segments, an empty SRT and a bare WebVTT', async () => {
    const silent = { whisper: { text: '', word_count: 0, words: [] } };
    const body = await jsonOf(await transcribe(audioAI(silent), { model: '@cf/openai/whisper', response_format: 'verbose_json' }), 'CreateTranscriptionResponseVerboseJson');
    expect(body).toMatchObject({ text: '', segments: [] });
    expect(await (await transcribe(audioAI(silent), { model: '@cf/openai/whisper', response_format: 'srt' })).text()).toBe('');
    expect(await (await transcribe(audioAI(silent), { model: '@cf/openai/whisper', response_format: 'vtt' })).text()).toBe('WEBVTT\n\n');
  });

  it('accepts temperature 0 and stream=false, the SDK defaults', async () => {
    const res = await transcribe(audioAI(), { model: 'whisper-1', temperature: 0, stream: 'false' } as any);
    expect(res.status).toBe(200);
  });

  it('also answers at /audio/transcriptions without /v1', async () => {
    const res = await postForm(bindingEnv(audioAI()), '/audio/transcriptions', sdkForm(wavFile(), { model: 'whisper-1' }));
    expect((await jsonOf(res, 'CreateTranscriptionResponseJson')).text).toContain('Bonjour');
  });
});

describe('the emulator transport, end to end', () => {
  const env = { LOG_REQUESTS: 'false' };

  it('transcribes a WAV with every model, in every format', async () => {
    for (const model of ['whisper-1', '@cf/openai/whisper', '@cf/openai/whisper-tiny-en', '@cf/deepgram/nova-3']) {
      const json = await jsonOf(await postForm(env, PATH, sdkForm(wavFile(), { model })), 'CreateTranscriptionResponseJson');
      expect(json.text).toContain('synthetic transcription');
      const verbose = await jsonOf(
        await postForm(env, PATH, sdkForm(wavFile(), { model, response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] })),
        'CreateTranscriptionResponseVerboseJson',
      );
      expect(verbose.segments.length).toBeGreaterThan(0);
      expect(verbose.words.length).toBeGreaterThan(5);
      expect(verbose.duration).toBeGreaterThan(0);
      expect(await (await postForm(env, PATH, sdkForm(wavFile(), { model, response_format: 'srt' }))).text()).toMatch(/^1\n00:00:00,000 --> /);
      expect(await (await postForm(env, PATH, sdkForm(wavFile(), { model, response_format: 'vtt' }))).text()).toMatch(/^WEBVTT\n\n/);
      expect(await (await postForm(env, PATH, sdkForm(wavFile(), { model, response_format: 'text' }))).text()).toMatch(/synthetic transcription.*\n$/);
    }
  });
});

describe('GET /v1/models for the audio endpoints', () => {
  it.each([
    // @cf/deepgram/flux streams over a WebSocket only: not offered for file endpoints.
    ['openai-transcriptions', ['@cf/openai/whisper', '@cf/openai/whisper-tiny-en', '@cf/openai/whisper-large-v3-turbo', '@cf/deepgram/nova-3']],
    ['openai-translations', ['@cf/openai/whisper', '@cf/openai/whisper-tiny-en', '@cf/openai/whisper-large-v3-turbo', '@cf/deepgram/nova-3']],
    ['openai-speech', ['@cf/myshell-ai/melotts', '@cf/deepgram/aura-1', '@cf/deepgram/aura-2-en', '@cf/deepgram/aura-2-es', '@cf/test/other-tts']],
  ])('?protocol=%s lists the models of that direction only', async (protocol, expected) => {
    const body = await jsonOf(await call(bindingEnv(audioAI()), `/v1/models?protocol=${protocol}`), 'ListModelsResponse');
    expect(body.data.map((m: any) => m.id)).toEqual(expected);
  });

  it('?protocol=openai-audio still lists both directions', async () => {
    const body = await jsonOf(await call(bindingEnv(audioAI()), '/v1/models?protocol=openai-audio'), 'ListModelsResponse');
    expect(body.data).toHaveLength(9);
  });
});

import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { bindingEnv, expectError, postJson } from '../../support/http';
import { AUDIO_CATALOG } from '../../support/audio';

const PATH = '/v1/audio/speech';
const MP3 = Uint8Array.from([0xff, 0xfb, 0x14, 0xc4, 1, 2, 3, 4]);
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });

/** melotts answers {audio: base64 MP3}; Aura answers a byte stream (what the binding returns). */
const ai = (aura: (inputs: Record<string, any>) => unknown = () => streamOf(MP3)) =>
  fakeAI((model, inputs) => (model.endsWith('/melotts') ? { audio: b64(MP3) } : aura(inputs)), AUDIO_CATALOG);

const speak = (a: ReturnType<typeof ai>, body: Record<string, unknown>, headers?: Record<string, string>) =>
  postJson(bindingEnv(a), PATH, { input: 'Hello there.', voice: 'alloy', ...body }, { headers });
const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe('POST /v1/audio/speech: melotts', () => {
  it('tts-1 is melotts: {prompt} in, the decoded MP3 out as audio/mpeg', async () => {
    const a = ai();
    const res = await speak(a, { model: 'tts-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(await bytes(res)).toEqual(MP3);
    expect(a.calls[0]).toMatchObject({ model: '@cf/myshell-ai/melotts', inputs: { prompt: 'Hello there.' } });
    expect(Object.keys(a.calls[0]!.inputs)).toEqual(['prompt']);
  });

  it('the audio response carries the request id and the CORS headers', async () => {
    const res = await speak(ai(), { model: 'tts-1' }, { origin: 'https://app.example' });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('also takes the raw bytes the types allow (Uint8Array)', async () => {
    const a = fakeAI(() => MP3, AUDIO_CATALOG);
    expect(await bytes(await speak(a, { model: 'tts-1-hd', response_format: 'mp3', speed: 1 }))).toEqual(MP3);
  });

  it('every OpenAI voice is its one speaker; `language` picks the language', async () => {
    for (const voice of ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar']) {
      expect((await speak(ai(), { model: 'tts-1', voice })).status).toBe(200);
    }
    const a = ai();
    await speak(a, { model: 'tts-1', language: 'FR' });
    expect(a.calls[0]!.inputs).toEqual({ prompt: 'Hello there.', lang: 'fr' });
    await expectError(await speak(ai(), { model: 'tts-1', voice: 'asteria' }), 400, { param: 'voice', code: 'invalid_value', message: /alloy, ash/ });
  });

  it('only mp3: any other format is a 400 naming what it can produce', async () => {
    for (const response_format of ['wav', 'opus', 'aac', 'flac', 'pcm']) {
      await expectError(await speak(ai(), { model: 'tts-1', response_format }), 400, { param: 'response_format', code: 'unsupported_parameter', message: /can only produce mp3/ });
    }
  });

  it('speed other than 1.0 is refused', async () => {
    await expectError(await speak(ai(), { model: 'tts-1', speed: 1.5 }), 400, { param: 'speed', code: 'unsupported_parameter' });
  });
});

describe('POST /v1/audio/speech: Deepgram Aura', () => {
  it.each([
    ['mp3', { encoding: 'mp3' }, 'audio/mpeg'],
    ['wav', { encoding: 'linear16', container: 'wav', sample_rate: 24000 }, 'audio/wav'],
    ['pcm', { encoding: 'linear16', container: 'none', sample_rate: 24000 }, 'audio/pcm'],
    ['opus', { encoding: 'opus', container: 'ogg' }, 'audio/ogg; codecs=opus'],
    ['aac', { encoding: 'aac' }, 'audio/aac'],
    ['flac', { encoding: 'flac' }, 'audio/flac'],
  ])('response_format %s -> %o, %s', async (response_format, encoding, type) => {
    const a = ai();
    const res = await speak(a, { model: '@cf/deepgram/aura-1', response_format });
    expect(res.headers.get('content-type')).toBe(type);
    expect(await bytes(res)).toEqual(MP3);
    expect(a.calls[0]!.inputs).toEqual({ text: 'Hello there.', speaker: 'asteria', ...encoding });
  });

  it('maps OpenAI voices to each model speakers, and takes the model own speaker names', async () => {
    const cases: [string, string, string][] = [
      ['@cf/deepgram/aura-1', 'onyx', 'zeus'],
      ['@cf/deepgram/aura-1', 'nova', 'luna'],
      ['@cf/deepgram/aura-2-en', 'alloy', 'thalia'],
      ['@cf/deepgram/aura-2-en', 'fable', 'draco'],
      ['@cf/deepgram/aura-2-es', 'coral', 'carina'],
      ['@cf/deepgram/aura-2-es', 'echo', 'sirio'],
      ['@cf/deepgram/aura-2-en', 'Hermes', 'hermes'],
      ['@cf/deepgram/aura-1', 'angus', 'angus'],
    ];
    for (const [model, voice, speaker] of cases) {
      const a = ai();
      expect((await speak(a, { model, voice })).status).toBe(200);
      expect(a.calls[0]!.inputs.speaker).toBe(speaker);
    }
    const a = ai();
    await speak(a, { model: 'aura-2-en', voice: { id: 'luna' } });
    expect(a.calls[0]!.inputs.speaker).toBe('luna');
  });

  it('an unknown voice is a 400 listing the OpenAI voices and the model speakers', async () => {
    await expectError(await speak(ai(), { model: '@cf/deepgram/aura-2-es', voice: 'zeus' }), 400, { param: 'voice', code: 'invalid_value', message: /alloy.*sirio, nestor/ });
  });

  it('streams the upstream audio through as it arrives, without buffering', async () => {
    let release!: () => void;
    const second = new Promise<void>((r) => (release = r));
    let sentFirst = false;
    const upstream = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (!sentFirst) {
          sentFirst = true;
          return c.enqueue(Uint8Array.of(1, 2, 3));
        }
        await second; // only after the client has read the first chunk
        c.enqueue(Uint8Array.of(4, 5));
        c.close();
      },
    });
    const res = await speak(ai(() => upstream), { model: '@cf/deepgram/aura-1' });
    const reader = res.body!.getReader();
    expect((await reader.read()).value).toEqual(Uint8Array.of(1, 2, 3));
    release();
    expect((await reader.read()).value).toEqual(Uint8Array.of(4, 5));
    expect((await reader.read()).done).toBe(true);
  });

  it('a client that stops reading cancels the upstream stream', async () => {
    let cancelled = false;
    const upstream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new Uint8Array(16));
      },
      cancel() {
        cancelled = true;
      },
    });
    const res = await speak(ai(() => upstream), { model: '@cf/deepgram/aura-1' });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(cancelled).toBe(true);
  });

  it('refuses speed, and `language` (Aura models speak their own language)', async () => {
    await expectError(await speak(ai(), { model: '@cf/deepgram/aura-1', speed: 2 }), 400, { param: 'speed', code: 'unsupported_parameter' });
    await expectError(await speak(ai(), { model: '@cf/deepgram/aura-1', language: 'fr' }), 400, { param: 'language', code: 'unsupported_parameter' });
  });
});

describe('POST /v1/audio/speech: bad input', () => {
  it('missing or invalid fields', async () => {
    await expectError(await postJson(bindingEnv(ai()), PATH, { model: 'tts-1', voice: 'alloy' }), 400, { param: 'input', code: 'invalid_value' });
    await expectError(await speak(ai(), { model: 'tts-1', input: '' }), 400, { param: 'input', code: 'invalid_value' });
    await expectError(await speak(ai(), { model: 'tts-1', input: 'x'.repeat(4097) }), 400, { param: 'input', message: /at most 4096/ });
    await expectError(await postJson(bindingEnv(ai()), PATH, { model: 'tts-1', input: 'Hi' }), 400, { param: 'voice' });
    await expectError(await speak(ai(), { model: 'tts-1', response_format: 'ogg' }), 400, { param: 'response_format', code: 'invalid_value' });
    await expectError(await speak(ai(), { model: 'tts-1', speed: 9 }), 400, { param: 'speed', code: 'invalid_value' });
    await expectError(await speak(ai(), { model: 42 }), 400, { param: 'model' });
  });

  it('malformed JSON and multipart bodies', async () => {
    await expectError(await postJson(bindingEnv(ai()), PATH, undefined, { raw: '{"model":' }), 400, { code: 'invalid_json' });
    const form = new FormData();
    form.append('model', 'tts-1');
    await expectError(await postJson(bindingEnv(ai()), PATH, undefined, { raw: form }), 415, { code: 'unsupported_media_type' });
  });

  it('OpenAI-only options are refused by name', async () => {
    await expectError(await speak(ai(), { model: 'tts-1', instructions: 'Speak cheerfully.' }), 400, { param: 'instructions', code: 'unsupported_parameter' });
    await expectError(await speak(ai(), { model: 'tts-1', stream_format: 'sse' }), 400, { param: 'stream_format', code: 'unsupported_parameter' });
    expect((await speak(ai(), { model: 'tts-1', stream_format: 'audio' })).status).toBe(200);
  });

  it('unknown model, wrong task, a TTS model the proxy cannot drive', async () => {
    await expectError(await speak(ai(), { model: '@cf/nope/tts' }), 404, { code: 'model_not_found' });
    await expectError(await speak(ai(), { model: 'whisper-1' }), 400, { param: 'model', code: 'model_not_supported', message: /\/v1\/audio\/speech/ });
    await expectError(await speak(ai(), { model: '@cf/test/other-tts' }), 400, { param: 'model', code: 'model_not_supported', message: /melotts/ });
  });

  it('upstream failures and odd outputs are OpenAI errors', async () => {
    const failing = ai(() => {
      throw bindingError(5006, 'Error: speaker must be one of ...');
    });
    await expectError(await speak(failing, { model: '@cf/deepgram/aura-1' }), 400, { code: 'upstream_invalid_input' });
    const busy = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    }, AUDIO_CATALOG);
    await expectError(await speak(busy, { model: 'tts-1' }), 429, { code: 'upstream_overloaded' });
    await expectError(await speak(fakeAI(() => ({ audio: 42 }), AUDIO_CATALOG), { model: 'tts-1' }), 502, { code: 'upstream_error' });
    await expectError(await speak(fakeAI(() => ({ audio: '!!not base64!!' }), AUDIO_CATALOG), { model: 'tts-1' }), 502, { code: 'upstream_error' });
  });
});

describe('the emulator transport, end to end', () => {
  const env = { LOG_REQUESTS: 'false' };
  it('tts-1 gives MP3 frames; Aura gives each format behind its real signature', async () => {
    const mp3 = await bytes(await postJson(env, PATH, { model: 'tts-1', input: 'Hello', voice: 'alloy' }));
    expect([...mp3.subarray(0, 2)]).toEqual([0xff, 0xfb]);
    const sig = async (response_format: string) =>
      String.fromCharCode(...(await bytes(await postJson(env, PATH, { model: '@cf/deepgram/aura-2-en', input: 'Hello', voice: 'nova', response_format }))).subarray(0, 4));
    expect(await sig('wav')).toBe('RIFF');
    expect(await sig('opus')).toBe('OggS');
    expect(await sig('flac')).toBe('fLaC');
    expect((await sig('mp3')).charCodeAt(0)).toBe(0xff);
    const pcm = await bytes(await postJson(env, PATH, { model: '@cf/deepgram/aura-1', input: 'Hello', voice: 'echo', response_format: 'pcm' }));
    expect(pcm.length % 2).toBe(0);
    expect(pcm.every((b) => b === 0)).toBe(true);
  });
});

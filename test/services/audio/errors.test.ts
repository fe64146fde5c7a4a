import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import { AUDIO_CATALOG, fileOf, postForm, sdkForm, turboOut, wav } from '../../support/audio';

const PATH = '/v1/audio/transcriptions';
const MAX = 25 * 1024 * 1024;
const wavFile = () => new File([wav(0.5)], 'speech.wav', { type: 'audio/wav' });
const ai = (handler: (model: string) => unknown = () => turboOut()) => fakeAI(handler, AUDIO_CATALOG);
const send = (fields: Record<string, string | string[]>, file: File | undefined = wavFile(), a = ai()) => postForm(bindingEnv(a), PATH, sdkForm(file, fields));

describe('POST /v1/audio/transcriptions: bad input', () => {
  it('no file, an empty file, or the file sent as a text field', async () => {
    await expectError(await postForm(bindingEnv(ai()), PATH, sdkForm(undefined, { model: 'whisper-1' })), 400, { param: 'file', code: 'invalid_value', message: /Missing required parameter: 'file'/ });
    await expectError(await send({ model: 'whisper-1' }, new File([], 'empty.wav')), 400, { param: 'file', code: 'invalid_value', message: /empty/ });
    const form = sdkForm(undefined, { model: 'whisper-1', file: '/tmp/speech.wav' });
    await expectError(await postForm(bindingEnv(ai()), PATH, form), 400, { param: 'file', code: 'invalid_value' });
    const fileAsModel = sdkForm(wavFile(), {});
    fileAsModel.append('model', new File(['x'], 'model.txt'));
    await expectError(await postForm(bindingEnv(ai()), PATH, fileAsModel), 400, { param: 'model' });
  });

  it('a file that is not audio, whatever its name, is a clear 400 listing the formats', async () => {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const a = ai();
    await expectError(await send({ model: 'whisper-1' }, fileOf('picture.png', png)), 400, { param: 'file', code: 'invalid_file_format', message: /picture\.png.*flac, m4a, mp3/ });
    await expectError(await send({ model: 'whisper-1' }, fileOf('speech.mp3', png, 64, 'audio/mpeg'), a), 400, { code: 'invalid_file_format' });
    await expectError(await send({ model: 'whisper-1' }, fileOf('notes.txt', [0x68, 0x69], 64, 'text/plain')), 400, { code: 'invalid_file_format' });
    await expectError(await send({ model: 'whisper-1' }, fileOf('speech.aac', [0xff, 0xf1, 0x50, 0x80])), 400, { code: 'invalid_file_format', message: /speech\.aac/ });
    expect(a.calls).toHaveLength(0);
  });

  it('a file over 25 MiB is a 413 naming the file; the model is never called', async () => {
    const a = ai();
    const big = new Uint8Array(MAX + 1);
    big.set(wav(0.01).subarray(0, 44));
    await expectError(await send({ model: 'whisper-1' }, new File([big], 'long.wav'), a), 413, { param: 'file', code: 'request_too_large', message: /26214400/ });
    expect(a.calls).toHaveLength(0);
    // Exactly 25 MiB is accepted.
    const edge = new Uint8Array(MAX);
    edge.set(wav(0.01).subarray(0, 44));
    expect((await send({ model: 'whisper-1' }, new File([edge], 'long.wav'), a)).status).toBe(200);
  });

  it('whisper and whisper-tiny-en (audio as a number array) stop at 8 MiB, naming the models that take more', async () => {
    const a = ai();
    const big = new Uint8Array(8 * 1024 * 1024 + 1);
    big.set(wav(0.01).subarray(0, 44));
    for (const model of ['@cf/openai/whisper', 'whisper-tiny-en']) {
      await expectError(await send({ model }, new File([big], 'long.wav'), a), 413, { param: 'file', code: 'request_too_large', message: /8388608.*whisper-large-v3-turbo/ });
    }
    expect(a.calls).toHaveLength(0);
    expect((await send({ model: 'whisper-1' }, new File([big], 'long.wav'), a)).status).toBe(200);
  });

  it('a body over MAX_BODY_BYTES is refused before it is parsed', async () => {
    const res = await postForm(bindingEnv(ai(), { MAX_BODY_BYTES: '1000' }), PATH, sdkForm(wavFile(), { model: 'whisper-1' }));
    await expectError(res, 413, { code: 'request_too_large' });
  });

  it('unknown model, a model of the wrong task, a speech model the proxy cannot feed', async () => {
    await expectError(await send({ model: '@cf/nope/nothing' }), 404, { param: 'model', code: 'model_not_found' });
    await expectError(await send({ model: '@cf/myshell-ai/melotts' }), 400, { param: 'model', code: 'model_not_supported', message: /Text-to-Speech.*\/v1\/audio\/transcriptions/ });
    await expectError(await send({ model: 'gpt-4o-mini' }), 400, { param: 'model', code: 'model_not_supported' });
    await expectError(await send({ model: '@cf/deepgram/flux' }), 400, { param: 'model', code: 'model_not_supported', message: /whisper-large-v3-turbo/ });
  });

  it('missing or invalid fields name the field', async () => {
    await expectError(await send({}), 400, { param: 'model', code: 'invalid_value', message: /Missing required parameter: 'model'/ });
    await expectError(await send({ model: 'whisper-1', response_format: 'xml' }), 400, { param: 'response_format', code: 'invalid_value', message: /"json", "text"/ });
    await expectError(await send({ model: 'whisper-1', temperature: 'warm' }), 400, { param: 'temperature', code: 'invalid_value' });
    await expectError(await send({ model: 'whisper-1', temperature: '3' }), 400, { param: 'temperature', code: 'invalid_value' });
    await expectError(await send({ model: 'whisper-1', timestamp_granularities: ['sentence'] }), 400, { param: 'timestamp_granularities[0]', code: 'invalid_value' });
    await expectError(await send({ model: 'whisper-1', stream: 'maybe' }), 400, { param: 'stream', code: 'invalid_value' });
  });

  it('options the models cannot honour are refused by name, not dropped', async () => {
    await expectError(await send({ model: 'whisper-1', temperature: '0.4' }), 400, { param: 'temperature', code: 'unsupported_parameter' });
    await expectError(await send({ model: '@cf/openai/whisper', prompt: 'Names: Zoë' }), 400, { param: 'prompt', code: 'unsupported_parameter', message: /whisper-large-v3-turbo/ });
    await expectError(await send({ model: 'nova-3', prompt: 'x' }), 400, { param: 'prompt', code: 'unsupported_parameter' });
    await expectError(await send({ model: 'whisper-tiny-en', language: 'fr' }), 400, { param: 'language', code: 'invalid_value', message: /English only/ });
    await expectError(await send({ model: 'whisper-1', stream: 'true' }), 400, { param: 'stream', code: 'unsupported_parameter' });
    await expectError(await send({ model: 'whisper-1', response_format: 'diarized_json' }), 400, { param: 'response_format', code: 'unsupported_parameter' });
    await expectError(await send({ model: 'whisper-1', include: ['logprobs'] }), 400, { param: 'include', code: 'unsupported_parameter' });
    await expectError(await send({ model: 'whisper-1', chunking_strategy: 'auto' }), 400, { param: 'chunking_strategy', code: 'unsupported_parameter' });
  });

  it('a JSON body is 415; a malformed multipart body is 400', async () => {
    await expectError(await postJson(bindingEnv(ai()), PATH, { model: 'whisper-1', file: 'abc' }), 415, { code: 'unsupported_media_type' });
    const res = await call(bindingEnv(ai()), PATH, { method: 'POST', raw: '--zz\r\nno end', headers: { 'content-type': 'multipart/form-data; boundary=zz' } });
    await expectError(res, 400, { code: 'invalid_multipart' });
  });

  it.each([
    [bindingError(5006, 'Error: audio must not be empty'), 400, 'upstream_invalid_input'],
    [bindingError(3006, 'Request is too large'), 413, 'request_too_large'],
    [bindingError(3040, 'Capacity temporarily exceeded'), 429, 'upstream_overloaded'],
    [bindingError(3007, 'Timeout'), 504, 'upstream_timeout'],
    [new Error('Internal error'), 502, 'upstream_error'],
  ])('upstream failure %s -> %i %s', async (err, status, code) => {
    const a = ai(() => {
      throw err;
    });
    await expectError(await send({ model: 'whisper-1' }, wavFile(), a), status, { code });
  });

  it('an upstream answer of an unexpected shape is a 502, not a crash', async () => {
    await expectError(await send({ model: 'whisper-1' }, wavFile(), ai(() => ({ nothing: true }))), 502, { code: 'upstream_error' });
    await expectError(await send({ model: 'nova-3' }, wavFile(), ai(() => ({ results: {} }))), 502, { code: 'upstream_error' });
  });

  it('keeps serving after errors', async () => {
    const a = ai();
    await send({ model: '@cf/nope/nothing' }, wavFile(), a);
    await send({ model: 'whisper-1' }, new File([], 'x.wav'), a);
    expect((await jsonOf(await send({ model: 'whisper-1' }, wavFile(), a), 'CreateTranscriptionResponseJson')).text).toContain('Bonjour');
  });

  it('needs the API key like every endpoint', async () => {
    const res = await call(bindingEnv(ai()), PATH, { method: 'POST', raw: sdkForm(wavFile(), { model: 'whisper-1' }), anonymous: true });
    await expectError(res, 401, { code: 'missing_api_key' });
  });
});

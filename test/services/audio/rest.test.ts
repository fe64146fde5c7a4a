import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonOf, postJson } from '../../support/http';
import { restEnv } from '../../support/fake-rest';
import { AUDIO_CATALOG, novaOut, postForm, sdkForm, turboOut, wav } from '../../support/audio';

const env = restEnv();

interface Seen {
  url: URL;
  contentType: string | null;
  body: Uint8Array;
}

/** The Cloudflare REST API for the audio models: JSON in envelopes, binary audio as raw bytes. */
function installApi(run: (model: string) => Response) {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.pathname.endsWith('/ai/models/search')) return Response.json({ result: AUDIO_CATALOG, success: true, errors: [], messages: [] });
    // No schemas here: speech models are then classified by name (see src/services/models/speech.ts).
    if (url.pathname.endsWith('/ai/models/schema')) return Response.json({ result: null, success: false, errors: [{ code: 7000, message: 'No route for that URI' }], messages: [] }, { status: 404 });
    seen.push({ url, contentType: req.headers.get('content-type'), body: new Uint8Array(await req.arrayBuffer()) });
    return run(url.pathname.split('/ai/run/')[1]!);
  });
  return seen;
}
const envelope = (result: unknown) => Response.json({ result, success: true, errors: [], messages: [] });

describe('audio over the REST transport', () => {
  afterEach(() => vi.restoreAllMocks());

  it('nova-3: the audio is the raw request body with its content type, options in the query string', async () => {
    const seen = installApi(() => envelope(novaOut()));
    const audio = wav(0.5);
    const res = await postForm(env, '/v1/audio/transcriptions', sdkForm(new File([audio], 'a.wav'), { model: '@cf/deepgram/nova-3', language: 'en' }));
    expect((await jsonOf(res, 'CreateTranscriptionResponseJson')).text).toBe('Hello world. How are you?');
    expect(seen[0]!.url.pathname).toBe('/client/v4/accounts/acct1/ai/run/@cf/deepgram/nova-3');
    expect(seen[0]!.url.search).toBe('?smart_format=true&language=en');
    expect(seen[0]!.contentType).toBe('audio/wav');
    expect(seen[0]!.body).toEqual(audio);
  });

  it('whisper-large-v3-turbo: a JSON body with the base64 audio', async () => {
    const seen = installApi(() => envelope(turboOut()));
    const audio = wav(0.25);
    await postForm(env, '/v1/audio/transcriptions', sdkForm(new File([audio], 'a.wav'), { model: 'whisper-1' }));
    expect(seen[0]!.contentType).toBe('application/json');
    const body = JSON.parse(new TextDecoder().decode(seen[0]!.body));
    expect(body.task).toBe('transcribe');
    expect(Uint8Array.from(atob(body.audio), (c) => c.charCodeAt(0))).toEqual(audio);
  });

  it('aura: the binary answer is passed through with the right Content-Type', async () => {
    const seen = installApi(() => new Response(Uint8Array.of(0x52, 0x49, 0x46, 0x46, 9), { headers: { 'content-type': 'audio/wav' } }));
    const res = await postJson(env, '/v1/audio/speech', { model: '@cf/deepgram/aura-2-en', input: 'Hi', voice: 'sage', response_format: 'wav' });
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(Uint8Array.of(0x52, 0x49, 0x46, 0x46, 9));
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toEqual({ text: 'Hi', speaker: 'athena', encoding: 'linear16', container: 'wav', sample_rate: 24000 });
  });
});

/**
 * Hostile input: URLs that point inside the network (directly, in other spellings, or by
 * redirect), requests that would make the proxy download far more than they send, bodies that
 * claim to be images, and a PNG decompression bomb. Outbound fetch is stubbed: nothing here
 * reaches a network, and the stub records what the proxy tried to fetch.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeAI } from './support/fake-ai';
import { bindingEnv, call, expectError, postJson } from './support/http';
import { BOMB_IDAT_BYTES, BOMB_IDAT_DEFLATED } from './fixtures/png-bomb';
import { INPAINT, editForm, imageAI, png, pngFile } from './support/images';

const SCOUT = '@cf/meta/llama-4-scout-17b-16e-instruct';
const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
const MiB = 1024 * 1024;

const withImages = (...urls: string[]) => [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, ...urls.map((url) => ({ type: 'image_url', image_url: { url } }))] }];

function stubFetch(answer: (url: string) => Response) {
  const urls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    return answer(url);
  });
  return urls;
}

afterEach(() => vi.restoreAllMocks());

describe('SSRF through image_url', () => {
  it.each([
    'http://127.0.0.1/admin',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://0177.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost./',
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://10.1.2.3/',
    'http://192.168.0.1/',
    'http://100.64.1.1/',
    'http://user:secret@images.example/cat.png',
  ])('%s is refused before any fetch', async (url) => {
    const urls = stubFetch(() => new Response(PNG, { headers: { 'content-type': 'image/png' } }));
    const ai = fakeAI();
    await expectError(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: SCOUT, messages: withImages(url) }), 400, {
      code: 'image_url_not_allowed',
      param: 'messages[0].content[1].image_url',
    });
    expect(urls).toEqual([]);
    expect(ai.calls).toHaveLength(0);
  });

  it('a redirect to an internal address is refused, and the internal URL never fetched', async () => {
    const urls = stubFetch((url) =>
      url.startsWith('https://images.example/') ? new Response(null, { status: 302, headers: { location: 'http://[::ffff:169.254.169.254]/latest/meta-data/' } }) : new Response(PNG),
    );
    await expectError(await postJson(bindingEnv(), '/v1/chat/completions', { model: SCOUT, messages: withImages('https://images.example/cat.png') }), 400, { code: 'image_url_not_allowed', message: /redirects/ });
    expect(urls).toEqual(['https://images.example/cat.png']);
  });
});

describe('amplification through image_url', () => {
  it('40 image URLs in one request are refused before any download', async () => {
    const urls = stubFetch(() => new Response(new Uint8Array(9 * MiB)));
    const many = Array.from({ length: 40 }, (_, i) => `https://images.example/${i}.png`);
    await expectError(await postJson(bindingEnv(), '/v1/chat/completions', { model: SCOUT, messages: withImages(...many) }), 400, { code: 'too_many_image_urls', param: 'messages' });
    expect(urls).toEqual([]);
  });

  it('URLs within the count but over the total bytes stop at MAX_URL_INPUT_BYTES, a few at a time', async () => {
    let inFlight = 0;
    let most = 0;
    let served = 0;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const body = new Uint8Array(3 * MiB);
      body.set(PNG);
      // Counted as the proxy reads it.
      return new Response(
        new ReadableStream({
          pull(c) {
            served += body.length;
            c.enqueue(body);
            c.close();
          },
        }),
        { headers: { 'content-type': 'image/png' } },
      );
    });
    const env = bindingEnv(fakeAI(), { MAX_URL_INPUTS: '8', MAX_URL_INPUT_BYTES: String(10 * MiB), URL_FETCH_CONCURRENCY: '2' });
    const eight = Array.from({ length: 8 }, (_, i) => `https://images.example/${i}.png`);
    await expectError(await postJson(env, '/v1/chat/completions', { model: SCOUT, messages: withImages(...eight) }), 400, { code: 'image_urls_too_large' });
    expect(most).toBeLessThanOrEqual(2);
    // The budget is 10 MiB: the fourth 3 MiB download is where it stops (plus what was in flight).
    expect(served).toBeLessThanOrEqual(5 * 3 * MiB);
  });
});

describe('bodies that are not images', () => {
  it.each([
    ['no content type', new Headers()],
    ['application/octet-stream', new Headers({ 'content-type': 'application/octet-stream' })],
    ['an image/png label', new Headers({ 'content-type': 'image/png' })],
  ])('JSON text with %s is refused as not an image', async (_name, headers) => {
    stubFetch(() => new Response('{"secret":"internal"}', { headers }));
    const ai = fakeAI();
    await expectError(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: SCOUT, messages: withImages('https://images.example/x.png') }), 400, { code: 'unsupported_image_media_type' });
    expect(ai.calls).toHaveLength(0);
  });

  it('a real PNG labelled octet-stream is sent as image/png (the bytes decide)', async () => {
    stubFetch(() => new Response(PNG, { headers: { 'content-type': 'application/octet-stream' } }));
    const ai = fakeAI();
    expect((await postJson(bindingEnv(ai), '/v1/chat/completions', { model: SCOUT, messages: withImages('https://images.example/x') })).status).toBe(200);
    expect(ai.calls[0]!.inputs.messages[0].content[1].image_url.url).toMatch(/^data:image\/png;base64,/);
  });
});

/** The bomb's IDAT: 510 KiB that inflate to 512 MiB (test/fixtures/png-bomb.ts). */
async function bombIdat(): Promise<Uint8Array> {
  const packed = Uint8Array.from(atob(BOMB_IDAT_DEFLATED), (c) => c.charCodeAt(0));
  return new Uint8Array(await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer());
}

describe('decompression bomb', () => {
  // No time is asserted; the timeout only leaves room for a loaded machine (the figure is npm run bench:bomb).
  it('a 2048x2048 RGBA mask whose data inflates to 512 MiB is refused from its header when the image is smaller', async () => {
    const bomb = pngFile(2048, 2048, 6, await bombIdat());
    const ai = imageAI();
    const res = await call(bindingEnv(ai), '/v1/images/edits', {
      method: 'POST',
      raw: editForm({ prompt: 'autumn', model: INPAINT }, [['image', png(16, 16, [10, 120, 200]), 'photo.png'], ['mask', bomb, 'mask.png']]),
    });
    await expectError(res, 400, { param: 'mask', message: /The mask is 2048x2048; it must have the same dimensions as the image \(16x16\)/ });
    expect(ai.calls).toHaveLength(0);
  });

  // No time is asserted; the timeout only leaves room for a loaded machine (the figure is npm run bench:bomb).
  it('the same bomb with a 2048x2048 image is refused once it passes the 16 MiB those dimensions need', { timeout: 30_000 }, async () => {
    const idat = await bombIdat();
    expect(idat.length).toBe(BOMB_IDAT_BYTES);
    const bomb = pngFile(2048, 2048, 6, idat);
    const ai = imageAI();
    // Only the image's header is read, so a 2048x2048 PNG header over a token IDAT stands for the photo.
    const photo = pngFile(2048, 2048, 2, new Uint8Array([120, 156, 3, 0, 0, 0, 0, 1]));
    const res = await call(bindingEnv(ai), '/v1/images/edits', {
      method: 'POST',
      raw: editForm({ prompt: 'autumn', model: INPAINT }, [['image', photo, 'photo.png'], ['mask', bomb, 'mask.png']]),
    });
    await expectError(res, 400, { param: 'mask', message: /more image data than its dimensions declare/ });
    expect(ai.calls).toHaveLength(0);
    // The Worker goes on serving: a real 2048x2048 mask right after is converted and sent.
    const rows = new Uint8Array(2048 * (2048 * 4 + 1));
    const real = pngFile(2048, 2048, 6, new Uint8Array(await new Response(new Blob([rows]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer()));
    const ok = await call(bindingEnv(ai), '/v1/images/edits', {
      method: 'POST',
      raw: editForm({ prompt: 'autumn', model: INPAINT }, [['image', photo, 'photo.png'], ['mask', real, 'mask.png']]),
    });
    expect(ok.status).toBe(200);
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.inputs.mask.length).toBeGreaterThan(0);
  });

  it('a mask declaring more pixels than the limit is refused before inflating', async () => {
    const res = await call(bindingEnv(imageAI()), '/v1/images/edits', {
      method: 'POST',
      raw: editForm({ prompt: 'autumn', model: INPAINT }, [['image', pngFile(65535, 65535, 2, new Uint8Array([1])), 'a.png'], ['mask', pngFile(65535, 65535, 6, new Uint8Array([120, 156, 3, 0, 0, 0, 0, 1])), 'm.png']]),
    });
    await expectError(res, 400, { param: 'mask', message: /at most/ });
  });
});

/** response_format "url" with an R2 bucket: stored images served by GET /v1/images/files/{id}. */
import { env as testEnv } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import { JPEG, PNG_MAGIC, SCHNELL, SDXL, editForm, imageAI, png, pngSize, startsWith } from '../../support/images';

const bucket = (testEnv as unknown as { IMAGES_BUCKET: R2Bucket }).IMAGES_BUCKET;
const withBucket = (extra: Record<string, string> = {}) => bindingEnv(imageAI(), { IMAGES_BUCKET: bucket, ...extra });
const FILE_URL = /^http:\/\/proxy\.test\/v1\/images\/files\/([A-Za-z0-9_-]{32})\.(png|jpg)$/;

async function urls(res: Response): Promise<string[]> {
  expect(res.status).toBe(200);
  const body = await jsonOf(res, 'ImagesResponse');
  return body.data.map((d: { url: string }) => d.url);
}

const fetchFile = (env: ReturnType<typeof withBucket>, url: string) => call(env, new URL(url).pathname, { anonymous: true });

describe('stored image URLs (IMAGES_BUCKET)', () => {
  it('stores each image and returns a URL that serves its bytes with the right type, without auth', async () => {
    const env = withBucket({ MAX_IMAGE_COUNT: '2' });
    const [a, b] = await urls(await postJson(env, '/v1/images/generations', { prompt: 'x', model: SCHNELL, n: 2, response_format: 'url' }));
    expect(a).toMatch(FILE_URL);
    expect(b).toMatch(FILE_URL);
    expect(a).not.toBe(b);
    const res = await fetchFile(env, a!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(JPEG.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG);
  });

  it('PNG models get .png URLs served as image/png', async () => {
    const env = withBucket();
    const [url] = await urls(await postJson(env, '/v1/images/generations', { prompt: 'x', model: SDXL, size: '256x256' }));
    expect(url).toMatch(/\.png$/);
    const res = await fetchFile(env, url!);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(startsWith(bytes, PNG_MAGIC)).toBe(true);
    expect(pngSize(bytes)).toBe('256x256');
  });

  it('edits store their results too', async () => {
    const env = withBucket();
    const form = editForm({ prompt: 'x' }, [['image', png(8, 8, [1, 2, 3]), 'a.png']]);
    const [url] = await urls(await call(env, '/v1/images/edits', { method: 'POST', raw: form }));
    expect(url).toMatch(FILE_URL);
    expect((await fetchFile(env, url!)).status).toBe(200);
  });

  it('b64_json responses store nothing', async () => {
    const before = (await bucket.list({ prefix: 'images/' })).objects.length;
    const res = await postJson(withBucket(), '/v1/images/generations', { prompt: 'x', response_format: 'b64_json' });
    expect((await jsonOf(res, 'ImagesResponse')).data[0].b64_json).toBeTruthy();
    expect((await bucket.list({ prefix: 'images/' })).objects.length).toBe(before);
  });

  it('URLs expire after IMAGE_URL_TTL_SECONDS (default one hour, like OpenAI): the expiry is stored and advertised', async () => {
    const env = withBucket();
    const [url] = await urls(await postJson(env, '/v1/images/generations', { prompt: 'x' }));
    const id = FILE_URL.exec(url!)![1]!;
    const object = await bucket.head(`images/${id}`);
    const expires = Number(object!.customMetadata!.expires);
    expect(expires - Date.now()).toBeGreaterThan(3500_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(3600_000);
    const res = await fetchFile(env, url!);
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=(3[0-5]\d\d|3600)$/);
    expect(Date.parse(res.headers.get('expires')!)).toBe(Math.floor(expires / 1000) * 1000);
  });

  it('an expired URL is a 404 and its object is deleted', async () => {
    const id = 'A'.repeat(31) + 'b';
    await bucket.put(`images/${id}`, JPEG, { httpMetadata: { contentType: 'image/jpeg' }, customMetadata: { expires: String(Date.now() - 1) } });
    await expectError(await call(withBucket(), `/v1/images/files/${id}.jpg`, { anonymous: true }), 404, { code: 'image_not_found' });
    expect(await bucket.head(`images/${id}`)).toBeNull();
  });

  it('IMAGE_URL_TTL_SECONDS=0 stores without expiry', async () => {
    const env = withBucket({ IMAGE_URL_TTL_SECONDS: '0' });
    const [url] = await urls(await postJson(env, '/v1/images/generations', { prompt: 'x' }));
    const object = await bucket.head(`images/${FILE_URL.exec(url!)![1]}`);
    expect(object!.customMetadata).toEqual({});
    expect((await fetchFile(env, url!)).headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    await expectError(await postJson(withBucket({ IMAGE_URL_TTL_SECONDS: '-1' }), '/v1/images/generations', { prompt: 'x' }), 500, { code: 'proxy_misconfigured' });
  });

  it('unknown, malformed and traversal ids are 404s', async () => {
    const env = withBucket();
    for (const file of ['B'.repeat(32) + '.png', 'short.png', '..%2F..%2Fsecret', 'A'.repeat(32) + '.html', 'A'.repeat(33)]) {
      await expectError(await call(env, `/v1/images/files/${file}`, { anonymous: true }), 404, { code: 'image_not_found' });
    }
  });

  it('without a bucket the route explains that URLs are data: URLs', async () => {
    await expectError(await call(bindingEnv(imageAI()), `/v1/images/files/${'A'.repeat(32)}.png`, { anonymous: true }), 404, {
      code: 'image_not_found',
      message: /no IMAGES_BUCKET binding/,
    });
  });

  it('the file route is public but generating still needs a key', async () => {
    await expectError(await call(withBucket(), '/v1/images/generations', { body: { prompt: 'x' }, anonymous: true }), 401, { code: 'missing_api_key' });
  });
});

describe('stored image URLs: serving details', () => {
  it('answers HEAD without a body, and keeps the id out of the request log', async () => {
    const env = withBucket({ LOG_REQUESTS: 'true' });
    const [url] = await urls(await postJson(env, '/v1/images/generations', { prompt: 'x' }));
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    try {
      const res = await call(env, new URL(url!).pathname, { method: 'HEAD', anonymous: true });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect((await res.arrayBuffer()).byteLength).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const id = FILE_URL.exec(url!)![1]!;
    expect(logged.some((l) => JSON.parse(l).path === '/v1/images/files/[id]')).toBe(true);
    expect(logged.join('\n')).not.toContain(id);
  });
});

import { describe, expect, it } from 'vitest';
import { bindingError } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import {
  DREAMSHAPER,
  FLUX2_DEV,
  IMG2IMG,
  INPAINT,
  JPEG,
  JPEG_MAGIC,
  KLEIN,
  LIGHTNING,
  LUCID,
  NEWCOMER,
  PHOENIX,
  PNG_MAGIC,
  SCHNELL,
  SDXL,
  UPSCALER,
  byteStream,
  bytesOfItem,
  imageAI,
  imageAnswer,
  pngSize,
  startsWith,
} from '../../support/images';

type Env = import('../../../src/env').Env;
const generate = (env: Env, body: Record<string, unknown>) => postJson(env, '/v1/images/generations', { prompt: 'a red fox in the snow', ...body });

async function images(res: Response) {
  expect(res.status).toBe(200);
  const body = await jsonOf(res, 'ImagesResponse');
  expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(60);
  return body as { created: number; data: { b64_json?: string; url?: string }[]; output_format?: string };
}

describe('POST /v1/images/generations: every prompt-only family', () => {
  it('FLUX.1 schnell (JSON in, base64 JPEG out): sends the prompt alone and returns the JPEG', async () => {
    const ai = imageAI();
    const body = await images(await generate(bindingEnv(ai), { model: SCHNELL, response_format: 'b64_json' }));
    expect(ai.calls).toHaveLength(1);
    // Its schema allows no other property (additionalProperties: false).
    expect(ai.calls[0]!.inputs).toEqual({ prompt: 'a red fox in the snow' });
    expect(body.data).toHaveLength(1);
    const bytes = bytesOfItem(body.data[0]!);
    expect(startsWith(bytes, JPEG_MAGIC)).toBe(true);
    expect(bytes).toEqual(JPEG);
    expect(body.output_format).toBe('jpeg');
  });

  it.each([SDXL, DREAMSHAPER, LIGHTNING])('%s (JSON in, binary PNG stream out): maps size to width/height', async (model) => {
    const ai = imageAI();
    const body = await images(await generate(bindingEnv(ai), { model, size: '256x512', response_format: 'b64_json' }));
    expect(ai.calls[0]!.inputs).toEqual({ prompt: 'a red fox in the snow', width: 256, height: 512 });
    const bytes = bytesOfItem(body.data[0]!);
    expect(startsWith(bytes, PNG_MAGIC)).toBe(true);
    expect(pngSize(bytes)).toBe('256x512');
    expect(body.output_format).toBe('png');
  });

  it('binary output given as a Uint8Array (not a stream) is read too', async () => {
    const ai = imageAI();
    ai.run = async (model: string, inputs: Record<string, any>, options?: Record<string, any>) => {
      ai.calls.push({ model, inputs, options });
      return new Uint8Array(await new Response(imageAnswer(model, inputs) as ReadableStream).arrayBuffer());
    };
    const body = await images(await generate(bindingEnv(ai), { model: SDXL, size: '320x256', response_format: 'b64_json' }));
    expect(pngSize(bytesOfItem(body.data[0]!))).toBe('320x256');
  });

  it('Phoenix (binary JPEG out) and Lucid Origin (base64 out)', async () => {
    const ai = imageAI();
    const env = bindingEnv(ai);
    const phoenix = await images(await generate(env, { model: PHOENIX, size: '1024x768', response_format: 'b64_json' }));
    expect(bytesOfItem(phoenix.data[0]!)).toEqual(JPEG);
    expect(ai.calls[0]!.inputs).toMatchObject({ width: 1024, height: 768 });
    const lucid = await images(await generate(env, { model: LUCID, size: '2500x2500', response_format: 'b64_json' }));
    expect(startsWith(bytesOfItem(lucid.data[0]!), JPEG_MAGIC)).toBe(true);
    await expectError(await generate(env, { model: LUCID, size: '2501x100' }), 400, { param: 'size', message: /from 1 to 2500 pixels/ });
  });

  it.each([KLEIN, FLUX2_DEV])('%s (multipart in): the binding gets {multipart: {body, contentType}} with the form fields', async (model) => {
    const forms: FormData[] = [];
    const ai = imageAI();
    ai.run = async (m: string, inputs: Record<string, any>, options?: Record<string, any>) => {
      ai.calls.push({ model: m, inputs, options });
      const { body, contentType } = inputs.multipart;
      expect(body).toBeInstanceOf(ReadableStream);
      expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
      forms.push(await new Response(body, { headers: { 'content-type': contentType } }).formData());
      return imageAnswer(m, inputs);
    };
    const body = await images(await generate(bindingEnv(ai, { MAX_IMAGE_COUNT: '2' }), { model, size: '1920x256', n: 2, response_format: 'b64_json' }));
    expect(Object.keys(ai.calls[0]!.inputs)).toEqual(['multipart']);
    expect(forms).toHaveLength(2);
    for (const form of forms) expect([...form.entries()]).toEqual([['prompt', 'a red fox in the snow'], ['width', '1920'], ['height', '256']]);
    expect(body.data.map((d) => startsWith(bytesOfItem(d), JPEG_MAGIC))).toEqual([true, true]);
    await expectError(await generate(bindingEnv(imageAI()), { model, size: '2048x1024' }), 400, { param: 'size', message: /from 256 to 1920 pixels/ });
  });

  it('an unknown Text-to-Image model with no schema (binding) is called like Stable Diffusion', async () => {
    const ai = imageAI();
    const body = await images(await generate(bindingEnv(ai), { model: NEWCOMER, size: '128x64', response_format: 'b64_json' }));
    expect(ai.calls[0]!.inputs).toEqual({ prompt: 'a red fox in the snow', width: 128, height: 64 });
    expect(pngSize(bytesOfItem(body.data[0]!))).toBe('128x64');
  });
});

describe('POST /v1/images/generations: n, size, response_format, defaults', () => {
  it('runs n requests concurrently, each giving one image', async () => {
    let release!: () => void;
    const allStarted = new Promise<void>((r) => (release = r));
    const ai = imageAI();
    ai.run = async (model: string, inputs: Record<string, any>, options?: Record<string, any>) => {
      ai.calls.push({ model, inputs, options });
      if (ai.calls.length === 4) release();
      // Sequential calls would never reach 4 started: fail instead of hanging.
      await Promise.race([allStarted, new Promise((_, reject) => setTimeout(() => reject(new Error('calls were not concurrent')), 2000))]);
      return imageAnswer(model, inputs);
    };
    const body = await images(await generate(bindingEnv(ai, { MAX_IMAGE_COUNT: '4' }), { model: SDXL, n: 4, size: '256x256', response_format: 'b64_json' }));
    expect(ai.calls).toHaveLength(4);
    expect(body.data).toHaveLength(4);
    for (const item of body.data) expect(pngSize(bytesOfItem(item))).toBe('256x256');
  });

  it('n above MAX_IMAGE_COUNT (default 1) is a 400 naming the limit', async () => {
    const ai = imageAI();
    await expectError(await generate(bindingEnv(ai), { n: 2 }), 400, { param: 'n', code: 'invalid_value', message: /at most 1 image per request \(MAX_IMAGE_COUNT\)/ });
    await expectError(await generate(bindingEnv(ai, { MAX_IMAGE_COUNT: '3' }), { n: 4 }), 400, { param: 'n', message: /at most 3 images/ });
    await expectError(await generate(bindingEnv(ai, { MAX_IMAGE_COUNT: '4' }), { n: 11 }), 400, { param: 'n' });
    expect(ai.calls).toHaveLength(0);
  });

  it('MAX_IMAGE_COUNT above the hard maximum of 4 is a configuration error', async () => {
    await expectError(await generate(bindingEnv(imageAI(), { MAX_IMAGE_COUNT: '5' }), {}), 500, { code: 'proxy_misconfigured', message: /MAX_IMAGE_COUNT must be an integer from 1 to 4\./ });
  });

  it('response_format url without an R2 bucket answers with a data: URL', async () => {
    const body = await images(await generate(bindingEnv(imageAI()), { model: SDXL, size: '256x256', response_format: 'url' }));
    expect(body.data[0]!.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(pngSize(bytesOfItem(body.data[0]!))).toBe('256x256');
  });

  it('defaults to url like dall-e, and to b64_json for gpt-image-* names (which only ever answer base64)', async () => {
    const env = bindingEnv(imageAI());
    expect((await images(await generate(env, {}))).data[0]).toEqual({ url: expect.stringMatching(/^data:image\/jpeg;base64,/) });
    expect((await images(await generate(env, { model: 'dall-e-3' }))).data[0]).toHaveProperty('url');
    expect((await images(await generate(env, { model: 'gpt-image-1' }))).data[0]).toEqual({ b64_json: expect.any(String) });
  });

  it('with no model uses DEFAULT_IMAGE_MODEL (flux-1-schnell unless set)', async () => {
    const ai = imageAI();
    await images(await generate(bindingEnv(ai), {}));
    await images(await generate(bindingEnv(ai, { DEFAULT_IMAGE_MODEL: DREAMSHAPER }), {}));
    expect(ai.calls.map((c) => c.model)).toEqual([SCHNELL, DREAMSHAPER]);
  });

  it('DEFAULT_IMAGE_SIZE applies when the client sends none and the model takes it', async () => {
    const ai = imageAI();
    const env = bindingEnv(ai, { DEFAULT_IMAGE_SIZE: '512x384' });
    const sdxl = await images(await generate(env, { model: SDXL, response_format: 'b64_json' }));
    expect(pngSize(bytesOfItem(sdxl.data[0]!))).toBe('512x384');
    // schnell takes no size, and the client asked for none: no error, no width/height.
    await images(await generate(env, { model: SCHNELL }));
    // The client's size wins over the default; auto means the model's default.
    await images(await generate(env, { model: SDXL, size: '256x256' }));
    await images(await generate(env, { model: SDXL, size: 'auto' }));
    expect(ai.calls.map((c) => [c.inputs.width, c.inputs.height])).toEqual([[512, 384], [undefined, undefined], [256, 256], [512, 384]]);
    await expectError(await generate(bindingEnv(ai, { DEFAULT_IMAGE_SIZE: 'big' }), {}), 500, { code: 'proxy_misconfigured' });
  });

  it('flux-1-schnell only makes 1024x1024: that size and auto pass, others are a 400 saying so', async () => {
    const ai = imageAI();
    const env = bindingEnv(ai);
    await images(await generate(env, { model: SCHNELL, size: '1024x1024' }));
    await images(await generate(env, { model: 'dall-e-3', size: 'auto' }));
    expect(ai.calls.every((c) => c.inputs.width === undefined)).toBe(true);
    await expectError(await generate(env, { model: 'dall-e-3', size: '1792x1024' }), 400, { param: 'size', message: /only makes 1024x1024 images/ });
  });

  it('a size outside the model limits is a 400 naming the allowed range', async () => {
    const ai = imageAI();
    const err = await expectError(await generate(bindingEnv(ai), { model: SDXL, size: '4096x4096' }), 400, { param: 'size', code: 'invalid_value' });
    expect(err.message).toMatch(/from 256 to 2048 pixels/);
    await expectError(await generate(bindingEnv(ai), { model: 'dall-e-2', size: '255x255' }), 400, { param: 'size', message: /from 256 to 2048/ });
    expect(ai.calls).toHaveLength(0);
  });

  it.each(['big', '1024', '1024x', 'x1024', '0x512', '1024*1024', '10000000x1'])('size %j is a 400', async (size) => {
    await expectError(await generate(bindingEnv(imageAI()), { model: SDXL, size }), 400, { param: 'size', message: /WIDTHxHEIGHT/ });
  });

  it('quality, style, user, output_format and moderation are accepted (and ignored)', async () => {
    const ai = imageAI();
    await images(await generate(bindingEnv(ai), { model: SDXL, quality: 'hd', style: 'vivid', user: 'u1', output_format: 'png', moderation: 'auto', background: 'auto' }));
    expect(Object.keys(ai.calls[0]!.inputs)).toEqual(['prompt']);
  });
});

describe('POST /v1/images/generations: bad input', () => {
  const env = () => bindingEnv(imageAI());

  it('malformed JSON, wrong types and missing fields are 400s naming the param', async () => {
    await expectError(await call(env(), '/v1/images/generations', { method: 'POST', raw: '{"prompt": ', headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' });
    await expectError(await postJson(env(), '/v1/images/generations', {}), 400, { param: 'prompt', message: /Missing required parameter: 'prompt'/ });
    await expectError(await generate(env(), { prompt: '' }), 400, { param: 'prompt' });
    await expectError(await generate(env(), { prompt: 42 }), 400, { param: 'prompt' });
    await expectError(await generate(env(), { n: 0 }), 400, { param: 'n' });
    await expectError(await generate(env(), { n: 1.5 }), 400, { param: 'n' });
    await expectError(await generate(env(), { response_format: 'gif' }), 400, { param: 'response_format' });
    await expectError(await generate(env(), { quality: 'ultra' }), 400, { param: 'quality' });
    await expectError(await generate(env(), { size: 1024 }), 400, { param: 'size' });
  });

  it('a prompt over the model limit is a 400 (flux-1-schnell takes 2048 characters)', async () => {
    await images(await generate(env(), { prompt: 'x'.repeat(2048) }));
    await expectError(await generate(env(), { prompt: 'x'.repeat(2049) }), 400, { param: 'prompt', message: /at most 2048 characters/ });
    await expectError(await generate(env(), { model: SDXL, prompt: 'x'.repeat(32001) }), 400, { param: 'prompt' });
  });

  it('multipart bodies are refused with 415; oversized bodies with 413', async () => {
    const form = new FormData();
    form.append('prompt', 'x');
    await expectError(await call(env(), '/v1/images/generations', { method: 'POST', raw: form }), 415, { code: 'unsupported_media_type' });
    const big = JSON.stringify({ prompt: 'x'.repeat(2000) });
    await expectError(await call(bindingEnv(imageAI(), { MAX_BODY_BYTES: '1000' }), '/v1/images/generations', { method: 'POST', raw: big, headers: { 'content-type': 'application/json' } }), 413, { code: 'request_too_large' });
  });

  it('stream and transparent backgrounds are unsupported, not ignored', async () => {
    await expectError(await generate(env(), { stream: true }), 400, { param: 'stream', code: 'unsupported_parameter' });
    await expectError(await generate(env(), { background: 'transparent' }), 400, { param: 'background', code: 'unsupported_parameter' });
  });

  it('unknown models are 404; models of other tasks are 400 model_not_supported', async () => {
    await expectError(await generate(env(), { model: '@cf/nope/nothing' }), 404, { code: 'model_not_found', param: 'model' });
    await expectError(await generate(env(), { model: '@cf/meta/llama-3.1-8b-instruct' }), 400, { code: 'model_not_supported', param: 'model', message: /\/v1\/images\/generations/ });
  });

  it('models that need an input image, a mask, or are not generators are rejected clearly', async () => {
    const ai = imageAI();
    await expectError(await generate(bindingEnv(ai), { model: IMG2IMG }), 400, { code: 'model_not_supported', param: 'model', message: /transforms an input image: use it with \/v1\/images\/edits/ });
    await expectError(await generate(bindingEnv(ai), { model: INPAINT }), 400, { code: 'model_not_supported', message: /inpainting model: it needs an image and a mask/ });
    await expectError(await generate(bindingEnv(ai), { model: UPSCALER }), 400, { code: 'model_not_supported', message: /does not make images from a prompt/ });
    expect(ai.calls).toHaveLength(0);
  });

  it.each([
    [3040, 429, 'upstream_overloaded'],
    [5006, 400, 'upstream_invalid_input'],
    [3007, 504, 'upstream_timeout'],
    [3036, 429, 'insufficient_quota'],
  ])('binding error %i maps to HTTP %i, and the Worker keeps serving', async (code, status, errorCode) => {
    const ai = imageAI(() => {
      throw bindingError(code, 'upstream says no');
    });
    const env = bindingEnv(ai);
    await expectError(await generate(env, { model: SDXL }), status, { code: errorCode });
    ai.run = async (model: string, inputs: Record<string, any>) => imageAnswer(model, inputs);
    await images(await generate(env, { model: SDXL }));
  });

  it('one failing run fails the request and cancels the others', async () => {
    const ai = imageAI();
    ai.run = async (model: string, inputs: Record<string, any>, options?: Record<string, any>) => {
      ai.calls.push({ model, inputs, options });
      if (ai.calls.length === 1) {
        // Still running when the second run fails.
        return new Promise((resolve) => options!.signal.addEventListener('abort', () => resolve(imageAnswer(model, inputs))));
      }
      throw bindingError(3040, 'Capacity temporarily exceeded');
    };
    await expectError(await generate(bindingEnv(ai, { MAX_IMAGE_COUNT: '2' }), { model: SDXL, n: 2 }), 429, { code: 'upstream_overloaded' });
    expect(ai.calls.every((c) => c.options!.signal.aborted)).toBe(true);
  });

  it.each([
    ['an object without an image', { result: 'nope' }],
    ['text bytes', byteStream(new TextEncoder().encode('{"errors":[{"code":3040}]}'))],
    ['an empty stream', byteStream(new Uint8Array(0))],
    ['base64 that is not an image', { image: btoa('hello, world, not an image') }],
    ['null', null],
  ])('an upstream answer that is %s is a 502, not a crash', async (_, answer) => {
    await expectError(await generate(bindingEnv(imageAI(() => answer)), { model: SDXL }), 502, { code: 'upstream_error', message: /instead of an image/ });
  });
});

describe('GET /v1/models?protocol=openai-images', () => {
  it('lists only models that make an image from a prompt alone', async () => {
    const body = await jsonOf(await call(bindingEnv(imageAI()), '/v1/models?protocol=openai-images'), 'ListModelsResponse');
    expect(body.data.map((m: any) => m.id)).toEqual([SCHNELL, SDXL, DREAMSHAPER, LIGHTNING, PHOENIX, LUCID, KLEIN, FLUX2_DEV, NEWCOMER]);
  });

  it('?protocol=openai-image-edits lists the img2img, inpainting and FLUX.2 models', async () => {
    const body = await jsonOf(await call(bindingEnv(imageAI()), '/v1/models?protocol=openai-image-edits'), 'ListModelsResponse');
    expect(body.data.map((m: any) => m.id)).toEqual([KLEIN, FLUX2_DEV, IMG2IMG, INPAINT]);
  });

  it('the full list keeps edit models and drops models no endpoint can use (upscalers)', async () => {
    const ids = (await jsonOf(await call(bindingEnv(imageAI()), '/v1/models'), 'ListModelsResponse')).data.map((m: any) => m.id);
    expect(ids).toContain(IMG2IMG);
    expect(ids).toContain(INPAINT);
    expect(ids).not.toContain(UPSCALER);
  });
});

describe('images on the emulator transport (npm run dev)', () => {
  const emulator = { LOG_REQUESTS: 'false' };

  it('answers generations with real image bytes for each family', async () => {
    const schnell = await images(await generate(emulator, { response_format: 'b64_json' }));
    expect(startsWith(bytesOfItem(schnell.data[0]!), JPEG_MAGIC)).toBe(true);
    const sdxl = await images(await generate(emulator, { model: SDXL, size: '256x256', response_format: 'b64_json' }));
    expect(pngSize(bytesOfItem(sdxl.data[0]!))).toBe('256x256');
    const klein = await images(await generate(emulator, { model: KLEIN, response_format: 'url' }));
    expect(klein.data[0]!.url).toMatch(/^data:image\/jpeg;base64,/);
    const phoenix = await images(await generate(emulator, { model: PHOENIX, response_format: 'b64_json' }));
    expect(startsWith(bytesOfItem(phoenix.data[0]!), JPEG_MAGIC)).toBe(true);
  });

  it('lists the emulator catalog by capability', async () => {
    const gen = (await jsonOf(await call(emulator, '/v1/models?protocol=openai-images'))).data.map((m: any) => m.id);
    expect(gen).toEqual(expect.arrayContaining([SCHNELL, SDXL, KLEIN, PHOENIX, LUCID]));
    expect(gen).not.toContain(IMG2IMG);
    const edits = (await jsonOf(await call(emulator, '/v1/models?protocol=openai-image-edits'))).data.map((m: any) => m.id);
    expect(edits).toEqual(expect.arrayContaining([IMG2IMG, INPAINT, KLEIN]));
    expect(edits).not.toContain(SDXL);
  });
});

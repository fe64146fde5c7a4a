import { describe, expect, it } from 'vitest';
import { bindingError } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf } from '../../support/http';
import {
  IMG2IMG,
  INPAINT,
  JPEG,
  JPEG_MAGIC,
  KLEIN,
  PNG_MAGIC,
  SCHNELL,
  SDXL,
  UPSCALER,
  bytesOfItem,
  editForm,
  grayPixels,
  imageAI,
  imageAnswer,
  png,
  pngFile,
  pngSize,
  rgbaPng,
  startsWith,
} from '../../support/images';

type Env = import('../../../src/env').Env;
const PHOTO = png(16, 16, [10, 120, 200]);
const edit = (env: Env, fields: Record<string, string | number>, files: [string, Uint8Array, string][] = [['image', PHOTO, 'photo.png']]) =>
  call(env, '/v1/images/edits', { method: 'POST', raw: editForm({ prompt: 'make it autumn', ...fields }, files) });

async function images(res: Response) {
  expect(res.status).toBe(200);
  return (await jsonOf(res, 'ImagesResponse')) as { data: { b64_json?: string; url?: string }[]; output_format?: string };
}

describe('POST /v1/images/edits: img2img (image + prompt)', () => {
  it('sends the upload as an array of byte values with a strength that keeps the input, and returns the PNG', async () => {
    const ai = imageAI();
    const body = await images(await edit(bindingEnv(ai), { model: IMG2IMG, size: '512x256', response_format: 'b64_json' }));
    expect(ai.calls).toHaveLength(1);
    const { model, inputs } = ai.calls[0]!;
    expect(model).toBe(IMG2IMG);
    expect(inputs).toEqual({ prompt: 'make it autumn', image: [...PHOTO], strength: 0.8, width: 512, height: 256 });
    const bytes = bytesOfItem(body.data[0]!);
    expect(startsWith(bytes, PNG_MAGIC)).toBe(true);
    expect(pngSize(bytes)).toBe('512x256');
  });

  it('is the default model when no model and no mask are sent', async () => {
    const ai = imageAI();
    await images(await edit(bindingEnv(ai), {}));
    expect(ai.calls[0]!.model).toBe(IMG2IMG);
  });

  it('maps strength, or input_fidelity when strength is absent', async () => {
    const ai = imageAI();
    const env = bindingEnv(ai);
    await images(await edit(env, { model: IMG2IMG, strength: 0.3 }));
    await images(await edit(env, { model: IMG2IMG, input_fidelity: 'high' }));
    await images(await edit(env, { model: IMG2IMG, input_fidelity: 'low' }));
    await images(await edit(env, { model: IMG2IMG, strength: 0, input_fidelity: 'high' }));
    expect(ai.calls.map((c) => c.inputs.strength)).toEqual([0.3, 0.5, 0.8, 0]);
  });

  it('accepts a JPEG upload, n images at once, and url responses', async () => {
    const ai = imageAI();
    const body = await images(await edit(bindingEnv(ai, { MAX_IMAGE_COUNT: '2' }), { model: IMG2IMG, n: 2 }, [['image', JPEG, 'photo.jpg']]));
    expect(ai.calls).toHaveLength(2);
    expect(ai.calls[0]!.inputs.image).toEqual([...JPEG]);
    expect(body.data).toHaveLength(2);
    for (const item of body.data) expect(item.url).toMatch(/^data:image\/png;base64,/);
  });
});

describe('POST /v1/images/edits: inpainting (image + mask)', () => {
  it('turns the OpenAI mask (transparent = edit) into a grayscale inpainting mask (white = edit)', async () => {
    const ai = imageAI();
    // Left half transparent: that is the part to repaint.
    const mask = await rgbaPng(16, 16, (x) => (x < 8 ? 0 : 255));
    const body = await images(await edit(bindingEnv(ai), { model: INPAINT, response_format: 'b64_json' }, [['image', PHOTO, 'photo.png'], ['mask', mask, 'mask.png']]));
    const { inputs } = ai.calls[0]!;
    expect(inputs.image).toEqual([...PHOTO]);
    expect(Array.isArray(inputs.mask)).toBe(true);
    expect(inputs).not.toHaveProperty('strength');
    const sent = await grayPixels(Uint8Array.from(inputs.mask));
    expect(sent.colorType).toBe(0);
    expect(sent.size).toBe('16x16');
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) expect(sent.pixels[y * 16 + x]).toBe(x < 8 ? 255 : 0);
    expect(startsWith(bytesOfItem(body.data[0]!), PNG_MAGIC)).toBe(true);
  });

  it('is the default model when a mask is sent without a model; strength passes through', async () => {
    const ai = imageAI();
    const mask = await rgbaPng(16, 16, () => 0);
    await images(await edit(bindingEnv(ai), { strength: 0.6 }, [['image', PHOTO, 'photo.png'], ['mask', mask, 'mask.png']]));
    expect(ai.calls[0]!.model).toBe(INPAINT);
    expect(ai.calls[0]!.inputs.strength).toBe(0.6);
  });

  it('a mask without transparency is taken as an inpainting mask already and sent unchanged', async () => {
    const ai = imageAI();
    const bw = png(16, 16, [255, 255, 255]);
    await images(await edit(bindingEnv(ai), { model: INPAINT }, [['image', PHOTO, 'photo.png'], ['mask', bw, 'mask.png']]));
    expect(ai.calls[0]!.inputs.mask).toEqual([...bw]);
  });

  it("a mask of other dimensions than the image is refused (OpenAI's rule), the model never called", async () => {
    const ai = imageAI();
    for (const mask of [await rgbaPng(4, 4, () => 0), png(16, 8, [255, 255, 255])]) {
      const res = await edit(bindingEnv(ai), { model: INPAINT }, [['image', PHOTO, 'photo.png'], ['mask', mask, 'mask.png']]);
      await expectError(res, 400, { param: 'mask', message: /must have the same dimensions as the image \(16x16\)/ });
    }
    // A JPEG image's size is read from its frame header: the 8x8 JPEG takes an 8x8 mask, not a 16x16 one.
    await images(await edit(bindingEnv(ai), { model: INPAINT }, [['image', JPEG, 'photo.jpg'], ['mask', await rgbaPng(8, 8, () => 0), 'mask.png']]));
    await expectError(await edit(bindingEnv(ai), { model: INPAINT }, [['image', JPEG, 'photo.jpg'], ['mask', await rgbaPng(16, 16, () => 0), 'mask.png']]), 400, { message: /\(8x8\)/ });
    expect(ai.calls).toHaveLength(1);
  });
});

describe('POST /v1/images/edits: FLUX.2 reference images', () => {
  it('sends one or more images (image[] as the SDKs send arrays) as input_image_N form fields', async () => {
    const forms: FormData[] = [];
    const ai = imageAI();
    ai.run = async (model: string, inputs: Record<string, any>, options?: Record<string, any>) => {
      ai.calls.push({ model, inputs, options });
      const { body, contentType } = inputs.multipart;
      forms.push(await new Response(body, { headers: { 'content-type': contentType } }).formData());
      return imageAnswer(model, inputs);
    };
    const res = await edit(bindingEnv(ai), { model: KLEIN, size: '1024x768', response_format: 'b64_json' }, [
      ['image[]', PHOTO, 'a.png'],
      ['image[]', JPEG, 'b.jpg'],
    ]);
    const body = await images(res);
    expect(startsWith(bytesOfItem(body.data[0]!), JPEG_MAGIC)).toBe(true);
    const form = forms[0]!;
    expect(form.get('prompt')).toBe('make it autumn');
    expect([form.get('width'), form.get('height')]).toEqual(['1024', '768']);
    const first = form.get('input_image_0') as File;
    const second = form.get('input_image_1') as File;
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(PHOTO);
    expect(first.type).toBe('image/png');
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(JPEG);
    expect(form.has('input_image_2')).toBe(false);
  });

  it('takes at most 4 images, and no mask or strength', async () => {
    const ai = imageAI();
    const five = Array.from({ length: 5 }, (_, i): [string, Uint8Array, string] => ['image[]', PHOTO, `${i}.png`]);
    await expectError(await edit(bindingEnv(ai), { model: KLEIN }, five), 400, { param: 'image', message: /at most 4 input images/ });
    await expectError(await edit(bindingEnv(ai), { model: KLEIN, strength: 0.5 }), 400, { param: 'strength', code: 'unsupported_parameter' });
    const mask = await rgbaPng(4, 4, () => 0);
    await expectError(await edit(bindingEnv(ai), { model: KLEIN }, [['image', PHOTO, 'a.png'], ['mask', mask, 'm.png']]), 400, { param: 'mask', code: 'unsupported_parameter' });
    expect(ai.calls).toHaveLength(0);
  });
});

describe('POST /v1/images/edits: bad input', () => {
  const env = () => bindingEnv(imageAI());

  it('a JSON body is a 415; a broken multipart body a 400', async () => {
    await expectError(await call(env(), '/v1/images/edits', { body: { prompt: 'x', image: 'abc' } }), 415, { code: 'unsupported_media_type' });
    const broken = '--xyz\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhello';
    await expectError(
      await call(env(), '/v1/images/edits', { method: 'POST', raw: broken, headers: { 'content-type': 'multipart/form-data; boundary=xyz' } }),
      400,
      { code: 'invalid_multipart' },
    );
  });

  it('missing or wrong fields are 400s naming the param', async () => {
    await expectError(await edit(env(), {}, []), 400, { param: 'image', message: /Missing required parameter: 'image'/ });
    await expectError(await call(env(), '/v1/images/edits', { method: 'POST', raw: editForm({}, [['image', PHOTO, 'a.png']]) }), 400, { param: 'prompt', message: /Missing required parameter/ });
    await expectError(await edit(env(), { image: 'not a file' }, []), 400, { param: 'image', message: /uploaded file/ });
    await expectError(await edit(env(), { n: 'two' }), 400, { param: 'n' });
    await expectError(await edit(env(), { strength: 2 }), 400, { param: 'strength' });
    await expectError(await edit(env(), { response_format: 'jpeg' }), 400, { param: 'response_format' });
    await expectError(await edit(env(), { size: 'huge' }), 400, { param: 'size' });
    await expectError(await edit(env(), { model: IMG2IMG, size: '4096x4096' }), 400, { param: 'size', message: /from 256 to 2048/ });
    await expectError(await edit(env(), { stream: 'true' }), 400, { param: 'stream', code: 'unsupported_parameter' });
  });

  it('an upload that is not a PNG, JPEG or WebP image is a 400', async () => {
    await expectError(await edit(env(), {}, [['image', new TextEncoder().encode('hello'), 'a.png']]), 400, { param: 'image', message: /PNG, JPEG or WebP/ });
    await expectError(await edit(env(), {}, [['image', new Uint8Array(0), 'a.png']]), 400, { param: 'image' });
  });

  it('uploads over 4 MiB for img2img / inpainting (sent as number arrays) are a 400', async () => {
    const big = new Uint8Array(4 * 1024 * 1024 + 1);
    big.set(PHOTO);
    await expectError(await edit(env(), { model: IMG2IMG }, [['image', big, 'big.png']]), 400, { param: 'image', message: /at most 4194304 bytes/ });
  });

  it('mask and image counts must suit the model', async () => {
    const mask = await rgbaPng(4, 4, () => 0);
    await expectError(await edit(env(), { model: IMG2IMG }, [['image', PHOTO, 'a.png'], ['mask', mask, 'm.png']]), 400, { param: 'mask', message: /cannot use a mask; masks need an inpainting model/ });
    await expectError(await edit(env(), { model: INPAINT }), 400, { param: 'mask', message: /inpainting model: send a mask/ });
    await expectError(await edit(env(), { model: IMG2IMG }, [['image[]', PHOTO, 'a.png'], ['image[]', PHOTO, 'b.png']]), 400, { param: 'image', message: /one image at a time/ });
    await expectError(await edit(env(), { model: INPAINT }, [['image', PHOTO, 'a.png'], ['mask', mask, 'm.png'], ['mask', mask, 'n.png']]), 400, { param: 'mask' });
  });

  it.each([
    ['a JPEG', JPEG, /must be a PNG file/],
    ['an interlaced PNG', pngFile(4, 4, 6, new Uint8Array([1, 2, 3]), 8, 1), /Interlaced/],
    ['a 4-bit palette PNG with transparency', (() => {
      const p = pngFile(4, 4, 3, new Uint8Array([1]), 4);
      // Insert a tRNS chunk before IDAT.
      const trns = new Uint8Array([0, 0, 0, 1, 0x74, 0x52, 0x4e, 0x53, 0, 0, 0, 0, 0]);
      return new Uint8Array([...p.subarray(0, 33), ...trns, ...p.subarray(33)]);
    })(), /4-bit PNG masks/],
    ['a PNG with corrupt image data', pngFile(4, 4, 6, new Uint8Array([1, 2, 3, 4, 5])), /corrupt/],
    ['a truncated PNG', pngFile(4, 4, 6, new Uint8Array([1, 2, 3, 4, 5])).subarray(0, 40), /truncated|no image data/],
  ])('a mask that is %s is a 400 on mask', async (_, mask, message) => {
    const ai = imageAI();
    // The masks are 4x4, as the image is (a mask must have the image's dimensions).
    await expectError(await edit(bindingEnv(ai), { model: INPAINT }, [['image', png(4, 4, [1, 2, 3]), 'a.png'], ['mask', mask, 'm.png']]), 400, { param: 'mask', message });
    expect(ai.calls).toHaveLength(0);
  });

  it('models that cannot edit are 400 model_not_supported, listing those that can', async () => {
    for (const model of [SDXL, SCHNELL, 'dall-e-2', 'gpt-image-1', UPSCALER]) {
      await expectError(await edit(env(), { model }), 400, { code: 'model_not_supported', param: 'model', message: /cannot edit images.*img2img.*inpainting.*FLUX\.2/ });
    }
    await expectError(await edit(env(), { model: '@cf/meta/llama-3.1-8b-instruct' }), 400, { code: 'model_not_supported' });
    await expectError(await edit(env(), { model: '@cf/nope/nothing' }), 404, { code: 'model_not_found' });
  });

  it('n above MAX_IMAGE_COUNT is a 400', async () => {
    await expectError(await edit(env(), { n: 2 }), 400, { param: 'n', message: /MAX_IMAGE_COUNT/ });
  });

  it('upstream errors map to OpenAI errors', async () => {
    const ai = imageAI(() => {
      throw bindingError(5006, "Error: required properties at '/' are 'image'");
    });
    await expectError(await edit(bindingEnv(ai), {}), 400, { code: 'upstream_invalid_input' });
  });
});

describe('edits on the emulator transport', () => {
  it('img2img, inpainting and FLUX.2 edits answer with image bytes', async () => {
    const emulator = { LOG_REQUESTS: 'false' };
    const img2img = await images(await edit(emulator, { size: '256x256', response_format: 'b64_json' }));
    expect(pngSize(bytesOfItem(img2img.data[0]!))).toBe('256x256');
    const mask = await rgbaPng(16, 16, (x, y) => (x === y ? 0 : 255));
    const inpaint = await images(await edit(emulator, { response_format: 'b64_json' }, [['image', PHOTO, 'a.png'], ['mask', mask, 'm.png']]));
    expect(startsWith(bytesOfItem(inpaint.data[0]!), PNG_MAGIC)).toBe(true);
    const flux = await images(await edit(emulator, { model: KLEIN }, [['image[]', PHOTO, 'a.png']]));
    expect(flux.data[0]!.url).toMatch(/^data:image\/jpeg;base64,/);
  });
});

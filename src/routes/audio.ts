import type { Context } from 'hono';
import { Hono } from '../lib/hono';
import type * as z from 'zod/mini';
import { invalidValue } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { FORM_ARRAYS, SpeechRequest, TranscriptionForm, TranslationForm } from '../schemas/audio';
import { formFields, readForm } from './multipart';
import { createSpeech } from '../services/audio/speech';
import { createTranscription, createTranslation, type AudioTextResult } from '../services/audio/transcription';
import type { AppEnv } from '../types';

/**
 * Reads a multipart body as the OpenAI SDKs send it: the audio in `file` (a part with a
 * filename), text fields, and arrays as repeated `name[]` fields. Validates the text fields.
 */
async function readAudioForm<T extends z.ZodMiniType>(c: Context<AppEnv>, schema: T): Promise<{ fields: z.infer<T>; file: File }> {
  const form = await readForm(c, 'the audio in `file`');
  const values: Record<string, unknown> = {};
  let file: File | undefined;
  for (const [rawKey, value] of form) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    if (key === 'file') {
      if (typeof value === 'string') throw invalidValue('file', "'file' must be an uploaded file (a part with a filename), not a text field.");
      file ??= value;
    } else if (typeof value !== 'string') {
      throw invalidValue(key, `'${key}' must be a text field, not a file.`);
    } else if (value !== '') {
      if (FORM_ARRAYS.has(key)) ((values[key] ??= []) as string[]).push(value);
      else values[key] = value;
    }
  }
  const fields = formFields(schema, values);
  if (!file) throw invalidValue('file', "Missing required parameter: 'file'.");
  return { fields, file };
}

const textResponse = (c: Context<AppEnv>, result: AudioTextResult) =>
  result.kind === 'json' ? c.json(result.body) : c.body(result.body, 200, { 'content-type': 'text/plain; charset=utf-8' });

export const audio = new Hono<AppEnv>()
  .post('/audio/transcriptions', async (c) => {
    const { fields, file } = await readAudioForm(c, TranscriptionForm);
    c.set('model', fields.model);
    return textResponse(c, await createTranscription(c.get('services'), fields, file, c.req.raw.signal));
  })
  .post('/audio/translations', async (c) => {
    const { fields, file } = await readAudioForm(c, TranslationForm);
    c.set('model', fields.model);
    return textResponse(c, await createTranslation(c.get('services'), fields, file, c.req.raw.signal));
  })
  .post('/audio/speech', ...jsonBody(SpeechRequest), async (c) => {
    const body = c.req.valid('json');
    c.set('model', body.model);
    const result = await createSpeech(c.get('services'), body, c.req.raw.signal);
    // A stream is sent on as it arrives; the client disconnecting cancels the upstream.
    return new Response(result.body, { headers: { 'content-type': result.contentType } });
  });

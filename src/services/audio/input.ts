/** The audio upload and the speech model it goes to: checks, per-family options, the model's input. */
import { invalidRequest, invalidValue, modelNotSupported, requestTooLarge, unsupportedParameter } from '../../errors';
import type { Json as J } from '../../lib/json';
import type { ResolvedModel } from '../models/catalog';
import {
  ACCEPTED_EXTENSIONS,
  AUDIO_MIME,
  declaredFormat,
  id3Length,
  looksLikeNonAudio,
  sniffAudio,
  toBase64,
  wavDuration,
  type AudioFormat,
} from './files';

/** OpenAI's upload limit. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/**
 * whisper / whisper-tiny-en take the audio as a JSON array of numbers, which costs the Worker
 * 4-8 bytes per audio byte as an array plus ~3.5 once serialised: past this size a request
 * would run the isolate out of its 128 MB, so it is refused with a pointer to the other models.
 */
export const MAX_NUMBER_ARRAY_AUDIO_BYTES = 8 * 1024 * 1024;
/** How a Workers AI speech model takes its audio: bytes as numbers, base64, or a `{body, contentType}` stream. */
export type Family = 'whisper' | 'whisper-turbo' | 'nova';
export interface AsrModel {
  model: ResolvedModel;
  family: Family;
  englishOnly: boolean;
}

export interface Upload {
  file: File;
  format: AudioFormat;
  /** Known up front for WAV; other containers rely on the model's timestamps. */
  duration?: number;
}

/** Checks the upload (size, non-empty, an audio container) before any upstream call. */
export async function readUpload(file: File): Promise<Upload> {
  if (file.size === 0) throw invalidValue('file', 'The audio file is empty.');
  if (file.size > MAX_AUDIO_BYTES) {
    throw requestTooLarge('file', `The audio file is ${file.size} bytes; the limit is ${MAX_AUDIO_BYTES} bytes (25 MiB).`);
  }
  const head = await file.slice(0, 4096).bytes();
  const tag = id3Length(head);
  // An ID3 tag (mp3, rarely flac) can be long: look at what follows it.
  const format = tag ? (sniffAudio(await file.slice(tag, tag + 16).bytes()) ?? 'mp3') : (sniffAudio(head) ?? (looksLikeNonAudio(head) ? undefined : declaredFormat(file.name, file.type)));
  if (!format) {
    throw invalidRequest(
      `Invalid file format${file.name ? ` (${file.name})` : ''}: the file is not audio this proxy can transcribe. Supported formats: ${ACCEPTED_EXTENSIONS.join(', ')}.`,
      'file',
      'invalid_file_format',
    );
  }
  return { file, format, duration: format === 'wav' ? wavDuration(head, file.size) : undefined };
}

export function asrModel(model: ResolvedModel): AsrModel {
  const id = model.id;
  const family: Family | undefined = id.endsWith('/whisper-large-v3-turbo')
    ? 'whisper-turbo'
    : /\/whisper(-tiny-en)?$/.test(id)
      ? 'whisper'
      : id === '@cf/deepgram/nova-3'
        ? 'nova'
        : undefined;
  if (!family) {
    throw modelNotSupported(
      `The model \`${model.requested}\` is a speech model this proxy cannot send audio to; use @cf/openai/whisper-large-v3-turbo (whisper-1), @cf/openai/whisper, @cf/openai/whisper-tiny-en or @cf/deepgram/nova-3.`,
    );
  }
  return { model, family, englishOnly: id.endsWith('/whisper-tiny-en') };
}

export const isEnglish = (language: string | undefined) => !!language && /^(en|eng|english)([-_].*)?$/i.test(language.trim());

/** Options a model has no input for are refused, not dropped. */
export function checkOptions(asr: AsrModel, upload: Upload, o: { prompt?: string; temperature?: number; language?: string }): void {
  const name = asr.model.requested;
  if (asr.family === 'whisper' && upload.file.size > MAX_NUMBER_ARRAY_AUDIO_BYTES) {
    throw requestTooLarge('file', `${name} takes audio as an array of numbers, so it is limited to ${MAX_NUMBER_ARRAY_AUDIO_BYTES} bytes (8 MiB) here; this file is ${upload.file.size} bytes. @cf/openai/whisper-large-v3-turbo (whisper-1) and @cf/deepgram/nova-3 take up to 25 MiB.`);
  }
  if (o.prompt && asr.family !== 'whisper-turbo') {
    throw unsupportedParameter('prompt', `\`prompt\` is not supported by ${name}; @cf/openai/whisper-large-v3-turbo (whisper-1) takes one.`);
  }
  if (o.temperature) {
    throw unsupportedParameter('temperature', `\`temperature\` is not supported by ${name}: Workers AI speech models choose their own decoding temperature. Send 0 or leave it out.`);
  }
  if (asr.englishOnly && o.language && !isEnglish(o.language)) {
    throw invalidValue('language', `${name} transcribes English only; use @cf/openai/whisper-large-v3-turbo for \`${o.language}\`.`);
  }
}

/** The model's input, each family fed the audio the way its schema asks. */
export async function inputsFor(asr: AsrModel, upload: Upload, o: { task: 'transcribe' | 'translate'; language?: string; prompt?: string }): Promise<J> {
  switch (asr.family) {
    case 'whisper':
      // whisper and whisper-tiny-en take the file's bytes as an array of numbers, and nothing else.
      return { audio: Array.from(await upload.file.bytes()) };
    case 'whisper-turbo':
      return {
        audio: toBase64(await upload.file.bytes()),
        task: o.task,
        ...(o.language && { language: o.language }),
        ...(o.prompt && { initial_prompt: o.prompt }),
      };
    case 'nova':
      return {
        audio: { body: upload.file.stream(), contentType: AUDIO_MIME[upload.format] },
        smart_format: true,
        ...(o.language ? { language: o.language } : { detect_language: true }),
      };
  }
}

import * as z from 'zod/mini';
import { _coercedNumber } from 'zod/v4/core';
import { looseObject, numberIn, object } from './common';

/**
 * Multipart fields arrive as strings: numbers are coerced, arrays are the repeated
 * `name[]` fields the OpenAI SDKs send. The `file` part is checked by the route, not here.
 */
// z.coerce.number() without `z.coerce`: that namespace object keeps all five coercing
// constructors (bigint, date, ...) in the bundle, about 0.4 KiB gzip for the one used here.
const formNumber = (min: number, max: number) => _coercedNumber(z.ZodMiniNumber).check(z.gte(min), z.lte(max));

export const TRANSCRIPTION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'] as const;
export const TRANSLATION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;

export const TranscriptionForm = object({
  model: z.string().check(z.minLength(1)),
  language: z.optional(z.string()),
  prompt: z.optional(z.string()),
  response_format: z.optional(z.enum(TRANSCRIPTION_FORMATS)),
  temperature: z.optional(formNumber(0, 1)),
  timestamp_granularities: z.optional(z.array(z.enum(['word', 'segment']))),
  stream: z.optional(z.enum(['true', 'false'])),
  // OpenAI's gpt-4o transcription options: recognised so they can be refused by name.
  include: z.optional(z.array(z.string())),
  chunking_strategy: z.optional(z.string()),
  known_speaker_names: z.optional(z.array(z.string())),
  known_speaker_references: z.optional(z.array(z.string())),
  languages: z.optional(z.array(z.string())),
  keywords: z.optional(z.array(z.string())),
});
export type TranscriptionForm = z.infer<typeof TranscriptionForm>;

export const TranslationForm = object({
  model: z.string().check(z.minLength(1)),
  prompt: z.optional(z.string()),
  response_format: z.optional(z.enum(TRANSLATION_FORMATS)),
  temperature: z.optional(formNumber(0, 1)),
  /** Not in OpenAI's API: the spoken language, which helps the transcribe-then-translate chain. */
  language: z.optional(z.string()),
});
export type TranslationForm = z.infer<typeof TranslationForm>;

/** Fields sent as `name[]` (repeated) or `name` by different clients, read as arrays. */
export const FORM_ARRAYS: ReadonlySet<string> = new Set([
  'timestamp_granularities',
  'include',
  'known_speaker_names',
  'known_speaker_references',
  'languages',
  'keywords',
]);

/** OpenAI transcription fields of models this proxy does not front; refused, never dropped. */
export const UNSUPPORTED_TRANSCRIPTION_FIELDS = ['include', 'chunking_strategy', 'known_speaker_names', 'known_speaker_references', 'languages', 'keywords'] as const satisfies readonly (keyof TranscriptionForm)[];

export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

export const SpeechRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  input: z.string().check(z.minLength(1), z.maxLength(4096)),
  voice: z.union([z.string().check(z.minLength(1)), looseObject({ id: z.string().check(z.minLength(1)) })]),
  instructions: z.optional(z.string()),
  response_format: z.optional(z.enum(SPEECH_FORMATS)),
  speed: z.optional(numberIn(0.25, 4)),
  stream_format: z.optional(z.enum(['sse', 'audio'])),
  /** Not in OpenAI's API: the language MeloTTS speaks (en, es, fr, zh, ja, ko). */
  language: z.optional(z.string().check(z.minLength(1))),
});
export type SpeechRequest = z.infer<typeof SpeechRequest>;

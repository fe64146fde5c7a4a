import type { Env } from '../../src/env';
import type { CatalogModel } from '../../src/services/upstream/types';
import { TEST_CATALOG, catalogModel } from './catalog';
import { call } from './http';

const asr = 'Automatic Speech Recognition';
const tts = 'Text-to-Speech';
const entry = (name: string, task: string, _i: number) => catalogModel(name, task);

/** The shared test catalog plus every audio model the proxy drives, and two it cannot. */
export const AUDIO_CATALOG: CatalogModel[] = [
  ...TEST_CATALOG,
  entry('@cf/openai/whisper-tiny-en', asr, 1),
  entry('@cf/openai/whisper-large-v3-turbo', asr, 2),
  entry('@cf/deepgram/nova-3', asr, 3),
  entry('@cf/deepgram/aura-1', tts, 4),
  entry('@cf/deepgram/aura-2-en', tts, 5),
  entry('@cf/deepgram/aura-2-es', tts, 6),
  entry('@cf/deepgram/flux', asr, 7),
  entry('@cf/test/other-tts', tts, 8),
];

/** A real WAV file: RIFF header, then a 440 Hz tone as 16-bit mono PCM. */
export function wav(seconds: number, rate = 16000): Uint8Array {
  const samples = Math.round(seconds * rate);
  const out = new Uint8Array(44 + 2 * samples);
  const dv = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((ch, i) => (out[at + i] = ch.charCodeAt(0)));
  text(0, 'RIFF');
  dv.setUint32(4, 36 + 2 * samples, true);
  text(8, 'WAVEfmt ');
  dv.setUint32(16, 16, true); // fmt chunk size
  dv.setUint16(20, 1, true); // PCM
  dv.setUint16(22, 1, true); // mono
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true); // byte rate
  dv.setUint16(32, 2, true); // block align
  dv.setUint16(34, 16, true); // bits per sample
  text(36, 'data');
  dv.setUint32(40, 2 * samples, true);
  for (let i = 0; i < samples; i++) dv.setInt16(44 + 2 * i, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return out;
}

/** The first bytes of each container the endpoint accepts, padded to look like a file. */
export const SIGNATURES: Record<string, { bytes: number[]; mime: string }> = {
  'speech.mp3': { bytes: [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0xff, 0xfb, 0x90, 0x64], mime: 'audio/mpeg' },
  'speech-noid3.mp3': { bytes: [0xff, 0xf3, 0x84, 0xc4], mime: 'audio/mpeg' },
  'speech.m4a': { bytes: [0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20], mime: 'audio/mp4' },
  'speech.ogg': { bytes: [0x4f, 0x67, 0x67, 0x53, 0, 2], mime: 'audio/ogg' },
  'speech.webm': { bytes: [0x1a, 0x45, 0xdf, 0xa3, 0x9f], mime: 'audio/webm' },
  'speech.flac': { bytes: [0x66, 0x4c, 0x61, 0x43, 0, 0, 0, 0x22], mime: 'audio/flac' },
};

export const fileOf = (name: string, bytes: number[] | Uint8Array, size = 2048, type = '') => {
  const out = new Uint8Array(Math.max(size, bytes.length));
  out.set(bytes);
  return new File([out], name, { type });
};

/**
 * multipart/form-data exactly as the OpenAI SDKs build it: the file as a part with a filename
 * and type, every other value as a string, arrays as repeated `name[]` fields.
 */
export function sdkForm(file: File | undefined, fields: Record<string, string | number | boolean | string[]>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) form.append(`${key}[]`, v);
    else form.append(key, String(value));
  }
  if (file) form.append('file', file);
  return form;
}

export const postForm = (env: Env, path: string, form: FormData) => call(env, path, { method: 'POST', raw: form });

const words = (text: string, from = 0, step = 0.5) =>
  text.split(' ').map((word, i) => ({ word, start: from + i * step, end: from + (i + 1) * step }));

/** @cf/openai/whisper's output shape (workers-types Ai_Cf_Openai_Whisper_Output). */
export const whisperOut = () => ({
  text: 'Hello world. How are you?',
  word_count: 5,
  words: [...words('Hello world.', 0), ...words('How are you?', 1.2)],
  vtt: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello world.\n\n00:01.200 --> 00:02.700\nHow are you?\n\n',
});

/** whisper-large-v3-turbo's output shape, without `vtt` unless asked. */
export const turboOut = (o: { language?: string; vtt?: boolean; text?: [string, string] } = {}) => {
  const [a, b] = o.text ?? [' Bonjour le monde.', ' Comment ça va?'];
  return {
    transcription_info: { language: o.language ?? 'fr', language_probability: 0.97, duration: 3.25, duration_after_vad: 3.1 },
    text: `${a}${b}`,
    word_count: 6,
    segments: [
      { start: 0, end: 1.5, text: a, temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01, words: words(a.trim(), 0) },
      { start: 1.5, end: 3.25, text: b, temperature: 0.2, avg_logprob: -0.3, compression_ratio: 1.3, no_speech_prob: 0.02, words: words(b.trim(), 1.5) },
    ],
    ...(o.vtt && { vtt: 'WEBVTT\n\n00:00.000 --> 00:01.500\nBonjour le monde.\n\n' }),
  };
};

/** nova-3's output shape (Ai_Cf_Deepgram_Nova_3_Output). */
export const novaOut = (extra: Record<string, unknown> = {}) => ({
  results: {
    channels: [
      {
        ...extra,
        alternatives: [
          {
            confidence: 0.98,
            transcript: 'Hello world. How are you?',
            words: [...words('Hello world.', 0), ...words('How are you?', 1.2)].map((w) => ({ ...w, confidence: 0.98 })),
          },
        ],
      },
    ],
  },
});

export async function bytesOfBody(body: unknown): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body as BodyInit).arrayBuffer());
}

import { ApiError, invalidRequest } from '../../errors';
import { UNSUPPORTED_TRANSCRIPTION_FIELDS, type TranscriptionForm, type TranslationForm } from '../../schemas/audio';
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
import type { ResolvedModel } from '../models/catalog';
import type { Services } from '../index';
import { segmentsFromVtt, segmentsFromWords, toSrt, toVtt, type TimedSegment, type TimedWord } from '../../lib/subtitles';
import { upstreamCall } from '../upstream/errors';

/** OpenAI's upload limit. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/**
 * whisper / whisper-tiny-en take the audio as a JSON array of numbers, which costs the Worker
 * 4-8 bytes per audio byte as an array plus ~3.5 once serialised: past this size a request
 * would run the isolate out of its 128 MB, so it is refused with a pointer to the other models.
 */
export const MAX_NUMBER_ARRAY_AUDIO_BYTES = 8 * 1024 * 1024;
/** Translates the transcript for models without whisper's own translate task. */
export const TRANSLATION_MODEL = '@cf/meta/m2m100-1.2b';

export type AudioTextResult = { kind: 'json'; body: Record<string, unknown> } | { kind: 'text'; body: string };
type TextFormat = 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt';

/** How a Workers AI speech model takes its audio: bytes as numbers, base64, or a `{body, contentType}` stream. */
type Family = 'whisper' | 'whisper-turbo' | 'nova';
interface AsrModel {
  model: ResolvedModel;
  family: Family;
  englishOnly: boolean;
}

interface Upload {
  file: File;
  format: AudioFormat;
  /** Known up front for WAV; other containers rely on the model's timestamps. */
  duration?: number;
}

/** What any of the models said, in one shape. */
interface Transcript {
  text: string;
  language?: string;
  duration?: number;
  segments: TimedSegment[];
  words: TimedWord[];
  /** The model's own WebVTT, passed through for response_format=vtt. */
  vtt?: string;
}

type J = Record<string, any>;
const isObj = (x: unknown): x is J => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const str = (x: unknown) => (typeof x === 'string' ? x : undefined);

const unsupported = (param: string, message: string) => invalidRequest(message, param, 'unsupported_parameter');
const unexpectedOutput = (model: string) =>
  new ApiError(502, `Workers AI returned an output of an unexpected shape for ${model}.`, 'server_error', null, 'upstream_error');

// ---------------------------------------------------------------- input

/** Checks the upload (size, non-empty, an audio container) before any upstream call. */
async function readUpload(file: File): Promise<Upload> {
  if (file.size === 0) throw invalidRequest('The audio file is empty.', 'file', 'invalid_value');
  if (file.size > MAX_AUDIO_BYTES) {
    throw new ApiError(413, `The audio file is ${file.size} bytes; the limit is ${MAX_AUDIO_BYTES} bytes (25 MiB).`, 'invalid_request_error', 'file', 'request_too_large');
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

function asrModel(model: ResolvedModel): AsrModel {
  const id = model.id;
  const family: Family | undefined = id.endsWith('/whisper-large-v3-turbo')
    ? 'whisper-turbo'
    : /\/whisper(-tiny-en)?$/.test(id)
      ? 'whisper'
      : id === '@cf/deepgram/nova-3'
        ? 'nova'
        : undefined;
  if (!family) {
    throw new ApiError(
      400,
      `The model \`${model.requested}\` is a speech model this proxy cannot send audio to; use @cf/openai/whisper-large-v3-turbo (whisper-1), @cf/openai/whisper, @cf/openai/whisper-tiny-en or @cf/deepgram/nova-3.`,
      'invalid_request_error',
      'model',
      'model_not_supported',
    );
  }
  return { model, family, englishOnly: id.endsWith('/whisper-tiny-en') };
}

const isEnglish = (language: string | undefined) => !!language && /^(en|eng|english)([-_].*)?$/i.test(language.trim());

/** Options a model has no input for are refused, not dropped. */
function checkOptions(asr: AsrModel, upload: Upload, o: { prompt?: string; temperature?: number; language?: string }): void {
  const name = asr.model.requested;
  if (asr.family === 'whisper' && upload.file.size > MAX_NUMBER_ARRAY_AUDIO_BYTES) {
    throw new ApiError(
      413,
      `${name} takes audio as an array of numbers, so it is limited to ${MAX_NUMBER_ARRAY_AUDIO_BYTES} bytes (8 MiB) here; this file is ${upload.file.size} bytes. @cf/openai/whisper-large-v3-turbo (whisper-1) and @cf/deepgram/nova-3 take up to 25 MiB.`,
      'invalid_request_error',
      'file',
      'request_too_large',
    );
  }
  if (o.prompt && asr.family !== 'whisper-turbo') {
    throw unsupported('prompt', `\`prompt\` is not supported by ${name}; @cf/openai/whisper-large-v3-turbo (whisper-1) takes one.`);
  }
  if (o.temperature) {
    throw unsupported('temperature', `\`temperature\` is not supported by ${name}: Workers AI speech models choose their own decoding temperature. Send 0 or leave it out.`);
  }
  if (asr.englishOnly && o.language && !isEnglish(o.language)) {
    throw invalidRequest(`${name} transcribes English only; use @cf/openai/whisper-large-v3-turbo for \`${o.language}\`.`, 'language', 'invalid_value');
  }
}

/** The model's input, each family fed the audio the way its schema asks. */
async function inputsFor(asr: AsrModel, upload: Upload, o: { task: 'transcribe' | 'translate'; language?: string; prompt?: string }): Promise<J> {
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

// ---------------------------------------------------------------- output

function timedWords(list: unknown): TimedWord[] {
  if (!Array.isArray(list)) return [];
  const out: TimedWord[] = [];
  let previousEnd = 0;
  for (const w of list) {
    if (!isObj(w)) continue;
    // Deepgram's `word` is lower-case and bare; `punctuated_word` reads like the transcript.
    const word = (str(w.punctuated_word) ?? str(w.word))?.trim();
    if (!word) continue;
    const start = num(w.start) ?? previousEnd;
    const end = num(w.end) ?? start;
    previousEnd = end;
    out.push({ word, start, end });
  }
  return out;
}

function readTranscript(asr: AsrModel, out: unknown): Transcript {
  if (!isObj(out)) throw unexpectedOutput(asr.model.id);
  if (asr.family === 'nova') {
    const channel = isObj(out.results) && Array.isArray(out.results.channels) ? out.results.channels[0] : undefined;
    const alt = isObj(channel) && Array.isArray(channel.alternatives) ? channel.alternatives[0] : undefined;
    if (!isObj(alt) || typeof alt.transcript !== 'string') throw unexpectedOutput(asr.model.id);
    const words = timedWords(alt.words);
    return {
      text: alt.transcript.trim(),
      language: str(channel!.detected_language),
      duration: isObj(out.metadata) ? num(out.metadata.duration) : undefined,
      segments: segmentsFromWords(words),
      words,
    };
  }
  if (typeof out.text !== 'string') throw unexpectedOutput(asr.model.id);
  const vtt = typeof out.vtt === 'string' && out.vtt.startsWith('WEBVTT') ? out.vtt : undefined;
  const upstreamSegments: J[] = Array.isArray(out.segments) ? out.segments.filter(isObj) : [];
  let words = timedWords(out.words);
  let segments: TimedSegment[];
  if (upstreamSegments.length) {
    segments = upstreamSegments.map((s) => ({
      start: num(s.start) ?? 0,
      end: num(s.end) ?? num(s.start) ?? 0,
      text: str(s.text) ?? '',
      temperature: num(s.temperature),
      avg_logprob: num(s.avg_logprob),
      compression_ratio: num(s.compression_ratio),
      no_speech_prob: num(s.no_speech_prob),
    }));
    if (!words.length) words = upstreamSegments.flatMap((s) => timedWords(s.words));
  } else {
    segments = vtt ? segmentsFromVtt(vtt) : segmentsFromWords(words);
  }
  const info = isObj(out.transcription_info) ? out.transcription_info : {};
  return { text: out.text.trim(), language: str(info.language), duration: num(info.duration), segments, words, vtt };
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** OpenAI reports languages by English name, lower-case ("english"); models report ISO codes. */
function languageName(code: string | undefined): string | undefined {
  if (!code) return undefined;
  try {
    return languageNames.of(code.split(/[-_]/)[0]!)?.toLowerCase() ?? code.toLowerCase();
  } catch {
    return code.toLowerCase();
  }
}

function lastTime(t: Transcript): number {
  let end = 0;
  for (const s of t.segments) end = Math.max(end, s.end);
  for (const w of t.words) end = Math.max(end, w.end);
  return end;
}

function openaiSegments(segments: readonly TimedSegment[], temperature: number) {
  return segments.map((s, id) => ({
    id,
    seek: Math.floor(s.start * 100),
    start: s.start,
    end: s.end,
    text: s.text,
    tokens: [] as number[],
    temperature: s.temperature ?? temperature,
    avg_logprob: s.avg_logprob ?? 0,
    compression_ratio: s.compression_ratio ?? 0,
    no_speech_prob: s.no_speech_prob ?? 0,
  }));
}

interface RenderOptions {
  task: 'transcribe' | 'translate';
  duration: number;
  language: string;
  granularities: readonly ('word' | 'segment')[];
  temperature: number;
}

function render(t: Transcript, format: TextFormat, o: RenderOptions): AudioTextResult {
  // Silence still has a (empty) transcript; a text without timings becomes one segment.
  const segments = t.segments.length || !t.text ? t.segments : [{ start: 0, end: o.duration, text: t.text }];
  const usage = { type: 'duration', seconds: Math.ceil(o.duration) };
  switch (format) {
    case 'text':
      return { kind: 'text', body: `${t.text}\n` };
    case 'srt':
      return { kind: 'text', body: toSrt(segments) };
    case 'vtt':
      return { kind: 'text', body: t.vtt ?? toVtt(segments) };
    case 'verbose_json':
      return {
        kind: 'json',
        body: {
          task: o.task,
          language: o.language,
          duration: o.duration,
          text: t.text,
          ...(o.granularities.includes('segment') && { segments: openaiSegments(segments, o.temperature) }),
          ...(o.granularities.includes('word') && o.task === 'transcribe' && { words: t.words }),
          ...(o.task === 'transcribe' && { usage }),
        },
      };
    default:
      return { kind: 'json', body: o.task === 'transcribe' ? { text: t.text, usage } : { text: t.text } };
  }
}

async function runAsr(services: Services, asr: AsrModel, upload: Upload, o: Parameters<typeof inputsFor>[2], signal?: AbortSignal): Promise<Transcript> {
  const inputs = await inputsFor(asr, upload, o);
  const out = await upstreamCall(asr.model.id, () => services.upstream.run(asr.model.id, inputs, { signal }));
  const t = readTranscript(asr, out);
  t.duration ??= upload.duration ?? lastTime(t);
  return t;
}

// ---------------------------------------------------------------- translation chain

/** At most this many m2m100 calls per request (each is a subrequest); segments are merged to fit. */
const MAX_TRANSLATION_CALLS = 24;
const TRANSLATION_CHUNK_CHARS = 400;
const PARALLEL_TRANSLATIONS = 4;

/** Adjacent segments merged into pieces of up to ~400 characters (more when the text is long). */
function translationPieces(segments: readonly TimedSegment[]): TimedSegment[] {
  const total = segments.reduce((n, s) => n + s.text.length, 0);
  // Greedy packing keeps any two neighbours above `limit`, so pieces <= 2 * total / limit + 1.
  const limit = Math.max(TRANSLATION_CHUNK_CHARS, Math.ceil(total / ((MAX_TRANSLATION_CALLS - 1) / 2)));
  const out: TimedSegment[] = [];
  for (const s of segments) {
    const text = s.text.trim();
    if (!text) continue;
    const last = out[out.length - 1];
    if (last && last.text.length + 1 + text.length <= limit) {
      last.text += ` ${text}`;
      last.end = s.end;
    } else {
      out.push({ start: s.start, end: s.end, text });
    }
  }
  return out;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The documented chain for models without a translate task: their transcript, through m2m100, to English. */
async function toEnglish(services: Services, t: Transcript, source: string | undefined, signal?: AbortSignal): Promise<Transcript> {
  if (isEnglish(source) || !t.text) return { ...t, vtt: undefined };
  const pieces = translationPieces(t.segments.length ? t.segments : [{ start: 0, end: t.duration ?? 0, text: t.text }]);
  const translated = await mapLimited(pieces, PARALLEL_TRANSLATIONS, async (piece) => {
    const inputs = { text: piece.text, target_lang: 'en', ...(source && { source_lang: source.split(/[-_]/)[0]!.toLowerCase() }) };
    const out = await upstreamCall(TRANSLATION_MODEL, () => services.upstream.run(TRANSLATION_MODEL, inputs, { signal }));
    if (!isObj(out) || typeof out.translated_text !== 'string') throw unexpectedOutput(TRANSLATION_MODEL);
    return out.translated_text.trim();
  });
  const segments = pieces.map((piece, i) => ({ ...piece, text: translated[i]! }));
  return { ...t, text: translated.join(' '), segments, words: [], vtt: undefined, language: 'en' };
}

// ---------------------------------------------------------------- endpoints

export async function createTranscription(services: Services, form: TranscriptionForm, file: File, signal?: AbortSignal): Promise<AudioTextResult> {
  for (const field of UNSUPPORTED_TRANSCRIPTION_FIELDS) {
    if (form[field] !== undefined) throw unsupported(field, `\`${field}\` is not supported by this proxy (it belongs to OpenAI's gpt-4o transcription models).`);
  }
  if (form.stream === 'true') throw unsupported('stream', 'Streaming transcriptions are not supported; send stream=false or leave it out.');
  const format = form.response_format ?? 'json';
  if (format === 'diarized_json') throw unsupported('response_format', 'response_format "diarized_json" is not supported; use json, text, srt, vtt or verbose_json.');

  const upload = await readUpload(file);
  const asr = asrModel(await services.catalog.resolve(form.model, 'openai-transcriptions'));
  checkOptions(asr, upload, form);
  const t = await runAsr(services, asr, upload, { task: 'transcribe', language: form.language, prompt: form.prompt }, signal);
  const language = languageName(t.language ?? form.language ?? (asr.englishOnly ? 'en' : undefined)) ?? 'unknown';
  return render(t, format, {
    task: 'transcribe',
    duration: t.duration ?? 0,
    language,
    granularities: form.timestamp_granularities?.length ? form.timestamp_granularities : ['segment'],
    temperature: form.temperature ?? 0,
  });
}

export async function createTranslation(services: Services, form: TranslationForm, file: File, signal?: AbortSignal): Promise<AudioTextResult> {
  const upload = await readUpload(file);
  const asr = asrModel(await services.catalog.resolve(form.model, 'openai-translations'));
  checkOptions(asr, upload, form);
  let t: Transcript;
  if (asr.family === 'whisper-turbo') {
    t = await runAsr(services, asr, upload, { task: 'translate', language: form.language, prompt: form.prompt }, signal);
  } else {
    const heard = await runAsr(services, asr, upload, { task: 'transcribe', language: form.language }, signal);
    t = await toEnglish(services, heard, heard.language ?? form.language ?? (asr.englishOnly ? 'en' : undefined), signal);
  }
  return render(t, form.response_format ?? 'json', {
    task: 'translate',
    duration: t.duration ?? 0,
    language: 'english',
    granularities: ['segment'],
    temperature: form.temperature ?? 0,
  });
}

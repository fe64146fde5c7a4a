/** What a speech model said, read into one shape and rendered in the response_format asked for. */
import { unexpectedOutput } from '../../errors';
import { isObj, num, str, type Json as J } from '../../lib/json';
import { segmentsFromVtt, segmentsFromWords, toSrt, toVtt, type TimedSegment, type TimedWord } from '../../lib/subtitles';
import { charge, costFor, type Cost } from '../billing';
import type { Services } from '../index';
import { upstreamCall } from '../upstream/errors';
import { inputsFor, type AsrModel, type Upload } from './input';

export type AudioTextResult = { kind: 'json'; body: Record<string, unknown> } | { kind: 'text'; body: string };
export type TextFormat = 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt';

/** What any of the models said, in one shape. */
export interface Transcript {
  text: string;
  language?: string;
  duration?: number;
  segments: TimedSegment[];
  words: TimedWord[];
  /** The model's own WebVTT, passed through for response_format=vtt. */
  vtt?: string;
  /** What recognising it cost. */
  cost?: Cost;
}

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

export function readTranscript(asr: AsrModel, out: unknown): Transcript {
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

export const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** OpenAI reports languages by English name, lower-case ("english"); models report ISO codes. */
export function languageName(code: string | undefined): string | undefined {
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

export function render(t: Transcript, format: TextFormat, o: RenderOptions): AudioTextResult {
  // Silence still has a (empty) transcript; a text without timings becomes one segment.
  const segments = t.segments.length || !t.text ? t.segments : [{ start: 0, end: o.duration, text: t.text }];
  const usage = { type: 'duration', seconds: Math.ceil(o.duration), ...(t.cost ?? { cost: null, neurons: null }) };
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

export async function runAsr(services: Services, asr: AsrModel, upload: Upload, o: Parameters<typeof inputsFor>[2], signal?: AbortSignal): Promise<Transcript> {
  const inputs = await inputsFor(asr, upload, o);
  const out = await upstreamCall(asr.model.id, () => services.upstream.run(asr.model.id, inputs, { signal }));
  const t = readTranscript(asr, out);
  t.duration ??= upload.duration ?? lastTime(t);
  // Workers AI bills the audio heard, per minute.
  t.cost = costFor(asr.model.entry, { audioSeconds: t.duration });
  charge(services, asr.model.id, t.cost);
  return t;
}

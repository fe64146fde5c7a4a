/** Timed text: segments from WebVTT cues or from timed words, and SRT / WebVTT out. */

export interface TimedWord {
  word: string;
  start: number;
  end: number;
}

export interface TimedSegment {
  start: number;
  end: number;
  text: string;
  temperature?: number;
  avg_logprob?: number;
  compression_ratio?: number;
  no_speech_prob?: number;
}

const CUE_TIME = /(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/;

function cueSeconds(text: string): number | undefined {
  const m = CUE_TIME.exec(text);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]!.padEnd(3, '0')) / 1000;
}

/** The cues of a WebVTT document as segments (`mm:ss.ttt` and `hh:mm:ss.ttt` times alike). */
export function segmentsFromVtt(vtt: string): TimedSegment[] {
  const out: TimedSegment[] = [];
  for (const block of vtt.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing === -1) continue;
    const [from = '', to = ''] = lines[timing]!.split('-->');
    const start = cueSeconds(from);
    const end = cueSeconds(to);
    const text = lines.slice(timing + 1).join(' ').trim();
    if (start === undefined || end === undefined || !text) continue;
    out.push({ start, end, text });
  }
  return out;
}

const SENTENCE_END = /[.!?…。？！]["')\]]*$/;
const MAX_SEGMENT_SECONDS = 15;
const MAX_GAP_SECONDS = 1;

/** Groups timed words into caption-sized segments: at a sentence end, a pause, or every 15 s. */
export function segmentsFromWords(words: readonly TimedWord[]): TimedSegment[] {
  const out: TimedSegment[] = [];
  let current: TimedWord[] = [];
  const close = () => {
    if (!current.length) return;
    out.push({ start: current[0]!.start, end: current[current.length - 1]!.end, text: current.map((w) => w.word.trim()).join(' ') });
    current = [];
  };
  for (const word of words) {
    const last = current[current.length - 1];
    if (last && (word.start - last.end > MAX_GAP_SECONDS || word.end - current[0]!.start > MAX_SEGMENT_SECONDS)) close();
    current.push(word);
    if (SENTENCE_END.test(word.word.trim())) close();
  }
  close();
  return out;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `hh:mm:ss,mmm` (SRT) or `hh:mm:ss.mmm` (WebVTT). */
function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export function toSrt(segments: readonly TimedSegment[]): string {
  return segments.map((s, i) => `${i + 1}\n${clock(s.start, ',')} --> ${clock(s.end, ',')}\n${s.text.trim()}\n\n`).join('');
}

export function toVtt(segments: readonly TimedSegment[]): string {
  return `WEBVTT\n\n${segments.map((s) => `${clock(s.start, '.')} --> ${clock(s.end, '.')}\n${s.text.trim()}\n\n`).join('')}`;
}

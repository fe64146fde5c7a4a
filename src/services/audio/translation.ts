/** The documented chain for speech models without a translate task: transcript, through m2m100, to English. */
import { unexpectedOutput } from '../../errors';
import { mapBounded } from '../../lib/bounded';
import { isObj } from '../../lib/json';
import type { TimedSegment } from '../../lib/subtitles';
import type { Services } from '../index';
import { upstreamCall } from '../upstream/errors';
import { isEnglish } from './input';
import type { Transcript } from './transcript';

/** Translates the transcript for models without whisper's own translate task. */
export const TRANSLATION_MODEL = '@cf/meta/m2m100-1.2b';

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

/** The documented chain for models without a translate task: their transcript, through m2m100, to English. */
export async function toEnglish(services: Services, t: Transcript, source: string | undefined, signal?: AbortSignal): Promise<Transcript> {
  if (isEnglish(source) || !t.text) return { ...t, vtt: undefined };
  const pieces = translationPieces(t.segments.length ? t.segments : [{ start: 0, end: t.duration ?? 0, text: t.text }]);
  const translated = await mapBounded(pieces, PARALLEL_TRANSLATIONS, async (piece) => {
    const inputs = { text: piece.text, target_lang: 'en', ...(source && { source_lang: source.split(/[-_]/)[0]!.toLowerCase() }) };
    const out = await upstreamCall(TRANSLATION_MODEL, () => services.upstream.run(TRANSLATION_MODEL, inputs, { signal }));
    if (!isObj(out) || typeof out.translated_text !== 'string') throw unexpectedOutput(TRANSLATION_MODEL);
    return out.translated_text.trim();
  });
  const segments = pieces.map((piece, i) => ({ ...piece, text: translated[i]! }));
  return { ...t, text: translated.join(' '), segments, words: [], vtt: undefined, language: 'en' };
}

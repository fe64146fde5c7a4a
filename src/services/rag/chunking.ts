/**
 * Splits a document into overlapping chunks of at most `size` characters. A chunk ends at the
 * best boundary in its second half: a paragraph break, else a line break, else a sentence end,
 * else a space, else it is cut hard. The next chunk starts `overlap` characters before that
 * end (at most half the chunk), moved forward to the start of a word. Same text and settings,
 * same chunks.
 */

const SENTENCE_END = /[.!?。！？][)"'\]’”]*\s/g;

/** Where to end a chunk that starts at `start` and may run to `limit` (exclusive). */
function breakAt(text: string, start: number, limit: number): number {
  const from = start + Math.floor((limit - start) / 2);
  const window = text.slice(from, limit);
  const para = window.lastIndexOf('\n\n');
  if (para > 0) return from + para + 2;
  const line = window.lastIndexOf('\n');
  if (line > 0) return from + line + 1;
  let sentence = -1;
  for (const m of window.matchAll(SENTENCE_END)) sentence = m.index + m[0].length;
  if (sentence > 0) return from + sentence;
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
  if (space > 0) return from + space + 1;
  return avoidSplitPair(text, limit);
}

/** Never cut between the two halves of a surrogate pair (an emoji, say). */
function avoidSplitPair(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/**
 * Where the chunk after one ending at `end` starts: `overlap` back (at most half the chunk, so
 * chunks always advance), moved forward to a word start.
 */
function nextStart(text: string, start: number, end: number, overlap: number): number {
  const back = Math.min(overlap, Math.floor((end - start) / 2));
  if (back <= 0) return end;
  let at = end - back;
  if (!/\s/.test(text[at - 1]!)) {
    const space = text.slice(at, end).search(/\s/);
    at = space < 0 ? end : at + space + 1;
  }
  at = avoidSplitPair(text, at);
  return at > start ? at : end;
}

export function chunkText(raw: string, size: number, overlap: number): string[] {
  const text = raw.replace(/\r\n?/g, '\n').trim();
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    const limit = Math.min(start + size, text.length);
    const end = limit === text.length ? limit : breakAt(text, start, limit);
    const chunk = text.slice(start, end).trim();
    if (chunk) chunks.push(chunk);
    if (end >= text.length) break;
    start = nextStart(text, start, end, overlap);
    while (start < text.length && /\s/.test(text[start]!)) start++;
  }
  return chunks;
}

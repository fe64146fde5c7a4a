/** Uploaded audio: what container it is (by its bytes, else by its name / type), its length, base64. */

/** The containers OpenAI accepts for transcription. Whisper (all three) and nova-3 decode each of them. */
export type AudioFormat = 'wav' | 'mp3' | 'mp4' | 'ogg' | 'webm' | 'flac';

export const AUDIO_MIME: Readonly<Record<AudioFormat, string>> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  mp4: 'audio/mp4',
  ogg: 'audio/ogg',
  webm: 'audio/webm',
  flac: 'audio/flac',
};

/** OpenAI's list, as it names it in its own error. */
export const ACCEPTED_EXTENSIONS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'opus', 'wav', 'webm'] as const;

const BY_EXTENSION: Readonly<Record<string, AudioFormat>> = {
  wav: 'wav', wave: 'wav', mp3: 'mp3', mpeg: 'mp3', mpga: 'mp3', mp4: 'mp4', m4a: 'mp4',
  ogg: 'ogg', oga: 'ogg', opus: 'ogg', webm: 'webm', flac: 'flac',
};

const BY_MIME: Readonly<Record<string, AudioFormat>> = {
  'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/mpga': 'mp3',
  'audio/mp4': 'mp4', 'audio/m4a': 'mp4', 'audio/x-m4a': 'mp4', 'video/mp4': 'mp4',
  'audio/ogg': 'ogg', 'audio/opus': 'ogg', 'application/ogg': 'ogg',
  'audio/webm': 'webm', 'video/webm': 'webm',
  'audio/flac': 'flac', 'audio/x-flac': 'flac',
};

const at = (b: Uint8Array, offset: number, text: string) => {
  for (let i = 0; i < text.length; i++) if (b[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** Size of a leading ID3v2 tag (header + body + optional footer), or 0. */
export function id3Length(b: Uint8Array): number {
  if (!at(b, 0, 'ID3') || b.length < 10) return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + (b[5]! & 0x10 ? 10 : 0);
}

/** The container from its first bytes (after any ID3 tag); undefined when not recognised. */
export function sniffAudio(b: Uint8Array): AudioFormat | undefined {
  if (at(b, 0, 'RIFF') && at(b, 8, 'WAVE')) return 'wav';
  if (at(b, 0, 'fLaC')) return 'flac';
  if (at(b, 0, 'OggS')) return 'ogg';
  if (at(b, 0, '\x1a\x45\xdf\xa3')) return 'webm';
  if (at(b, 4, 'ftyp')) return 'mp4';
  // MPEG audio frame sync with a layer set (ADTS AAC has layer 00 and is not accepted).
  if (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0 && (b[1]! & 0x06) !== 0) return 'mp3';
  return undefined;
}

/** Formats that are certainly not audio, so a misleading name or type cannot get them through. */
export function looksLikeNonAudio(b: Uint8Array): boolean {
  return at(b, 0, '\x89PNG') || at(b, 0, '\xff\xd8\xff') || at(b, 0, 'GIF8') || at(b, 0, '%PDF') || at(b, 0, 'PK\x03\x04') || at(b, 0, '{') || at(b, 0, '<');
}

/** The container a client declared, by file extension or by content type. */
export function declaredFormat(name: string, type: string): AudioFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || BY_MIME[type.split(';')[0]!.trim().toLowerCase()];
}

/** Seconds of audio in a WAV file, from its `fmt ` byte rate and `data` length (`head` is the file's start). */
export function wavDuration(head: Uint8Array, fileSize: number): number | undefined {
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= head.length) {
    const size = dv.getUint32(offset + 4, true);
    if (at(head, offset, 'fmt ') && offset + 16 <= head.length) byteRate = dv.getUint32(offset + 16, true);
    if (at(head, offset, 'data')) {
      // Streamed WAVs leave the size at 0 or 0xFFFFFFFF: the rest of the file is the data.
      const bytes = Math.min(size || Infinity, fileSize - offset - 8);
      return byteRate > 0 ? bytes / byteRate : undefined;
    }
    offset += 8 + size + (size & 1);
  }
  return undefined;
}

export { base64Chunked, fromBase64, toBase64 } from '../../lib/base64';

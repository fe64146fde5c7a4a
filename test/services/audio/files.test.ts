import { describe, expect, it } from 'vitest';
import { base64Chunked, fromBase64, toBase64, wavDuration } from '../../../src/services/audio/files';
import { segmentsFromVtt, segmentsFromWords } from '../../../src/lib/subtitles';
import { wav } from '../../support/audio';

describe('base64 for whisper-large-v3-turbo', () => {
  it('the chunked fallback matches the native encoder at every chunk boundary', () => {
    const data = new Uint8Array(3 * 0x2aaa * 2 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 255;
    for (const n of [0, 1, 2, 3, 0x7ffd, 0x7ffe, 0x7fff, data.length]) {
      const part = data.subarray(0, n);
      expect(base64Chunked(part)).toBe((part as any).toBase64());
      expect(toBase64(part)).toBe(base64Chunked(part));
      expect(fromBase64(base64Chunked(part))).toEqual(part);
    }
  });
});

describe('timed text', () => {
  it('reads WebVTT cues in mm:ss.ttt and hh:mm:ss.ttt, skipping notes and empty cues', () => {
    const vtt = 'WEBVTT\n\nNOTE a comment\n\n1\n00:01.500 --> 00:02.000\nOne\n\n01:00:00.250 --> 01:00:01.000 align:start\nTwo\nlines\n\n00:03.000 --> 00:04.000\n\n';
    expect(segmentsFromVtt(vtt)).toEqual([
      { start: 1.5, end: 2, text: 'One' },
      { start: 3600.25, end: 3601, text: 'Two lines' },
    ]);
  });

  it('groups words at sentence ends, pauses, and every 15 seconds', () => {
    const w = (word: string, start: number, end = start + 0.4) => ({ word, start, end });
    const segs = segmentsFromWords([w('Hi.', 0), w('So', 1), w('then', 3), ...Array.from({ length: 40 }, (_, i) => w('la', 4 + i * 0.5))]);
    expect(segs.map((s) => s.text.split(' ').length)).toEqual([1, 1, 29, 12]) // "then" + 28 words reach 15 s;
    expect(segs[0]).toEqual({ start: 0, end: 0.4, text: 'Hi.' });
  });

  it('knows a WAV length from its header, with other chunks before the data', () => {
    expect(wavDuration(wav(2.5), wav(2.5).length)).toBe(2.5);
    const plain = wav(1);
    const list = new Uint8Array(plain.length + 12);
    list.set(plain.subarray(0, 36));
    list.set([0x4c, 0x49, 0x53, 0x54, 4, 0, 0, 0, 1, 2, 3, 4], 36);
    list.set(plain.subarray(36), 48);
    expect(wavDuration(list, list.length)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { segmentsFromVtt, segmentsFromWords, toSrt, toVtt } from '../../src/lib/subtitles';

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

  it('writes SRT (comma, numbered) and WebVTT (dot, header) clocks past an hour', () => {
    const segments = [
      { start: 0, end: 1.5, text: ' One ' },
      { start: 3661.25, end: 3662, text: 'Two' },
    ];
    expect(toSrt(segments)).toBe('1\n00:00:00,000 --> 00:00:01,500\nOne\n\n2\n01:01:01,250 --> 01:01:02,000\nTwo\n\n');
    expect(toVtt(segments)).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nOne\n\n01:01:01.250 --> 01:01:02.000\nTwo\n\n');
    expect(segmentsFromVtt(toVtt(segments))).toEqual([
      { start: 0, end: 1.5, text: 'One' },
      { start: 3661.25, end: 3662, text: 'Two' },
    ]);
    expect(toVtt([])).toBe('WEBVTT\n\n');
  });
});

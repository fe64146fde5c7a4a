import { describe, expect, it } from 'vitest';
import { wavDuration } from '../../../src/services/audio/files';
import { wav } from '../../support/audio';

describe('WAV headers', () => {
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

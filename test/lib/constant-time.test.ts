import { describe, expect, it } from 'vitest';
import { matchIndex } from '../../src/lib/constant-time';

const b = (s: string) => new TextEncoder().encode(s);

describe('matchIndex', () => {
  const keys = [b('sk-alpha'), b('sk-beta-longer'), b('k')];

  it('finds the candidate equal to the given bytes', () => {
    expect(matchIndex(b('sk-alpha'), keys)).toBe(0);
    expect(matchIndex(b('sk-beta-longer'), keys)).toBe(1);
    expect(matchIndex(b('k'), keys)).toBe(2);
  });

  it('refuses prefixes, extensions, repetitions and one-byte changes', () => {
    for (const wrong of ['sk-alph', 'sk-alphaa', 'sk-alphb', 'kk', 'sk-alphask-alpha', '', 'SK-ALPHA']) {
      expect(matchIndex(b(wrong), keys), wrong).toBe(-1);
    }
  });

  it('with no candidates nothing matches', () => {
    expect(matchIndex(b('x'), [])).toBe(-1);
  });
});

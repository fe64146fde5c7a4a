import { describe, expect, it } from 'vitest';
import { StopMatcher, firstStop } from '../../src/lib/stop-sequences';

function run(stops: string[], pieces: string[]): { out: string[]; stopped: boolean } {
  const m = new StopMatcher(stops);
  const out: string[] = [];
  for (const p of pieces) {
    const r = m.push(p);
    out.push(r.text);
    if (r.stopped) return { out, stopped: true };
  }
  out.push(m.flush());
  return { out, stopped: false };
}

describe('stop sequences', () => {
  it('firstStop finds the earliest of several', () => {
    expect(firstStop('abcEND xyz STOP', ['STOP', 'END'])).toBe(3);
    expect(firstStop('nothing here', ['STOP'])).toBe(-1);
  });

  it('holds back only a tail that could still become a stop, and cuts at the stop', () => {
    expect(run(['END'], ['Hello E', 'N', 'D and more'])).toEqual({ out: ['Hello ', '', ''], stopped: true });
    expect(run(['END'], ['Hello E', 'lse'])).toEqual({ out: ['Hello ', 'Else', ''], stopped: false });
  });

  it('flushes a held tail at the end of the stream', () => {
    expect(run(['</s>'], ['text </'])).toEqual({ out: ['text ', '</'], stopped: false });
  });
});

import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/lib/bytes';

describe('concatBytes', () => {
  it('joins the parts in order, counting them when no size is given', () => {
    expect([...concatBytes([new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3])])]).toEqual([1, 2, 3]);
    expect([...concatBytes([new Uint8Array([4]), new Uint8Array([5, 6])], 3)]).toEqual([4, 5, 6]);
    expect(concatBytes([]).length).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { isObj, num, str } from '../../src/lib/json';

describe('loose JSON readers', () => {
  it('isObj: plain objects only', () => {
    expect([{}, { a: 1 }].map(isObj)).toEqual([true, true]);
    expect([null, [], 'x', 1, undefined].map(isObj)).toEqual([false, false, false, false, false]);
  });

  it('num: finite numbers; str: strings', () => {
    expect([1.5, 0, NaN, Infinity, '1', null].map(num)).toEqual([1.5, 0, undefined, undefined, undefined, undefined]);
    expect(['', 'a', 1, null].map(str)).toEqual(['', 'a', undefined, undefined]);
  });
});

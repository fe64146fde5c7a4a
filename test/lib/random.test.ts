import { describe, expect, it } from 'vitest';
import { randomAlnum, randomBase64Url, randomHex } from '../../src/lib/random';

describe('random ids', () => {
  it('have the advertised alphabet and length, and differ', () => {
    const hex = randomHex();
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(randomAlnum(24)).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(randomBase64Url(24)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(Array.from({ length: 50 }, () => randomHex())).size).toBe(50);
    expect(new Set(Array.from({ length: 50 }, () => randomAlnum(24))).size).toBe(50);
  });
});

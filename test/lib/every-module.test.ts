/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';

// Every domain-free helper in src/lib/ has its unit test here, named after it.
const modules = Object.keys(import.meta.glob('../../src/lib/*.ts')).map((p) => p.slice(p.lastIndexOf('/') + 1, -3));
const tests = Object.keys(import.meta.glob('./*.test.ts')).map((p) => p.slice(2, -8));

describe('src/lib', () => {
  it('has a unit test per module', () => {
    expect(modules.length).toBeGreaterThan(5);
    expect(modules.filter((m) => !tests.includes(m))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/lib/glob';

describe('glob', () => {
  it('without a star, only the same name matches', () => {
    expect(globMatch('@cf/meta/llama-3.1-8b-instruct-fast', '@cf/meta/llama-3.1-8b-instruct-fast')).toBe(true);
    expect(globMatch('@cf/meta/llama-3.1-8b-instruct', '@cf/meta/llama-3.1-8b-instruct-fast')).toBe(false);
  });

  it('a star covers any run of characters, slashes included', () => {
    expect(globMatch('@cf/meta/*', '@cf/meta/llama-3.1-8b-instruct-fast')).toBe(true);
    expect(globMatch('@cf/meta/*', '@cf/metaX/llama')).toBe(false);
    expect(globMatch('*', 'anything/at/all')).toBe(true);
    expect(globMatch('@cf/*/llama*fast', '@cf/meta/llama-3.1-8b-instruct-fast')).toBe(true);
    expect(globMatch('@cf/*/llama*fast', '@cf/meta/llama-3.1-8b-instruct')).toBe(false);
    expect(globMatch('*-fast', '@cf/meta/llama-3.3-70b-instruct-fp8-fast')).toBe(true);
  });

  it('prefix and suffix may not overlap, and middle parts come in order', () => {
    expect(globMatch('ab*ba', 'aba')).toBe(false);
    expect(globMatch('a*b*c', 'acb')).toBe(false);
    expect(globMatch('a*b*c', 'a-b-c')).toBe(true);
    expect(globMatch('a**c', 'ac')).toBe(true);
  });
});

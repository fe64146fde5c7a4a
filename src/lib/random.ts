/** Random identifiers from the Web Crypto generator. */
import { toBase64Url } from './base64';

/** 32 lower-case hex digits: a UUID v4 without its dashes (122 random bits), as OpenAI's ids look. */
export const randomHex = (): string => crypto.randomUUID().replaceAll('-', '');

export const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` characters of [A-Za-z0-9]. */
export function randomAlnum(length: number): string {
  let id = '';
  for (const b of crypto.getRandomValues(new Uint8Array(length))) id += ALNUM[b % 62];
  return id;
}

/** `bytes` random bytes as unpadded base64url (24 bytes: 32 characters, 192 bits, unguessable). */
export const randomBase64Url = (bytes: number): string => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));

let prefix: string | undefined;
let counter = 0;

/**
 * 32 lower-case hex digits, unique but not unpredictable: a random prefix drawn once per isolate
 * (80 bits), then a counter. For ids that only name things (request ids, chat and text
 * completion ids): crypto.randomUUID() for each was about 7 % of a non-stream chat's CPU in the
 * workerd profile, two per request. Never for a secret, a capability or a store key (randomHex).
 */
export function uniqueHex(): string {
  // Drawn on first use: randomness is not available while the module is being evaluated.
  prefix ??= Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, '0')).join('');
  counter = (counter + 1) % 2 ** 48;
  return prefix + counter.toString(16).padStart(12, '0');
}

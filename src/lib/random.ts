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

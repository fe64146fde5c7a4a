/**
 * Unique 32-hex-digit ids (request ids, chat and text completion ids), cheaply: a random prefix
 * drawn once per isolate, then a counter. crypto.randomUUID() for each was about 7 % of a
 * non-stream chat's CPU in the profile (two per request). These ids name things for logs and
 * clients; none is a secret or a capability (stored responses keep fully random ids).
 */
let prefix: string | undefined;
let counter = 0;

export function uniqueHex(): string {
  // Drawn on first use: randomness is not available while the module is being evaluated.
  prefix ??= Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, '0')).join('');
  counter = (counter + 1) % 2 ** 48;
  return prefix + counter.toString(16).padStart(12, '0');
}

/**
 * Which of `candidates` equals `given`, in time that depends on `given`'s length and the number
 * of candidates only: every candidate is compared over every byte of `given`, differences are
 * OR-ed together rather than returned early, and the answer is picked by arithmetic, not a branch.
 * A candidate's length and content show in no timing (its bytes are read modulo its length).
 * -1 when none matches. Candidates must be non-empty.
 */
export function matchIndex(given: Uint8Array, candidates: readonly Uint8Array[]): number {
  let found = -1;
  const n = given.length;
  for (let k = 0; k < candidates.length; k++) {
    const key = candidates[k]!;
    const len = key.length;
    // Any length difference counts as a difference (its size does not matter, only non-zero).
    let diff = (n ^ len) === 0 ? 0 : 1;
    for (let i = 0; i < n; i++) diff |= given[i]! ^ key[i % len]!;
    // 1 when diff is 0, else 0 (diff < 2^8 here).
    const same = ((diff - 1) >>> 31) & 1;
    found += same * (k - found);
  }
  return found;
}

/** Loose readers for parsed JSON whose shape is checked field by field (upstream answers). */

export type Json = Record<string, any>;

/** A plain object (not null, not an array). */
export const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A finite number, else undefined. */
export const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** A string, else undefined. */
export const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

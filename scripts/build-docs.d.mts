/** Types of scripts/build-docs.mjs, for vitest.config.ts. */
export const publicDir: string;
export function buildDocs(options?: { check?: boolean }): Promise<{ changed: string[]; bytes: number }>;

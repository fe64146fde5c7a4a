/** Types of scripts/build-docs.mjs, for vitest.config.ts. */
export function buildDocs(options?: { check?: boolean }): Promise<{ changed: boolean; bytes: number }>;
